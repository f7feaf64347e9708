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
 * authorization commands, the NV commands on live indices of every type, PolicyNV, the attestation commands
 * (Quote, Certify, GetTime, CertifyX509, NV_Certify), a genuine credential for ActivateCredential, Import, Rewrap
 * and Duplicate — mutated. Every response must be well formed and the TPM must never enter failure
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

    private static final int NV_ORDINARY = 0x01000010, NV_COUNTER = 0x01000011, NV_BITS = 0x01000012,
            NV_EXTEND = 0x01000013, NV_PIN = 0x01000014;

    private record World(TestTpm t, int srk, int sealed, int signer, int policy, int trial, int hmac, Bytes credentialBlob,
                         Bytes credentialSecret) {}

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
        // NV indices: an ordinary one, a counter, a bit field, an extend index and a PIN fail index (left in place
        // when they already exist; mutations may have undefined or changed them)
        int rw = dev.jtpm.types.structure.TpmaNv.AUTHREAD | dev.jtpm.types.structure.TpmaNv.AUTHWRITE
                | dev.jtpm.types.structure.TpmaNv.OWNERREAD | dev.jtpm.types.structure.TpmaNv.OWNERWRITE;
        int[][] nv = {{NV_ORDINARY, dev.jtpm.types.structure.TpmaNv.NT_ORDINARY, 64},
                {NV_COUNTER, dev.jtpm.types.structure.TpmaNv.NT_COUNTER, 8}, {NV_BITS, dev.jtpm.types.structure.TpmaNv.NT_BITS, 8},
                {NV_EXTEND, dev.jtpm.types.structure.TpmaNv.NT_EXTEND, 32}, {NV_PIN, dev.jtpm.types.structure.TpmaNv.NT_PIN_FAIL, 8}};
        for (int[] i : nv) {
            t.run(new NvDefineSpace(TpmRh.OWNER, Secret.of("nv".getBytes()), new dev.jtpm.types.structure.TpmsNvPublic(i[0],
                    TpmAlg.SHA256, dev.jtpm.types.structure.TpmaNv.withType(rw, i[1]), Bytes.EMPTY, i[2])));
        }
        var signerTemplate = dev.jtpm.types.structure.TpmtPublic.of(TpmAlg.SHA256, dev.jtpm.types.structure.TpmaObject.of(
                dev.jtpm.types.structure.TpmaObject.FIXED_TPM, dev.jtpm.types.structure.TpmaObject.FIXED_PARENT,
                dev.jtpm.types.structure.TpmaObject.SENSITIVE_DATA_ORIGIN, dev.jtpm.types.structure.TpmaObject.USER_WITH_AUTH,
                dev.jtpm.types.structure.TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY, new dev.jtpm.types.structure.TpmsEccParms(
                dev.jtpm.types.structure.TpmtSymDefObject.NULL, dev.jtpm.types.structure.TpmtEccScheme.of(TpmAlg.ECDSA,
                TpmAlg.SHA256), Templates.NIST_P256, dev.jtpm.types.structure.TpmtKdfScheme.NULL));
        int signer = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, signerTemplate, Bytes.EMPTY, noPcrs))
                .orThrow().objectHandle();
        // a genuine credential for the signer's Name, sealed to the SRK: ActivateCredential's seeds are real blobs
        var signerName = t.run(new ReadPublic(signer)).orThrow().name();
        var cred = t.run(new MakeCredential(srk, Bytes.zeros(16), signerName)).orThrow();
        return new World(t, srk, sealed, signer, policySession(t, TpmSe.POLICY), policySession(t, TpmSe.TRIAL), hmac,
                cred.credentialBlob(), cred.secret());
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
        seeds.add(CommandBytes.encode(new NvWrite(NV_ORDINARY, NV_ORDINARY, Bytes.zeros(16), 8), List.of(Bytes.wrap("nv".getBytes()))));
        seeds.add(CommandBytes.encode(new NvWrite(TpmRh.OWNER, NV_ORDINARY, Bytes.zeros(64), 0)));
        seeds.add(CommandBytes.encode(new NvRead(NV_ORDINARY, NV_ORDINARY, 32, 4), List.of(Bytes.wrap("nv".getBytes()))));
        seeds.add(CommandBytes.encode(new NvIncrement(TpmRh.OWNER, NV_COUNTER)));
        seeds.add(CommandBytes.encode(new NvSetBits(TpmRh.OWNER, NV_BITS, 0x8001L)));
        seeds.add(CommandBytes.encode(new NvExtend(TpmRh.OWNER, NV_EXTEND, Bytes.zeros(20))));
        seeds.add(CommandBytes.encode(new NvWrite(TpmRh.OWNER, NV_PIN, Bytes.fromHex("0000000000000003"), 0)));
        seeds.add(CommandBytes.encode(new NvRead(NV_PIN, NV_PIN, 8, 0), List.of(Bytes.wrap("nope".getBytes()))));
        seeds.add(CommandBytes.encode(new NvReadPublic(NV_COUNTER)));
        seeds.add(CommandBytes.encode(new NvWriteLock(TpmRh.OWNER, NV_BITS)));
        seeds.add(CommandBytes.encode(new NvChangeAuth(NV_ORDINARY, Secret.of("x".getBytes()))));
        seeds.add(CommandBytes.encode(new NvUndefineSpace(TpmRh.OWNER, NV_EXTEND)));
        seeds.add(CommandBytes.encode(new NvCertify(TpmRh.NULL, TpmRh.OWNER, NV_ORDINARY, Bytes.zeros(4), TpmtSigScheme.NULL, 16, 0)));
        seeds.add(CommandBytes.encode(new PolicyNv(TpmRh.OWNER, NV_COUNTER, w.policy(), Bytes.zeros(8), 0, 3)));
        seeds.add(CommandBytes.encode(new NvDefineSpace(TpmRh.OWNER, Secret.EMPTY, new dev.jtpm.types.structure.TpmsNvPublic(
                0x01000020, TpmAlg.SHA256, dev.jtpm.types.structure.TpmaNv.OWNERWRITE | dev.jtpm.types.structure.TpmaNv.OWNERREAD
                        | dev.jtpm.types.structure.TpmaNv.ORDERLY, Bytes.EMPTY, 32))));
        var pcrs = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 16)));
        seeds.add(CommandBytes.encode(new Quote(w.signer(), Bytes.zeros(16), TpmtSigScheme.NULL, pcrs)));
        seeds.add(CommandBytes.encode(new Certify(w.sealed(), w.signer(), Bytes.zeros(8), TpmtSigScheme.NULL),
                List.of(Bytes.wrap("pw".getBytes()), Bytes.EMPTY)));
        seeds.add(CommandBytes.encode(new GetTime(TpmRh.ENDORSEMENT, w.signer(), Bytes.zeros(8), TpmtSigScheme.NULL)));
        seeds.add(CommandBytes.encode(new CertifyX509(w.signer(), w.signer(), Bytes.EMPTY, TpmtSigScheme.NULL,
                Bytes.fromHex("3082001e" + "300d310b300906035504061302555330" + "0d0b06035504061302555330"))));
        seeds.add(CommandBytes.encode(new MakeCredential(w.srk(), Bytes.zeros(16), Bytes.zeros(34))));
        seeds.add(CommandBytes.encode(new ActivateCredential(w.signer(), w.srk(), w.credentialBlob(), w.credentialSecret())));
        seeds.add(CommandBytes.encode(new Import(w.srk(), Bytes.EMPTY, Templates.ECC_P256_SRK, Bytes.zeros(64), Bytes.zeros(68),
                dev.jtpm.types.structure.TpmtSymDefObject.NULL)));
        seeds.add(CommandBytes.encode(new Rewrap(w.srk(), TpmRh.NULL, Bytes.zeros(48), Bytes.zeros(34), Bytes.zeros(68))));
        seeds.add(withSession(TpmCc.DUPLICATE, w.sealed(), w.policy(), 1, Bytes.EMPTY,
                new TpmWriter().u32(TpmRh.NULL).u16(0).u16(TpmAlg.NULL).toByteArray()));
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
