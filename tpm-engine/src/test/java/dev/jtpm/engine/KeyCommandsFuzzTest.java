package dev.jtpm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Commit;
import dev.jtpm.types.command.ContextLoad;
import dev.jtpm.types.command.ContextSave;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreateLoaded;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.command.EcEphemeral;
import dev.jtpm.types.command.EccParameters;
import dev.jtpm.types.command.EcdhKeyGen;
import dev.jtpm.types.command.EcdhZGen;
import dev.jtpm.types.command.EncryptDecrypt2;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.GetTestResult;
import dev.jtpm.types.command.Hmac;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.LoadExternal;
import dev.jtpm.types.command.ObjectChangeAuth;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.RsaDecrypt;
import dev.jtpm.types.command.RsaEncrypt;
import dev.jtpm.types.command.Sign;
import dev.jtpm.types.command.TestParms;
import dev.jtpm.types.command.Unseal;
import dev.jtpm.types.command.VerifySignature;
import dev.jtpm.types.command.ZGen2Phase;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlHandle;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtPublicParms;
import dev.jtpm.types.structure.TpmtRsaDecrypt;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSignature;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the key commands (issue 3's chapters), as {@link FuzzTest} does for the rest: valid
 * commands made against live keys — Create, Load with real blobs, CreateLoaded, LoadExternal, Sign and
 * VerifySignature, RSA encryption, ECDH, Commit/EC_Ephemeral/ZGen_2Phase, EncryptDecrypt2, HMAC, contexts,
 * ObjectChangeAuth, Unseal, EvictControl, TestParms, CreatePrimary — mutated. Every response must be
 * well formed and the TPM must never enter failure mode. Objects a mutation creates are flushed after
 * each command, so the two keys the seeds name stay loaded; a TPM that loses them is rebuilt.
 */
class KeyCommandsFuzzTest {
    private static final int A = 0x80000000, B = 0x80000001; // the ECC storage key, the RSA sign/decrypt key
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final TpmaObject KEY = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT, TpmaObject.DECRYPT);

    private record World(TestTpm tpm, List<byte[]> seeds) {}

    private static TpmtPublic eccSigner() {
        return TpmtPublic.of(TpmAlg.SHA256, KEY.without(TpmaObject.DECRYPT), Bytes.EMPTY, new TpmsEccParms(TpmtSymDefObject.NULL,
                TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256, TpmtKdfScheme.NULL));
    }

    /** A started TPM with A and B loaded, and seed commands made against them. */
    private static World world() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK, Bytes.EMPTY, NO_PCRS))
                .orThrow().objectHandle()).isEqualTo(A);
        TpmtPublic rsa = TpmtPublic.of(TpmAlg.SHA256, KEY, Bytes.EMPTY,
                new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.NULL, 1024, 0));
        assertThat(t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, rsa, Bytes.EMPTY, NO_PCRS))
                .orThrow().objectHandle()).isEqualTo(B);
        TpmsSensitiveCreate sealed = new TpmsSensitiveCreate(Secret.of("pw".getBytes()), Secret.of("sealed".getBytes()));
        TpmtPublic data = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.USER_WITH_AUTH), Bytes.EMPTY, new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL));
        CreateResponse signer = t.run(new Create(A, TpmsSensitiveCreate.EMPTY, eccSigner(), Bytes.EMPTY, NO_PCRS)).orThrow();
        CreateResponse blob = t.run(new Create(A, sealed, data, Bytes.EMPTY, NO_PCRS)).orThrow();
        Bytes digest = Bytes.zeros(32);
        TpmtSigScheme rsassa = TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256);
        TpmtSignature sig = t.run(new Sign(B, digest, rsassa, TpmtTkHashcheck.nullTicket())).orThrow().signature();
        TpmtRsaDecrypt oaep = TpmtRsaDecrypt.oaep(TpmAlg.SHA256);
        Bytes label = Bytes.wrap("label\0".getBytes());
        Bytes cipher = t.run(new RsaEncrypt(B, Bytes.wrap("message".getBytes()), oaep, label)).orThrow().outData();
        TpmsEccPoint point = t.run(new EcdhKeyGen(A)).orThrow().pubPoint();
        var context = t.run(new ContextSave(A)).orThrow().context();
        List<byte[]> seeds = new ArrayList<>(List.of(
                CommandBytes.encode(new Create(A, sealed, data, Bytes.zeros(4), NO_PCRS)),
                CommandBytes.encode(new Create(A, TpmsSensitiveCreate.EMPTY, eccSigner(), Bytes.EMPTY, NO_PCRS)),
                CommandBytes.encode(new Load(A, signer.outPrivate(), signer.outPublic())),
                CommandBytes.encode(new Load(A, blob.outPrivate(), blob.outPublic())),
                CommandBytes.encode(new CreateLoaded(A, TpmsSensitiveCreate.EMPTY, eccSigner().marshal())),
                CommandBytes.encode(new LoadExternal(null, signer.outPublic(), TpmRh.NULL)),
                CommandBytes.encode(new ReadPublic(A)),
                CommandBytes.encode(new Sign(B, digest, rsassa, TpmtTkHashcheck.nullTicket())),
                CommandBytes.encode(new VerifySignature(B, digest, sig)),
                CommandBytes.encode(new RsaEncrypt(B, Bytes.wrap("message".getBytes()), oaep, label)),
                CommandBytes.encode(new RsaDecrypt(B, cipher, oaep, label)),
                CommandBytes.encode(new EcdhKeyGen(A)),
                CommandBytes.encode(new EcdhZGen(A, point)),
                CommandBytes.encode(new EccParameters(Templates.NIST_P256)),
                CommandBytes.encode(new EcEphemeral(Templates.NIST_P256)),
                CommandBytes.encode(new Commit(A, TpmsEccPoint.EMPTY, Bytes.EMPTY, Bytes.EMPTY)),
                CommandBytes.encode(new ZGen2Phase(A, point, point, TpmAlg.ECDH, 1)),
                CommandBytes.encode(new EncryptDecrypt2(A, Bytes.zeros(16), false, TpmAlg.CFB, Bytes.zeros(16))),
                CommandBytes.encode(new Hmac(B, Bytes.zeros(8), TpmAlg.SHA256)),
                CommandBytes.encode(new ContextSave(A)),
                CommandBytes.encode(new ContextLoad(context)),
                CommandBytes.encode(new ObjectChangeAuth(B, A, Secret.of("new".getBytes()))),
                CommandBytes.encode(new Unseal(B)),
                CommandBytes.encode(new EvictControl(TpmRh.OWNER, A, 0x81000001)),
                CommandBytes.encode(new TestParms(TpmtPublicParms.of(eccSigner().parameters()))),
                CommandBytes.encode(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, eccSigner(), Bytes.EMPTY, NO_PCRS))));
        return new World(t, seeds);
    }

    /** Flushes every transient object but A and B, and every loaded session. */
    private static void tidy(TestTpm t) {
        for (int range : new int[] {0x80000000, 0x02000000, 0x03000000}) {
            var data = t.run(new GetCapability(1, range, 64)).orThrow().capabilityData().data();
            for (int h : ((TpmlHandle) data).handle()) {
                if (h != A && h != B) t.run(new FlushContext(h));
            }
        }
    }

    private static boolean intact(TestTpm t) {
        return t.tpm.isStarted() && t.run(new ReadPublic(A)).ok() && t.run(new ReadPublic(B)).ok();
    }

    @Test
    void mutatedKeyCommands_alwaysGetWellFormedResponses_andNeverFailureMode() {
        Random rnd = new Random(20261128L * 3);
        World w = world();
        int rebuilt = 0, successes = 0;
        java.util.Set<Integer> codes = new java.util.TreeSet<>();
        for (byte[] seed : w.seeds()) codes.add(ByteBuffer.wrap(w.tpm().raw(seed)).getInt(6));
        tidy(w.tpm());
        assertThat(codes).as("the unmutated seeds reach success and the handlers' own checks").contains(0).hasSizeGreaterThan(5);
        for (int i = 0; i < 12_000; i++) {
            byte[] cmd = FuzzTest.mutate(w.seeds().get(rnd.nextInt(w.seeds().size())), rnd);
            byte[] rsp = w.tpm().raw(cmd);
            assertThat(rsp.length).isGreaterThanOrEqualTo(10);
            ByteBuffer bb = ByteBuffer.wrap(rsp);
            assertThat(bb.getShort(0) & 0xFFFF).isIn(0x8001, 0x8002);
            assertThat(bb.getInt(2)).as("size field").isEqualTo(rsp.length);
            codes.add(bb.getInt(6));
            if (bb.getInt(6) == 0) successes++;
            if (i % 250 == 249) {
                assertThat(w.tpm().run(new GetTestResult()).orThrow().testResult())
                        .as("failure mode after %d commands, last %s", i, Bytes.of(cmd)).isZero();
            }
            tidy(w.tpm());
            if (i % 50 == 49 && !intact(w.tpm())) {
                w = world();
                rebuilt++;
            }
        }
        assertThat(w.tpm().run(new GetTestResult()).orThrow().testResult()).isZero();
        assertThat(rebuilt).as("TPMs rebuilt because a mutation flushed or evicted A or B").isLessThan(500);
        assertThat(successes).as("mutated commands that still succeeded").isGreaterThan(500);
        assertThat(codes).as("distinct response codes seen").hasSizeGreaterThan(40);
    }
}
