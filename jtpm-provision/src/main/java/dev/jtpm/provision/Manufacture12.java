package dev.jtpm.provision;

import dev.jtpm.tpm12.Ordinal;
import dev.jtpm.tpm12.Tpm12Client;
import dev.jtpm.types.TpmDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * swtpm_setup 0.7.1's manufacture sequence for a TPM 1.2 ({@code init_tpm} of swtpm_setup.c), as commands to a started
 * TPM 1.2:
 *
 * <ol>
 *   <li>what swtpm_setup calls "run_swtpm_bios": TSC_PhysicalPresence(CMD_ENABLE), TSC_PhysicalPresence(PRESENT),
 *       TPM_PhysicalEnable, TPM_PhysicalSetDeactivated(FALSE);</li>
 *   <li>with {@code createEk}: TPM_CreateEndorsementKeyPair (RSA 2048, OAEP); then with {@code takeOwnership}
 *       TPM_TakeOwnership under OIAP (SRK: TPM_KEY12 storage key, RSA 2048, authDataUsage ALWAYS); then with
 *       {@code ekCert} the certificates: the EK's in NV index 0x1000F000 (TPM_NV_INDEX_EKCert) and, only then, with
 *       {@code platformCert} the platform's in 0x1000F002 — each defined without authorization (NV not yet locked),
 *       attributes OWNERREAD | OWNERWRITE, PCR infos selecting nothing with every locality, and written whole;</li>
 *   <li>with {@code lockNvram}: TPM_NV_DefineSpace(TPM_NV_INDEX_LOCK), which sets nvLocked.</li>
 * </ol>
 * As in swtpm_setup 0.7.1, {@code --create-platform-cert} without {@code --create-ek-cert} writes no certificate.
 */
public final class Manufacture12 {
    /** TPM_NV_INDEX_EKCert (with the D bit), TPM_NV_INDEX_PlatformCert (D bit), TPM_NV_INDEX_LOCK. */
    public static final int EK_CERT_INDEX = 0x1000F000, PLATFORM_CERT_INDEX = 0x1000F002, NV_INDEX_LOCK = 0xFFFFFFFF;
    /** TPM_NV_PER_OWNERREAD | TPM_NV_PER_OWNERWRITE: the certificate indices' attributes. */
    public static final int CERT_ATTRIBUTES = 0x00020000 | 0x00000002;
    /** swtpm_setup's default owner and SRK passwords. */
    public static final String DEFAULT_OWNER_PASSWORD = "ooo", DEFAULT_SRK_PASSWORD = "sss";

    private static final short PP_CMD_ENABLE = 0x0020, PP_PRESENT = 0x0008;
    private static final short TAG_NV_DATA_PUBLIC = 0x0018, TAG_NV_ATTRIBUTES = 0x0017;

    /**
     * What to make.
     *
     * @param ownerAuth the owner secret (see {@link #secret}), used with {@code takeOwnership}
     * @param srkAuth the SRK secret
     */
    public record Options(boolean createEk, boolean takeOwnership, byte[] ownerAuth, byte[] srkAuth, boolean ekCert,
                          boolean platformCert, boolean lockNvram) {}

    /** Who makes the certificates: each answers the octets for NV (a TPM 1.2 certificate with its TCG header). */
    public interface Certificates {
        /** The EK certificate. */
        byte[] ek(RSAPublicKey ek) throws IOException, GeneralSecurityException;

        /** The platform certificate. */
        byte[] platform(RSAPublicKey ek) throws IOException, GeneralSecurityException;
    }

    /** The result: the EK (null without createEk) and the NV contents written (null when not). */
    public record Made(RSAPublicKey ek, byte[] ekCert, byte[] platformCert) {}

    private final Tpm12Client tpm;
    private final Consumer<String> log;

    /** A sequence on {@code tpm} (started), logging swtpm_setup's lines to {@code log}. */
    public Manufacture12(TpmDevice tpm, Consumer<String> log) {
        this.tpm = new Tpm12Client(tpm, new SecureRandom());
        this.log = log;
    }

    /**
     * swtpm_setup's secret for a password: SHA-1 of the password's octets; for {@code null} SHA-1 of 20 zero octets
     * with {@code wellKnown} (what 0.7.1's {@code --owner-well-known}/{@code --srk-well-known} give: the digest of the
     * well-known secret, not the well-known secret itself), else SHA-1 of {@code defaultPassword}.
     */
    public static byte[] secret(String password, boolean wellKnown, String defaultPassword) {
        byte[] in = password != null ? password.getBytes(StandardCharsets.UTF_8)
                : wellKnown ? new byte[20] : defaultPassword.getBytes(StandardCharsets.UTF_8);
        try {
            return MessageDigest.getInstance("SHA-1").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the sequence; throws with swtpm_setup's line ("TPM_X failed: 0x..") on the first failure. */
    public Made run(Options o, Certificates certs) throws IOException, GeneralSecurityException {
        check("TSC_PhysicalPresence", tpm.send(Ordinal.TSC_PhysicalPresence, Tpm12Client.params(PP_CMD_ENABLE)));
        check("TSC_PhysicalPresence", tpm.send(Ordinal.TSC_PhysicalPresence, Tpm12Client.params(PP_PRESENT)));
        check("TPM_PhysicalEnable", tpm.send(Ordinal.PhysicalEnable, new byte[0]));
        check("TSC_PhysicalSetDeactivated", tpm.send(Ordinal.PhysicalSetDeactivated, Tpm12Client.params((byte) 0)));
        if (!o.createEk()) {
            lock(o);
            return new Made(null, null, null);
        }
        Tpm12Client.Response r = check("TPM_CreateEndorsementKeyPair", tpm.createEndorsementKeyPair());
        RSAPublicKey ek = Tpm12Client.pubkey(r.body());
        if (ek.getModulus().bitLength() > 2048 || Tpm12Client.modulus(ek).length != 256)
            throw new IOException("Offset to EK Public key is wrong.");
        log.accept("Successfully created EK.");
        if (o.takeOwnership()) {
            check("TPM_TakeOwnership", tpm.takeOwnership(ek, o.ownerAuth(), o.srkAuth()));
            log.accept("Successfully took ownership of the TPM.");
        }
        byte[] ekCert = null, platformCert = null;
        if (o.ekCert()) {
            ekCert = certs.ek(ek);
            if (o.platformCert()) platformCert = certs.platform(ek);
            writeCert(EK_CERT_INDEX, ekCert);
            log.accept("Successfully created NVRAM area for EK certificate.");
            if (platformCert != null) {
                writeCert(PLATFORM_CERT_INDEX, platformCert);
                log.accept("Successfully created NVRAM area for Platform certificate.");
            }
        }
        lock(o);
        return new Made(ek, ekCert, platformCert);
    }

    private void lock(Options o) throws IOException {
        if (!o.lockNvram()) return;
        defineSpace(NV_INDEX_LOCK, 0, 0);
        log.accept("Successfully locked NVRAM access.");
    }

    private void writeCert(int index, byte[] data) throws IOException {
        defineSpace(index, CERT_ATTRIBUTES, data.length);
        check("TPM_NV_WriteValue", tpm.send(Ordinal.NV_WriteValue, Tpm12Client.params(index, 0, data.length, data)));
    }

    /** TPM_NV_DefineSpace without authorization (while nvLocked is FALSE), as swtpm_setup sends it. */
    private void defineSpace(int index, int attributes, int size) throws IOException {
        byte[] pcrInfoShort = Tpm12Client.params((short) 3, new byte[3], (byte) 0x1F, new byte[20]);
        byte[] pub = Tpm12Client.params(TAG_NV_DATA_PUBLIC, index, pcrInfoShort, pcrInfoShort, TAG_NV_ATTRIBUTES, attributes,
                (byte) 0, (byte) 0, (byte) 0, size);
        check("TPM_NV_DefineSpace", tpm.send(Ordinal.NV_DefineSpace, Tpm12Client.params(pub, new byte[20])));
    }

    private static Tpm12Client.Response check(String name, Tpm12Client.Response r) throws IOException {
        if (!r.ok()) throw new IOException(name + " failed: 0x" + Integer.toHexString(r.rc()));
        return r;
    }

    /** The TPM 1.2 certificate from a file swtpm_cert wrote with {@code --add-header}: the DER without the header. */
    public static byte[] withoutHeader(byte[] stored) {
        return stored.length >= 8 ? Arrays.copyOfRange(stored, 7, stored.length) : stored;
    }
}
