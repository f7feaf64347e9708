package dev.jtpm.server.backend;

import dev.jtpm.server.OptionException;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmDevice;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.PolicyGetDigest;
import dev.jtpm.types.command.PolicyPcr;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.TpmCommand;
import dev.jtpm.types.command.Unseal;
import dev.jtpm.types.command.UnsealResponse;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmuPublicId;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * A state key sealed by another TPM (EVE's per-VM vTPM keeps its AES-256 state key sealed by the device TPM):
 * {@code --key sealed=FILE,tcti=SPEC}. The file holds a sealed data object (a keyed-hash object with
 * fixedTPM|fixedParent|noDA, no userWithAuth, authPolicy = PolicyPCR over the chosen PCRs) under the backend's
 * storage primary made from the standard RSA-2048 SRK template in the owner hierarchy (empty owner auth); a copied
 * disk or a backend whose PCRs changed reveals nothing. Layout: {@code "JTPMSEAL" 01}, then three u16-sized parts:
 * TPML_PCR_SELECTION, TPMT_PUBLIC, TPM2B_PRIVATE's buffer.
 */
public final class SealedStateKey {

    private static final byte[] MAGIC = "JTPMSEAL\u0001".getBytes(StandardCharsets.US_ASCII);

    /** The unsealer {@code jtpm socket --key} uses: the backend named by {@code tcti} (a {@link BackendSpec}). */
    public static final StateKey.Unsealer UNSEALER = (file, tcti) -> {
        BackendSpec spec;
        try {
            spec = BackendSpec.parse("tcti", tcti);
        } catch (OptionException e) {
            throw new IOException(e.getMessage());
        }
        try (Backend tpm = spec.open()) {
            return unseal(tpm, file);
        }
    };

    private SealedStateKey() {}

    /** Seals {@code key} to the current values of {@code pcrs} on {@code tpm}, written atomically to {@code out} (mode 0600). */
    public static void seal(TpmDevice tpm, TpmlPcrSelection pcrs, byte[] key, Path out) throws IOException {
        int srk = call(tpm, srk()).objectHandle();
        try {
            Bytes policy = policyDigest(tpm, pcrs);
            TpmtPublic template = TpmtPublic.of(TpmAlg.SHA256,
                    TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.NO_DA), policy,
                    new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL), new TpmuPublicId.KeyedHash(Bytes.EMPTY));
            var created = call(tpm, new Create(srk, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(key)), template, Bytes.EMPTY,
                    new TpmlPcrSelection(List.of())));
            TpmWriter w = new TpmWriter(1024);
            w.bytes(Bytes.wrap(MAGIC));
            w.sized(Bytes.wrap(TpmCodec.encode(pcrs)));
            w.sized(Bytes.wrap(TpmCodec.encode(created.outPublic())));
            w.sized(created.outPrivate());
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            Files.write(tmp, w.toByteArray());
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            flush(tpm, srk);
        }
    }

    /** Unseals the key in {@code file} on {@code tpm}; one-line {@link IOException}s say why not. */
    public static byte[] unseal(TpmDevice tpm, Path file) throws IOException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read the sealed key " + file + ": " + e.getMessage());
        }
        TpmlPcrSelection pcrs;
        TpmtPublic pub;
        Bytes priv;
        try {
            if (raw.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(raw, MAGIC.length), MAGIC)) throw new IllegalArgumentException();
            TpmReader r = new TpmReader(raw, MAGIC.length, raw.length - MAGIC.length);
            pcrs = TpmCodec.decode(TpmlPcrSelection.class, r.bytes(r.u16()).toArray());
            pub = TpmCodec.decode(TpmtPublic.class, r.bytes(r.u16()).toArray());
            priv = r.bytes(r.u16());
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a jtpm sealed key");
        }
        int srk = call(tpm, srk()).objectHandle();
        int item = -1, session = -1;
        try {
            item = call(tpm, new Load(srk, priv, pub)).objectHandle();
            session = call(tpm, new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.wrap(nonce()), Bytes.EMPTY, TpmSe.POLICY,
                    TpmtSymDef.NULL, TpmAlg.SHA256)).sessionHandle();
            call(tpm, new PolicyPcr(session, Bytes.EMPTY, pcrs));
            // Unseal authorized by the policy session (not a password): the password-session encoding with the
            // session's handle in place of TPM_RS_PW; no HMAC, the session being unbound and unsalted
            byte[] cmd = CommandBytes.encode(new Unseal(item), List.of(Bytes.EMPTY));
            cmd[18] = (byte) (session >>> 24);
            cmd[19] = (byte) (session >>> 16);
            cmd[20] = (byte) (session >>> 8);
            cmd[21] = (byte) session;
            var result = CommandBytes.decode(UnsealResponse.class, tpm.execute(cmd, 0));
            if (!result.ok()) {
                int rc = result.rc().value();
                String why = (rc & 0x80) != 0 && (rc & 0x3F) == 0x1D // TPM_RC_POLICY_FAIL (format 1), any index
                        ? "the TPM's PCRs differ from those the key was sealed to"
                        : "the TPM refused";
                throw new IOException("the state key in " + file + " cannot be unsealed: " + why + " (TPM_RC 0x"
                        + Integer.toHexString(result.rc().value()) + ")");
            }
            return result.response().outData().toArray();
        } finally {
            if (session != -1) flush(tpm, session);
            if (item != -1) flush(tpm, item);
            flush(tpm, srk);
        }
    }

    private static CreatePrimary srk() {
        return new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.RSA_2048_SRK, Bytes.EMPTY, new TpmlPcrSelection(List.of()));
    }

    private static Bytes policyDigest(TpmDevice tpm, TpmlPcrSelection pcrs) throws IOException {
        int trial = call(tpm, new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.wrap(nonce()), Bytes.EMPTY, TpmSe.TRIAL,
                TpmtSymDef.NULL, TpmAlg.SHA256)).sessionHandle();
        try {
            call(tpm, new PolicyPcr(trial, Bytes.EMPTY, pcrs));
            return call(tpm, new PolicyGetDigest(trial)).policyDigest();
        } finally {
            flush(tpm, trial);
        }
    }

    private static byte[] nonce() {
        byte[] n = new byte[16];
        new SecureRandom().nextBytes(n);
        return n;
    }

    private static void flush(TpmDevice tpm, int handle) {
        try {
            tpm.execute(CommandBytes.encode(new FlushContext(handle)), 0);
        } catch (IOException ignored) {
            // the backend went away; nothing stays loaded on it then
        }
    }

    private static <R extends Record, C extends Record & TpmCommand<R>> R call(TpmDevice tpm, C command) throws IOException {
        var r = CommandBytes.decode(command, tpm.execute(CommandBytes.encode(command), 0));
        if (!r.ok()) {
            throw new IOException(command.getClass().getSimpleName() + " on the sealing TPM failed: TPM_RC 0x"
                    + Integer.toHexString(r.rc().value()));
        }
        return r.response();
    }
}
