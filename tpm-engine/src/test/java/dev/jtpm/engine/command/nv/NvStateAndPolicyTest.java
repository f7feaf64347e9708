package dev.jtpm.engine.command.nv;

import static dev.jtpm.engine.command.nv.NvTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.*;
import dev.jtpm.types.structure.*;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NV state across restarts (orderly and not), PolicyNV, PolicyAuthorizeNV and NV_Certify. */
class NvStateAndPolicyTest {

    private static void start(TestTpm t, int type) { t.run(new Startup(type)).orThrow(); }

    private static void kill(TestTpm t) {
        t.tpm.powerOff();
        t.tpm.init();
    }

    private static long read64(TestTpm t, int h) {
        return ByteBuffer.wrap(t.run(new NvRead(TpmRh.OWNER, h, 8, 0)).orThrow().data().toArray()).getLong();
    }

    @Test
    void indicesAndData_surviveAPowerLoss_committedWithEachCommand() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, OWNER_RW, 4));
        define(t, pub(INDEX + 1, TpmaNv.withType(OWNER_RW, TpmaNv.NT_COUNTER), 8));
        t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("abcd"), 0)).orThrow();
        for (int i = 0; i < 3; i++) t.run(new NvIncrement(TpmRh.OWNER, INDEX + 1)).orThrow();
        kill(t);
        start(t, TpmSu.CLEAR);
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 4, 0)).orThrow().data()).isEqualTo(bytes("abcd"));
        assertThat(read64(t, INDEX + 1)).isEqualTo(3);
    }

    @Test
    void aFailedCommand_changesNothing() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, OWNER_RW, 4));
        t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("abcd"), 0)).orThrow();
        assertThat(t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("xyzzy"), 0)).rc()).isEqualTo(TpmRc.NV_RANGE);
        kill(t);
        start(t, TpmSu.CLEAR);
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 4, 0)).orThrow().data()).isEqualTo(bytes("abcd"));
    }

    @Test
    void orderlyCounter_neverGoesBackwards_afterAKill() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, TpmaNv.withType(OWNER_RW | TpmaNv.ORDERLY, TpmaNv.NT_COUNTER), 8));
        for (int i = 0; i < 10; i++) t.run(new NvIncrement(TpmRh.OWNER, INDEX)).orThrow();
        assertThat(read64(t, INDEX)).isEqualTo(10);
        // the RAM value is lost; the saved value (1, the first write) gets its low bits set: 0xFF > 10
        kill(t);
        start(t, TpmSu.CLEAR);
        assertThat(read64(t, INDEX)).isEqualTo(0xFF);
        t.run(new NvIncrement(TpmRh.OWNER, INDEX)).orThrow();      // 0x100: a roll-over saves the RAM
        for (int i = 0; i < 5; i++) t.run(new NvIncrement(TpmRh.OWNER, INDEX)).orThrow();
        kill(t);
        start(t, TpmSu.CLEAR);
        assertThat(read64(t, INDEX)).isEqualTo(0x1FF);
    }

    @Test
    void orderlyIndices_areSavedByShutdown_andOrdinaryOnesLoseWrittenOnReset() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, TpmaNv.withType(OWNER_RW | TpmaNv.ORDERLY, TpmaNv.NT_COUNTER), 8));
        define(t, pub(INDEX + 1, OWNER_RW | TpmaNv.ORDERLY, 4));
        for (int i = 0; i < 10; i++) t.run(new NvIncrement(TpmRh.OWNER, INDEX)).orThrow();
        t.run(new NvWrite(TpmRh.OWNER, INDEX + 1, bytes("abcd"), 0)).orThrow();
        // Shutdown(STATE) + Startup(CLEAR): a TPM Restart keeps both
        t.run(new Shutdown(TpmSu.STATE)).orThrow();
        kill(t);
        start(t, TpmSu.CLEAR);
        assertThat(read64(t, INDEX)).isEqualTo(10);
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX + 1, 4, 0)).orThrow().data()).isEqualTo(bytes("abcd"));
        // Shutdown(CLEAR) + Startup(CLEAR): a TPM Reset keeps the counter, not the orderly ordinary index
        t.run(new Shutdown(TpmSu.CLEAR)).orThrow();
        kill(t);
        start(t, TpmSu.CLEAR);
        assertThat(read64(t, INDEX)).isEqualTo(10);
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX + 1, 4, 0)).rc()).isEqualTo(TpmRc.NV_UNINITIALIZED);
    }

    @Test
    void clearStClear_clearsWritten_atStartupClear_notAtResume() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, OWNER_RW | TpmaNv.CLEAR_STCLEAR, 4));
        t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("abcd"), 0)).orThrow();
        t.run(new Shutdown(TpmSu.STATE)).orThrow();
        kill(t);
        start(t, TpmSu.STATE);
        t.run(new NvRead(TpmRh.OWNER, INDEX, 4, 0)).orThrow();
        t.run(new Shutdown(TpmSu.STATE)).orThrow();
        kill(t);
        start(t, TpmSu.CLEAR);
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 4, 0)).rc()).isEqualTo(TpmRc.NV_UNINITIALIZED);
    }

    @Test
    void pinFailCount_isCommitted_evenThoughTheCommandFails() {
        TestTpm t = TestTpm.started();
        Bytes pw = bytes("pin");
        define(t, TpmRh.OWNER, pub(INDEX, TpmaNv.withType(OWNER_RW | TpmaNv.NO_DA, TpmaNv.NT_PIN_FAIL), 8), pw);
        t.run(new NvWrite(TpmRh.OWNER, INDEX, u64(5), 0)).orThrow();
        t.run(new NvRead(INDEX, INDEX, 8, 0), List.of(bytes("x")));
        kill(t);
        start(t, TpmSu.CLEAR);
        assertThat(read64(t, INDEX)).isEqualTo((1L << 32) | 5);
    }

    @Test
    void indexPassword_onAShortWrittenIndex_isNotAPinCounter() {
        // the PIN bookkeeping looked at the data as a UINT64 before asking the type: a written index shorter than
        // 8 octets, authorized with its own password (right or wrong), put the TPM into failure mode
        TestTpm t = TestTpm.started();
        Bytes pw = bytes("pw");
        for (int size : new int[] {1, 4, 7}) {
            int h = INDEX + size;
            define(t, TpmRh.OWNER, pub(h, AUTH_RW | TpmaNv.NO_DA, size), pw);
            Bytes data = Bytes.wrap(new byte[size]);
            assertThat(t.run(new NvWrite(h, h, data, 0), List.of(pw)).rc()).isEqualTo(TpmRc.SUCCESS);
            assertThat(t.run(new NvRead(h, h, size, 0), List.of(pw)).rc()).isEqualTo(TpmRc.SUCCESS);
            assertThat(t.run(new NvRead(h, h, size, 0), List.of(bytes("wrong"))).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
            assertThat(t.run(new NvRead(h, h, size, 0), List.of(pw)).orThrow().data()).isEqualTo(data);
        }
    }

    // ---------------------------------------------------------------- PolicyNV

    @Test
    void policyNv_digestAndComparison() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, OWNER_RW | TpmaNv.AUTHREAD, 8));
        t.run(new NvWrite(TpmRh.OWNER, INDEX, u64(42), 0)).orThrow();
        Bytes name = t.run(new NvReadPublic(INDEX)).orThrow().nvName();
        int s = session(t, TpmSe.POLICY);
        Bytes operand = Bytes.wrap(new byte[] {0, 42});
        t.run(new PolicyNv(TpmRh.OWNER, INDEX, s, operand, 6, PolicyEo.EQ)).orThrow();
        Bytes args = TestTpm.hash(TpmAlg.SHA256, operand.toArray(), new byte[] {0, 6}, new byte[] {0, 0});
        Bytes expected = TestTpm.hash(TpmAlg.SHA256, new byte[32], new byte[] {0, 0, 1, 0x49}, args.toArray(), name.toArray());
        assertThat(digest(t, s)).isEqualTo(expected);
        assertThat(t.run(new PolicyNv(TpmRh.OWNER, INDEX, s, Bytes.wrap(new byte[] {43}), 7, PolicyEo.UNSIGNED_GT)).rc())
                .isEqualTo(TpmRc.POLICY);
        assertThat(t.run(new PolicyNv(TpmRh.OWNER, INDEX, s, operand, 9, PolicyEo.EQ)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(t.run(new PolicyNv(TpmRh.OWNER, INDEX, s, operand, 7, PolicyEo.EQ)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new PolicyNv(TpmRh.PLATFORM, INDEX, s, operand, 6, PolicyEo.EQ)).rc()).isEqualTo(TpmRc.NV_AUTHORIZATION);
        assertThat(t.run(new PolicyNv(INDEX, INDEX, s, operand, 6, PolicyEo.EQ)).orThrow()).isNotNull();
        // a trial session checks nothing
        define(t, pub(INDEX + 1, OWNER_RW, 8));
        int trial = session(t, TpmSe.TRIAL);
        t.run(new PolicyNv(TpmRh.OWNER, INDEX + 1, trial, operand, 0, PolicyEo.EQ)).orThrow();
        assertThat(t.run(new PolicyNv(TpmRh.OWNER, INDEX + 1, s, operand, 0, PolicyEo.EQ)).rc()).isEqualTo(TpmRc.NV_UNINITIALIZED);
    }

    /** TPM_EO values. */
    private static final class PolicyEo {
        static final int EQ = 0, UNSIGNED_GT = 3;
    }

    @Test
    void policyAuthorizeNv_theIndexHoldsTheApprovedPolicy() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, OWNER_RW, 2 + 32));
        Bytes name = t.run(new NvReadPublic(INDEX)).orThrow().nvName();
        int s = session(t, TpmSe.POLICY);
        t.run(new PolicyCommandCode(s, TpmCc.NV_READ)).orThrow();
        Bytes approved = digest(t, s);
        assertThat(t.run(new PolicyAuthorizeNv(TpmRh.OWNER, INDEX, s)).rc()).isEqualTo(TpmRc.NV_UNINITIALIZED);
        t.run(new NvWrite(TpmRh.OWNER, INDEX, Bytes.wrap(new byte[] {0, 0x0B}).concat(Bytes.zeros(32)), 0)).orThrow();
        name = t.run(new NvReadPublic(INDEX)).orThrow().nvName();
        assertThat(t.run(new PolicyAuthorizeNv(TpmRh.OWNER, INDEX, s)).rc()).isEqualTo(TpmRc.VALUE);
        t.run(new NvWrite(TpmRh.OWNER, INDEX, Bytes.wrap(new byte[] {0, 0x04}).concat(approved), 0)).orThrow();
        assertThat(t.run(new PolicyAuthorizeNv(TpmRh.OWNER, INDEX, s)).rc()).isEqualTo(TpmRc.HASH);
        t.run(new NvWrite(TpmRh.OWNER, INDEX, Bytes.wrap(new byte[] {0, 0x0B}).concat(approved), 0)).orThrow();
        t.run(new PolicyAuthorizeNv(TpmRh.OWNER, INDEX, s)).orThrow();
        Bytes expected = TestTpm.hash(TpmAlg.SHA256, new byte[32], new byte[] {0, 0, 1, (byte) 0x92}, name.toArray());
        assertThat(digest(t, s)).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- NV_Certify

    @Test
    void certify_rangeAndDigest_signedByAKeyTheJdkVerifies() throws Exception {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, OWNER_RW, 16));
        t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("0123456789abcdef"), 0)).orThrow();
        Bytes name = t.run(new NvReadPublic(INDEX)).orThrow().nvName();
        TpmtPublic template = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.NIST_P256,
                        TpmtKdfScheme.NULL));
        CreatePrimaryResponse kp = t.run(new CreatePrimary(TpmRh.ENDORSEMENT, TpmsSensitiveCreate.EMPTY, template,
                Bytes.EMPTY, new TpmlPcrSelection(List.of()))).orThrow();
        int key = kp.objectHandle();
        NvCertifyResponse r = t.run(new NvCertify(key, TpmRh.OWNER, INDEX, bytes("q"), TpmtSigScheme.NULL, 4, 2)).orThrow();
        assertThat(r.certifyInfo().attested()).isEqualTo(new TpmsNvCertifyInfo(name, 2, bytes("2345")));
        // the signature verifies with the JDK over SHA-256(TPMS_ATTEST)
        TpmsEccPoint q = (TpmsEccPoint) kp.outPublic().unique();
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        var params = ((java.security.interfaces.ECPublicKey) g.generateKeyPair().getPublic()).getParams();
        var pubKey = java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(
                new java.security.spec.ECPoint(new java.math.BigInteger(1, q.x().toArray()), new java.math.BigInteger(1, q.y().toArray())),
                params));
        var sig = (TpmuSignature.Ecc) r.signature().signature();
        java.security.Signature v = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
        v.initVerify(pubKey);
        v.update(dev.jtpm.types.codec.TpmCodec.encode(r.certifyInfo()));
        assertThat(v.verify(sig.signatureR().concat(sig.signatureS()).toArray())).isTrue();
        NvCertifyResponse d = t.run(new NvCertify(TpmRh.NULL, TpmRh.OWNER, INDEX, bytes("q"), TpmtSigScheme.NULL, 0, 0)).orThrow();
        assertThat(d.certifyInfo().attested()).isInstanceOf(TpmsNvDigestCertifyInfo.class);
        assertThat(t.run(new NvCertify(TpmRh.NULL, TpmRh.OWNER, INDEX, bytes("q"), TpmtSigScheme.NULL, 8, 9)).rc())
                .isEqualTo(TpmRc.NV_RANGE);
        assertThat(t.run(new NvCertify(TpmRh.NULL, TpmRh.PLATFORM, INDEX, bytes("q"), TpmtSigScheme.NULL, 8, 0)).rc())
                .isEqualTo(TpmRc.NV_AUTHORIZATION);
        assertThat(t.run(new NvCertify(TpmRh.NULL, TpmRh.OWNER, INDEX, bytes("q"), TpmtSigScheme.NULL, 0, 0))
                .response().certifyInfo().type()).isEqualTo(TpmSt.ATTEST_NV_DIGEST);
    }
}
