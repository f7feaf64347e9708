package dev.jtpm.cros;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.structure.TpmtPublic;
import java.util.Arrays;
import java.util.Optional;

/**
 * A virtual key made under the host SRK and cached on disk: the reference's {@code CacheableBlob(Vsrk,
 * DiskCacheBlob(vsrk.blob))}, plus what the reference misses: the Name of the host SRK is kept with the blob and
 * checked on every use, so a new host SRK (a cleared or replaced host TPM) makes the key again instead of failing every
 * load. A cached blob without a recorded Name (written by the reference) is trusted as is.
 */
final class HostBoundKey implements Blob {
    private final HostTpm host;
    private final BlobFile file;
    private final TpmtPublic template;
    private final boolean randomAuth;

    /** @param randomAuth give the key a random 32-octet authValue nobody keeps (attestationd's vEK) */
    HostBoundKey(HostTpm host, BlobFile file, TpmtPublic template, boolean randomAuth) {
        this.host = host;
        this.file = file;
        this.template = template;
        this.randomAuth = randomAuth;
    }

    @Override
    public byte[] get() throws VtpmException {
        Bytes srk = host.ensureSrk();
        Optional<BlobFile.Content> cached = file.read();
        if (cached.isPresent()) {
            Optional<byte[]> madeUnder = cached.get().boundTo();
            if (madeUnder.isEmpty() || Arrays.equals(madeUnder.get(), srk.unsafeArray())) return cached.get().blob();
        }
        Secret auth = Secret.EMPTY;
        if (randomAuth) {
            byte[] a = new byte[32];
            new java.security.SecureRandom().nextBytes(a);
            auth = Secret.of(a);
        }
        byte[] blob = host.createKey(template, auth);
        file.write(blob, srk.unsafeArray());
        return blob;
    }
}
