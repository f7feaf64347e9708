package dev.jtpm.fuzz;

import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.NvDefineSpace;
import dev.jtpm.types.command.NvIncrement;
import dev.jtpm.types.command.NvWrite;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.command.TpmCommand;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsNvPublic;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuSymKeyBits;
import dev.jtpm.types.structure.TpmuSymMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TPM every engine fuzz input starts from, made once and kept as its two state blobs: started, with the objects,
 * NV indices and sessions deep paths need already there, so an input spends its bytes on the command under test and
 * not on the set-up. {@link #fresh()} restores a new {@link Tpm} from the blobs (swtpm's migration path), so inputs
 * never see each other's effects. Every auth value is empty: a password session (TPM_RS_PW, empty) authorizes
 * everything, as tpm2-tools' default does.
 *
 * <ul>
 *   <li>objects: 0x80000000 ECC P-256 storage key (owner primary, also persistent at 0x81000001), 0x80000001 ECDSA
 *       signing key (child of the storage key), 0x81000002 HMAC key (owner primary, persistent only); one transient
 *       slot is left free, so Load, CreatePrimary and sequences can succeed;</li>
 *   <li>NV: 0x01000001 ordinary (32 octets, written), 0x01000002 counter, 0x01000003 bits, 0x01000004 extend,
 *       0x01000005 orderly counter;</li>
 *   <li>sessions: 0x02000000 unbound unsalted HMAC session (SHA-256, AES-128-CFB), 0x03000001 policy session,
 *       0x03000002 trial policy session.</li>
 * </ul>
 */
final class EngineWorld {
    static final int SRK = 0x80000000, SIGNER = 0x80000001, PERSISTENT_SRK = 0x81000001, HMAC_KEY = 0x81000002;
    static final int NV_ORDINARY = 0x01000001, NV_COUNTER = 0x01000002, NV_BITS = 0x01000003, NV_EXTEND = 0x01000004,
            NV_ORDERLY = 0x01000005;
    static final int HMAC_SESSION = 0x02000000, POLICY_SESSION = 0x03000001, TRIAL_SESSION = 0x03000002;
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());

    private static volatile Blobs blobs;

    private record Blobs(byte[] permanent, byte[] volatileState) {}

    private EngineWorld() {}

    /** A new TPM in the world's state, with deterministic entropy and a clock that advances 1 ms per read. */
    static Tpm fresh() {
        Blobs b = blobs();
        NvStore nv = NvStore.inMemory();
        try {
            nv.store(StateKind.PERMANENT, b.permanent());
            nv.store(StateKind.VOLATILE, b.volatileState());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicLong millis = new AtomicLong(10_000);
        Tpm tpm = new Tpm(new Platform(nv, millis::incrementAndGet, new Random(7)));
        if (!tpm.init() || !tpm.isStarted()) throw new IllegalStateException("the fuzz world did not restore");
        return tpm;
    }

    /** The world's permanent blob (the payload jtpm writes inside {@code tpm2-00.permall}). */
    static byte[] permanentBlob() { return blobs().permanent().clone(); }

    /** The world's volatile blob (the payload of {@code tpm2-00.volatilestate}). */
    static byte[] volatileBlob() { return blobs().volatileState().clone(); }

    private static Blobs blobs() {
        Blobs b = blobs;
        if (b == null) {
            synchronized (EngineWorld.class) {
                if (blobs == null) blobs = make();
                b = blobs;
            }
        }
        return b;
    }

    private static <R extends Record, C extends Record & TpmCommand<R>> R run(Tpm tpm, C command, int authorizations) {
        byte[] bytes = authorizations == 0 ? CommandBytes.encode(command)
                : CommandBytes.encode(command, java.util.Collections.nCopies(authorizations, Bytes.EMPTY));
        return CommandBytes.decode(command, tpm.execute(bytes, 0)).orThrow();
    }

    private static Blobs make() {
        AtomicLong millis = new AtomicLong(1_000);
        Tpm tpm = new Tpm(new Platform(NvStore.inMemory(), millis::incrementAndGet, new Random(7)));
        tpm.init();
        run(tpm, new Startup(TpmSu.CLEAR), 0);
        int srk = run(tpm, new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK, Bytes.EMPTY,
                NO_PCRS), 1).objectHandle();
        TpmtPublic hmac = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                        TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)));
        int hmacKey = run(tpm, new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, hmac, Bytes.EMPTY, NO_PCRS), 1)
                .objectHandle();
        run(tpm, new EvictControl(TpmRh.OWNER, hmacKey, HMAC_KEY), 1);
        run(tpm, new FlushContext(hmacKey), 0);
        TpmtPublic signer = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                        TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256,
                        TpmtKdfScheme.NULL));
        var created = run(tpm, new Create(srk, TpmsSensitiveCreate.EMPTY, signer, Bytes.EMPTY, NO_PCRS), 1);
        int signerHandle = run(tpm, new Load(srk, created.outPrivate(), created.outPublic()), 1).objectHandle();
        if (srk != SRK || signerHandle != SIGNER) {
            throw new IllegalStateException("unexpected handles " + srk + " " + signerHandle);
        }
        run(tpm, new EvictControl(TpmRh.OWNER, SRK, PERSISTENT_SRK), 1);

        int rw = TpmaNv.OWNERREAD | TpmaNv.OWNERWRITE | TpmaNv.AUTHREAD | TpmaNv.AUTHWRITE;
        define(tpm, NV_ORDINARY, rw, 32);
        run(tpm, new NvWrite(TpmRh.OWNER, NV_ORDINARY, Bytes.zeros(32), 0), 1);
        define(tpm, NV_COUNTER, TpmaNv.withType(rw, TpmaNv.NT_COUNTER), 8);
        run(tpm, new NvIncrement(TpmRh.OWNER, NV_COUNTER), 1);
        define(tpm, NV_BITS, TpmaNv.withType(rw, TpmaNv.NT_BITS), 8);
        define(tpm, NV_EXTEND, TpmaNv.withType(rw, TpmaNv.NT_EXTEND), 32);
        define(tpm, NV_ORDERLY, TpmaNv.withType(rw | TpmaNv.ORDERLY, TpmaNv.NT_COUNTER), 8);

        Bytes nonce = Bytes.wrap(new byte[16]);
        int hmacSession = run(tpm, new StartAuthSession(TpmRh.NULL, TpmRh.NULL, nonce, Bytes.EMPTY, TpmSe.HMAC,
                new TpmtSymDef(TpmAlg.AES, new TpmuSymKeyBits.Aes(128), new TpmuSymMode.Block(TpmAlg.AES, TpmAlg.CFB)), TpmAlg.SHA256), 0).sessionHandle();
        int policy = run(tpm, new StartAuthSession(TpmRh.NULL, TpmRh.NULL, nonce, Bytes.EMPTY, TpmSe.POLICY,
                TpmtSymDef.NULL, TpmAlg.SHA256), 0).sessionHandle();
        int trial = run(tpm, new StartAuthSession(TpmRh.NULL, TpmRh.NULL, nonce, Bytes.EMPTY, TpmSe.TRIAL,
                TpmtSymDef.NULL, TpmAlg.SHA256), 0).sessionHandle();
        if (hmacSession != HMAC_SESSION || policy != POLICY_SESSION || trial != TRIAL_SESSION) {
            throw new IllegalStateException("unexpected session handles " + Integer.toHexString(hmacSession) + " "
                    + Integer.toHexString(policy) + " " + Integer.toHexString(trial));
        }
        return new Blobs(tpm.permanentState(), tpm.volatileState());
    }

    private static void define(Tpm tpm, int handle, int attributes, int size) {
        run(tpm, new NvDefineSpace(TpmRh.OWNER, Secret.of(Bytes.EMPTY),
                new TpmsNvPublic(handle, TpmAlg.SHA256, attributes, Bytes.EMPTY, size)), 1);
    }
}
