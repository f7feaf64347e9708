package dev.jtpm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.command.*;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSignature;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmtTkAuth;
import dev.jtpm.types.structure.TpmtTkVerified;
import dev.jtpm.types.structure.TpmuSymKeyBits;
import dev.jtpm.types.structure.TpmuSymMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of authorization (issue 7's work), as {@link FuzzTest} does for the pipeline: every policy
 * command on a live policy and a live trial session, StartAuthSession salted with a live key, commands whose
 * authorization area carries the policy, HMAC and audit sessions with every attribute, the audit and PCR
 * authorization commands — mutated. Every response must be well formed and the TPM must never enter failure
 * mode. The sessions and keys are made again whenever a mutation used them up.
 */
class AuthorizationFuzzTest {
    private static final Bytes NONCE = Bytes.zeros(16);

    private static int policySession(TestTpm t, int type) {
        return t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, type, TpmtSymDef.NULL, TpmAlg.SHA256))
                .orThrow().sessionHandle();
    }

    /** A command with one handle and one session area entry (no HMAC, or the given one). */
    private static byte[] withSession(int cc, int handle, int session, int attrs, Bytes hmac, byte[] params) {
        TpmWriter w = new TpmWriter();
        w.u16(TpmSt.SESSIONS).u32(0).u32(cc).u32(handle);
        w.u32(4 + 2 + NONCE.size() + 1 + 2 + hmac.size());
        w.u32(session).sized(NONCE).u8(attrs).sized(hmac);
        w.bytes(params);
        w.patchU32(2, w.position());
        return w.toByteArray();
    }

    private record World(TestTpm t, int srk, int sealed, int policy, int trial, int hmac) {}

    private static World world(TestTpm t) {
        for (int h : t.state().sessions.all().keySet().stream().toList()) t.run(new FlushContext(h));
        for (int h : List.copyOf(t.state().objects.all().keySet())) t.run(new FlushContext(h));
        var noPcrs = new TpmlPcrSelection(List.of());
        int srk = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK, Bytes.EMPTY, noPcrs))
                .orThrow().objectHandle();
        var sealedTemplate = dev.jtpm.types.structure.TpmtPublic.of(TpmAlg.SHA256,
                dev.jtpm.types.structure.TpmaObject.of(dev.jtpm.types.structure.TpmaObject.FIXED_TPM,
                        dev.jtpm.types.structure.TpmaObject.FIXED_PARENT),
                Bytes.zeros(32), new dev.jtpm.types.structure.TpmsKeyedhashParms(
                        dev.jtpm.types.structure.TpmtKeyedhashScheme.NULL));
        int sealed = t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.of("pw".getBytes()),
                Secret.of("data".getBytes())), sealedTemplate, Bytes.EMPTY, noPcrs)).orThrow().objectHandle();
        int hmac = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, TpmSe.HMAC,
                new TpmtSymDef(TpmAlg.AES, new TpmuSymKeyBits.Aes(128), new TpmuSymMode.Block(TpmAlg.AES, TpmAlg.CFB)),
                TpmAlg.SHA256)).orThrow().sessionHandle();
        return new World(t, srk, sealed, policySession(t, TpmSe.POLICY), policySession(t, TpmSe.TRIAL), hmac);
    }

    private static List<byte[]> seeds(World w) {
        var sel = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 7, 16)));
        List<byte[]> seeds = new ArrayList<>();
        for (int s : new int[] {w.policy(), w.trial()}) {
            seeds.add(CommandBytes.encode(new PolicyPcr(s, Bytes.EMPTY, sel)));
            seeds.add(CommandBytes.encode(new PolicyLocality(s, 3)));
            seeds.add(CommandBytes.encode(new PolicyCommandCode(s, TpmCc.UNSEAL)));
            seeds.add(CommandBytes.encode(new PolicyCpHash(s, Bytes.zeros(32))));
            seeds.add(CommandBytes.encode(new PolicyNameHash(s, Bytes.zeros(32))));
            seeds.add(CommandBytes.encode(new PolicyTemplate(s, Bytes.zeros(32))));
            seeds.add(CommandBytes.encode(new PolicyAuthValue(s)));
            seeds.add(CommandBytes.encode(new PolicyPassword(s)));
            seeds.add(CommandBytes.encode(new PolicyPhysicalPresence(s)));
            seeds.add(CommandBytes.encode(new PolicyNvWritten(s, true)));
            seeds.add(CommandBytes.encode(new PolicyRestart(s)));
            seeds.add(CommandBytes.encode(new PolicyGetDigest(s)));
            seeds.add(CommandBytes.encode(new PolicyOr(s, List.of(Bytes.zeros(32), Bytes.zeros(32)))));
            seeds.add(CommandBytes.encode(new PolicyDuplicationSelect(s, Bytes.zeros(34), Bytes.zeros(34), true)));
            seeds.add(CommandBytes.encode(new PolicyCounterTimer(s, Bytes.zeros(8), 0, 2)));
            seeds.add(CommandBytes.encode(new PolicySecret(TpmRh.OWNER, s, Bytes.EMPTY, Bytes.EMPTY, Bytes.EMPTY, -10)));
            seeds.add(CommandBytes.encode(new PolicySigned(w.srk(), s, Bytes.EMPTY, Bytes.EMPTY, Bytes.EMPTY, 0,
                    TpmtSignature.NULL)));
            seeds.add(CommandBytes.encode(new PolicyTicket(s, Bytes.zeros(8), Bytes.EMPTY, Bytes.EMPTY, Bytes.zeros(34),
                    TpmtTkAuth.nullTicket())));
            seeds.add(CommandBytes.encode(new PolicyAuthorize(s, Bytes.zeros(32), Bytes.EMPTY, Bytes.zeros(34),
                    TpmtTkVerified.nullTicket())));
        }
        seeds.add(CommandBytes.encode(new StartAuthSession(w.srk(), TpmRh.OWNER, NONCE, Bytes.zeros(68), TpmSe.POLICY,
                TpmtSymDef.NULL, TpmAlg.SHA384)));
        for (int attrs : new int[] {0, 1, 0x21, 0x41, 0x81, 0x83, 0x85}) {
            seeds.add(withSession(TpmCc.UNSEAL, w.sealed(), w.policy(), attrs, Bytes.EMPTY, new byte[0]));
            seeds.add(withSession(TpmCc.UNSEAL, w.sealed(), w.policy(), attrs, Bytes.wrap("pw".getBytes()), new byte[0]));
            seeds.add(withSession(TpmCc.UNSEAL, w.sealed(), w.hmac(), attrs, Bytes.zeros(32), new byte[0]));
            seeds.add(withSession(TpmCc.PCR_RESET, 16, w.hmac(), attrs, Bytes.zeros(32), new byte[0]));
            seeds.add(withSession(TpmCc.GET_RANDOM, 8, w.hmac(), attrs, Bytes.zeros(32), new byte[0]));
        }
        seeds.add(CommandBytes.encode(new PcrSetAuthValue(20, Secret.of("pcr".getBytes()))));
        seeds.add(CommandBytes.encode(new PcrSetAuthPolicy(TpmRh.PLATFORM, Bytes.zeros(32), TpmAlg.SHA256, 21)));
        seeds.add(CommandBytes.encode(new SetCommandCodeAuditStatus(TpmRh.OWNER, TpmAlg.SHA256, List.of(TpmCc.GET_RANDOM),
                List.of())));
        seeds.add(CommandBytes.encode(new GetCommandAuditDigest(TpmRh.ENDORSEMENT, TpmRh.NULL, Bytes.zeros(8), TpmtSigScheme.NULL)));
        seeds.add(CommandBytes.encode(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, TpmRh.NULL, w.hmac(), Bytes.zeros(8),
                TpmtSigScheme.NULL)));
        return seeds;
    }

    @Test
    void mutatedAuthorization_alwaysGetsWellFormedResponses_andNeverFailureMode() {
        TestTpm t = TestTpm.started();
        Random rnd = new Random(20261207);
        World w = world(t);
        List<byte[]> seeds = seeds(w);
        int succeeded = 0;
        java.util.Set<Integer> codes = new java.util.HashSet<>();
        for (int i = 0; i < 30_000; i++) {
            byte[] cmd = FuzzTest.mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            byte[] rsp = t.raw(cmd);
            assertThat(rsp.length).isGreaterThanOrEqualTo(10);
            ByteBuffer bb = ByteBuffer.wrap(rsp);
            assertThat(bb.getShort(0) & 0xFFFF).isIn(0x8001, 0x8002);
            assertThat(bb.getInt(2)).as("size field").isEqualTo(rsp.length);
            assertThat(bb.getInt(6)).as("TPM_RC_FAILURE after %s", Bytes.of(cmd)).isNotEqualTo(0x101);
            if (bb.getInt(6) == 0) succeeded++;
            codes.add(bb.getInt(6));
            if (i % 500 == 499) {
                assertThat(t.run(new GetTestResult()).orThrow().testResult()).as("failure mode after %d commands", i).isZero();
                if (!t.tpm.isStarted()) t.run(new Startup(dev.jtpm.types.TpmSu.CLEAR));
                // the world again: mutations flush sessions and objects, or fill the slots
                w = world(t);
                seeds = seeds(w);
            }
        }
        assertThat(t.run(new GetTestResult()).orThrow().testResult()).isZero();
        // the mutations reach the handlers and the authorization checks, not only the header
        assertThat(succeeded).isGreaterThan(1_000);
        assertThat(codes).hasSizeGreaterThan(40);
    }
}
