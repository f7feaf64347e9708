package dev.jtpm.cros;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmDevice;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtPublic;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The host TPM as vtpm uses it through trunks: raw command passthrough ({@code SendCommandAndWait}), {@code LoadKey}
 * of a key blob under the host SRK, {@code CreateRestrictedECCKeyPair} (TPM2_Create under the host SRK) and
 * {@code FlushContextSync}. A transport failure is TPM_RC_FAILURE. Calls are serialized by the caller.
 */
final class HostTpm {
    /** trunks' {@code kStorageRootKey}: the host SRK every virtual key is loaded under. */
    static final int HOST_SRK = 0x81000000;
    private static final int ST_SESSIONS = 0x8002;
    private static final int CC_LOAD = 0x157, CC_FLUSH_CONTEXT = 0x165, CC_READ_PUBLIC = 0x173;

    private final TpmDevice device;

    HostTpm(TpmDevice device) { this.device = device; }

    /** Sends raw command bytes; the response comes back unchanged. */
    byte[] send(byte[] command) throws VtpmException {
        try {
            byte[] rsp = device.execute(command, 0);
            if (rsp == null || rsp.length < 10) throw new VtpmException(VtpmRc.FAILURE, "short response from the host TPM");
            return rsp;
        } catch (IOException e) {
            throw new VtpmException(VtpmRc.FAILURE, "host TPM: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new VtpmException(VtpmRc.FAILURE, "host TPM: " + e);
        }
    }

    /** Sends and fails with the host's code when it is not success. */
    private byte[] sendOk(byte[] command) throws VtpmException {
        byte[] rsp = send(command);
        int rc = Responses.rc(rsp);
        if (rc != 0) throw new VtpmException(rc, String.format("host TPM answered 0x%X", rc));
        return rsp;
    }

    /**
     * {@code TpmUtility::LoadKey}: TPM2_Load of a key blob ({@code TPM2B_PUBLIC || TPM2B_PRIVATE}) under the host
     * SRK with an empty password; the new transient host handle.
     */
    int loadKey(byte[] blob) throws VtpmException {
        KeyBlob kb = KeyBlob.parse(blob);
        byte[] cmd = new Responses.Builder(ST_SESSIONS, CC_LOAD).u32(HOST_SRK).u32(9).u32(TpmRh.RS_PW).u16(0).u8(1).u16(0)
                .tpm2b(kb.privateArea()).tpm2b(kb.publicArea()).build();
        byte[] rsp = sendOk(cmd);
        if (rsp.length < 14) throw new VtpmException(VtpmRc.FAILURE, "short Load response from the host TPM");
        return CommandReader.u32(rsp, 10);
    }

    /** {@code FlushContextSync}; errors are ignored as vtpm ignores them. */
    void flush(int handle) {
        try {
            send(command(0x8001, CC_FLUSH_CONTEXT, handle));
        } catch (VtpmException e) {
            // the reference ignores a failed flush
        }
    }

    /** The Name of the host SRK, or empty when the host has no object at 0x81000000. */
    Optional<Bytes> srkName() throws VtpmException {
        byte[] rsp = send(command(0x8001, CC_READ_PUBLIC, HOST_SRK));
        int rc = Responses.rc(rsp);
        if ((rc & 0x80) != 0 && (rc & 0x3F) == 0x0B) return Optional.empty(); // TPM_RC_HANDLE, whatever its index
        if (rc != 0) throw new VtpmException(rc, String.format("host ReadPublic(0x81000000) answered 0x%X", rc));
        CommandReader r = new CommandReader(rsp);
        r.skip(10);
        r.tpm2b();
        return Optional.of(Bytes.wrap(r.tpm2b()));
    }

    /**
     * Makes the host SRK at 0x81000000 when it is missing (what tpm_managerd's ownership does on ChromeOS): an ECC
     * P-256 storage key from the TCG Provisioning Guidance template under the owner hierarchy (empty owner auth).
     */
    Bytes ensureSrk() throws VtpmException {
        Optional<Bytes> name = srkName();
        if (name.isPresent()) return name.get();
        CreatePrimary cp = new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK, Bytes.EMPTY,
                new TpmlPcrSelection(List.of()));
        byte[] rsp = sendOk(CommandBytes.encode(cp));
        int loaded = CommandReader.u32(rsp, 10);
        try {
            sendOk(CommandBytes.encode(new EvictControl(TpmRh.OWNER, loaded, HOST_SRK)));
        } finally {
            flush(loaded);
        }
        return srkName().orElseThrow(() -> new VtpmException(VtpmRc.FAILURE, "host SRK missing after EvictControl"));
    }

    /**
     * {@code CreateRestrictedECCKeyPair}: TPM2_Create of {@code template} under the host SRK with an empty parent
     * password; the key blob {@code TPM2B_PUBLIC || TPM2B_PRIVATE}.
     */
    byte[] createKey(TpmtPublic template, Secret userAuth) throws VtpmException {
        Create c = new Create(HOST_SRK, new TpmsSensitiveCreate(userAuth, Secret.EMPTY), template, Bytes.EMPTY,
                new TpmlPcrSelection(List.of()));
        byte[] rsp = sendOk(CommandBytes.encode(c));
        CommandReader r = new CommandReader(rsp);
        r.skip(10);
        r.u32(); // parameterSize
        byte[] priv = r.tpm2b();
        byte[] pub = r.tpm2b();
        return new KeyBlob(pub, priv).serialize();
    }

    private static byte[] command(int tag, int cc, int handle) {
        byte[] b = new byte[14];
        b[0] = (byte) (tag >>> 8);
        b[1] = (byte) tag;
        CommandReader.putU32(b, 2, 14);
        CommandReader.putU32(b, 6, cc);
        CommandReader.putU32(b, 10, handle);
        return b;
    }

    /** trunks' key blob: TPM2B_PUBLIC then TPM2B_PRIVATE, each with its 2-byte big-endian size. */
    record KeyBlob(byte[] publicArea, byte[] privateArea) {
        static KeyBlob parse(byte[] blob) throws VtpmException {
            CommandReader r = new CommandReader(blob);
            try {
                byte[] pub = r.tpm2b();
                byte[] priv = r.tpm2b();
                r.requireEnd();
                return new KeyBlob(pub, priv);
            } catch (VtpmException e) {
                throw new VtpmException(VtpmRc.FAILURE, "malformed key blob");
            }
        }

        byte[] serialize() {
            byte[] b = new byte[4 + publicArea.length + privateArea.length];
            b[0] = (byte) (publicArea.length >>> 8);
            b[1] = (byte) publicArea.length;
            System.arraycopy(publicArea, 0, b, 2, publicArea.length);
            int at = 2 + publicArea.length;
            b[at] = (byte) (privateArea.length >>> 8);
            b[at + 1] = (byte) privateArea.length;
            System.arraycopy(privateArea, 0, b, at + 2, privateArea.length);
            return b;
        }

        /** The public area as a record. */
        TpmtPublic publicRecord() { return TpmCodec.decode(TpmtPublic.class, publicArea); }
    }

    /** The vSRK template (reference §3.7): ECC P-256, SHA-256, 0x00030472, AES-128-CFB, no policy, empty unique. */
    static TpmtPublic vsrkTemplate() {
        return TpmtPublic.of(TpmAlg.SHA256, Templates.SRK_ATTRIBUTES, Bytes.EMPTY, eccStorageParms());
    }

    /** The vEK template as attestationd makes it: the vSRK's, with the TCG EK policy (PolicySecret(endorsement)). */
    static TpmtPublic vekTemplate() {
        return TpmtPublic.of(TpmAlg.SHA256, Templates.SRK_ATTRIBUTES, Templates.POLICY_A_SHA256, eccStorageParms());
    }

    private static dev.jtpm.types.structure.TpmsEccParms eccStorageParms() {
        return new dev.jtpm.types.structure.TpmsEccParms(dev.jtpm.types.structure.TpmtSymDefObject.aes(128, TpmAlg.CFB),
                dev.jtpm.types.structure.TpmtEccScheme.NULL, Templates.NIST_P256, dev.jtpm.types.structure.TpmtKdfScheme.NULL);
    }
}
