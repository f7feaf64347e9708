package dev.jtpm.engine.command.session;

import static dev.jtpm.engine.command.session.ClientCrypto.hmac;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.Kdf;
import dev.jtpm.crypto.SecretSharing;
import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.DictionaryAttackLockReset;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.StartAuthSessionResponse;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmuPublicId;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.Test;

/**
 * The session rules of Part 1, 19 as ms-tpm applies them: the password session's response, what a failed
 * command leaves, response HMACs of commands that remove their entity, salted sessions (RSA and ECC) with
 * the client side computed here with the JCA, DA-bound sessions and trial sessions.
 */
class SessionRulesTest {
    private static final Bytes NONCE = Bytes.fromHex("00112233445566778899aabbccddeeff");
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final int CC_PCR_RESET = 0x13D, CC_SEQUENCE_COMPLETE = 0x13E;

    /** A command with one handle and one session, the HMAC computed by the caller over cpHash. */
    private static byte[] command(int cc, int handle, byte[] handleName, byte[] params, int session, Bytes nonce, int attrs,
                                  byte[] key, boolean corrupt) throws Exception {
        byte[] cpHash = ClientCrypto.sha256(u32(cc), handleName, params);
        byte[] mac = key == null ? new byte[0] : hmac(key, cpHash, NONCE.toArray(), nonce.toArray(), new byte[] {(byte) attrs});
        if (corrupt) mac[0] ^= 1;
        TpmWriter w = new TpmWriter();
        w.u16(TpmSt.SESSIONS).u32(0).u32(cc).u32(handle);
        w.u32(4 + 2 + NONCE.size() + 1 + 2 + mac.length);
        w.u32(session).sized(NONCE).u8(attrs).sized(Bytes.wrap(mac));
        w.bytes(params);
        w.patchU32(2, w.position());
        return w.toByteArray();
    }

    private static byte[] u32(int v) { return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}; }

    private static TpmRc rc(byte[] r) { return new TpmRc(new TpmReader(r, 6, 4).u32()); }

    private static StartAuthSessionResponse hmacSession(TestTpm t, int tpmKey, int bind, Bytes salt) {
        return t.run(new StartAuthSession(tpmKey, bind, NONCE, salt, TpmSe.HMAC, TpmtSymDef.NULL, TpmAlg.SHA256)).orThrow();
    }

    @Test
    void passwordSession_answersContinueSessionSet_whateverTheCommandSent() {
        TestTpm t = TestTpm.started();
        TpmWriter w = new TpmWriter();
        w.u16(TpmSt.SESSIONS).u32(0).u32(CC_PCR_RESET).u32(16).u32(9).u32(TpmRh.RS_PW).u16(0).u8(0).u16(0);
        w.patchU32(2, w.position());
        byte[] r = t.raw(w.toByteArray());
        assertThat(rc(r)).isEqualTo(TpmRc.SUCCESS);
        // header, parameterSize 0, nonce size 0, attributes, hmac size 0
        assertThat(Arrays.copyOfRange(r, 10, r.length)).containsExactly(0, 0, 0, 0, 0, 0, 1, 0, 0);
    }

    @Test
    void failedCommand_leavesTheSessionLoaded_evenWithoutContinueSession() throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = hmacSession(t, TpmRh.NULL, TpmRh.NULL, Bytes.EMPTY);
        // PCR 0 cannot be reset at locality 0: authorized, then refused by the command
        byte[] r = t.raw(command(CC_PCR_RESET, 0, u32(0), new byte[0], s.sessionHandle(), s.nonceTPM(), 0, null, false));
        assertThat(rc(r)).isEqualTo(TpmRc.LOCALITY);
        assertThat(t.state().sessions.get(s.sessionHandle())).isNotNull();
        // and the nonceTPM did not move: the same session authorizes the next command with it
        r = t.raw(command(CC_PCR_RESET, 16, u32(16), new byte[0], s.sessionHandle(), s.nonceTPM(), 0, null, false));
        assertThat(rc(r)).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.state().sessions.get(s.sessionHandle())).isNull();   // flushed by the successful use
    }

    @Test
    void sequenceComplete_responseHmac_isKeyedWithTheSequenceAuthAsItWas() throws Exception {
        TestTpm t = TestTpm.started();
        Bytes auth = Bytes.wrap("seq-auth".getBytes());
        int seq = t.run(new HashSequenceStart(auth, TpmAlg.SHA256)).orThrow().sequenceHandle();
        StartAuthSessionResponse s = hmacSession(t, TpmRh.NULL, TpmRh.NULL, Bytes.EMPTY);
        byte[] params = new TpmWriter().sized(Bytes.wrap("abc".getBytes())).u32(TpmRh.NULL).toByteArray();
        // a sequence's Name is the Empty Buffer
        byte[] r = t.raw(command(CC_SEQUENCE_COMPLETE, seq, new byte[0], params, s.sessionHandle(), s.nonceTPM(),
                TpmSe.CONTINUE_SESSION, auth.toArray(), false));
        assertThat(rc(r)).isEqualTo(TpmRc.SUCCESS);
        TpmReader rd = new TpmReader(r, 10, r.length - 10);
        int paramSize = rd.u32();
        byte[] rparams = rd.bytes(paramSize).toArray();
        Bytes nonceTpm = rd.bytes(rd.u16());
        int attrs = rd.u8();
        byte[] mac = rd.bytes(rd.u16()).toArray();
        byte[] rpHash = ClientCrypto.sha256(u32(0), u32(CC_SEQUENCE_COMPLETE), rparams);
        assertThat(mac).containsExactly(hmac(auth.toArray(), rpHash, nonceTpm.toArray(), NONCE.toArray(), new byte[] {(byte) attrs}));
    }

    @Test
    void rsaSaltedSession_keyIsKdfaOfTheSalt() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse srk = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.RSA_2048_SRK,
                Bytes.EMPTY, NO_PCRS)).orThrow();
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        BigInteger n = new BigInteger(1, ((TpmuPublicId.Rsa) srk.outPublic().unique()).n().toArray());
        var pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, BigInteger.valueOf(65537)));
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        oaep.init(Cipher.ENCRYPT_MODE, pub, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                new PSource.PSpecified("SECRET\0".getBytes())));
        Bytes encrypted = Bytes.wrap(oaep.doFinal(salt));
        StartAuthSessionResponse s = hmacSession(t, srk.objectHandle(), TpmRh.NULL, encrypted);
        byte[] key = Kdf.kdfa(TpmAlg.SHA256, salt, "ATH", s.nonceTPM().toArray(), NONCE.toArray(), 256);
        int attrs = TpmSe.CONTINUE_SESSION;
        assertThat(rc(t.raw(command(CC_PCR_RESET, 16, u32(16), new byte[0], s.sessionHandle(), s.nonceTPM(), attrs,
                new byte[] {1}, false)))).isEqualTo(TpmRc.BAD_AUTH.atSession(1));    // a salted session needs its key
        assertThat(rc(t.raw(command(CC_PCR_RESET, 16, u32(16), new byte[0], s.sessionHandle(), s.nonceTPM(), attrs,
                key, false)))).isEqualTo(TpmRc.SUCCESS);
        // a salt that does not decrypt, and a salt without a key
        byte[] bad = encrypted.toArray();
        bad[5] ^= 1;
        assertThat(t.run(new StartAuthSession(srk.objectHandle(), TpmRh.NULL, NONCE, Bytes.wrap(bad), TpmSe.HMAC,
                TpmtSymDef.NULL, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, encrypted, TpmSe.HMAC,
                TpmtSymDef.NULL, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(t.run(new StartAuthSession(srk.objectHandle(), TpmRh.NULL, NONCE, Bytes.EMPTY, TpmSe.HMAC,
                TpmtSymDef.NULL, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
    }

    @Test
    void eccSaltedAndBoundSession_keyIsKdfaOfBindAuthAndSalt() throws Exception {
        TestTpm t = TestTpm.started();
        CreatePrimaryResponse srk = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK,
                Bytes.EMPTY, NO_PCRS)).orThrow();
        TpmsEccPoint q = (TpmsEccPoint) srk.outPublic().unique();
        EccKey target = EccKey.ofPublic(EccCurve.NIST_P256, new BigInteger(1, q.x().toArray()), new BigInteger(1, q.y().toArray()));
        EccKey ephemeral = EccKey.ofPrivate(EccCurve.NIST_P256, BigInteger.valueOf(0x1234567));
        SecretSharing.Encapsulated e = SecretSharing.eccEncapsulate(TpmAlg.SHA256, target, "SECRET", ephemeral);
        // bound to the owner hierarchy, whose authValue becomes part of the key
        t.run(new dev.jtpm.types.command.HierarchyChangeAuth(TpmRh.OWNER, Secret.of("owner".getBytes()))).orThrow();
        StartAuthSessionResponse s = t.run(new StartAuthSession(srk.objectHandle(), TpmRh.OWNER, NONCE, e.encryptedSecret(),
                TpmSe.HMAC, TpmtSymDef.NULL, TpmAlg.SHA256)).orThrow();
        byte[] secret = concat("owner".getBytes(), e.seed().toArray());
        byte[] key = Kdf.kdfa(TpmAlg.SHA256, secret, "ATH", s.nonceTPM().toArray(), NONCE.toArray(), 256);
        // PCR 16 is another entity: the HMAC key is sessionKey || the PCR's (empty) authValue
        assertThat(rc(t.raw(command(CC_PCR_RESET, 16, u32(16), new byte[0], s.sessionHandle(), s.nonceTPM(),
                TpmSe.CONTINUE_SESSION, key, false)))).isEqualTo(TpmRc.SUCCESS);
        // a point that is not on the curve
        byte[] bad = e.encryptedSecret().toArray();
        bad[bad.length - 1] ^= 1;
        assertThat(t.run(new StartAuthSession(srk.objectHandle(), TpmRh.NULL, NONCE, Bytes.wrap(bad), TpmSe.HMAC,
                TpmtSymDef.NULL, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
    }

    @Test
    void boundSession_leavesOutTheBoundEntitysAuth_untilThatAuthChanges() throws Exception {
        TestTpm t = TestTpm.started();
        byte[] ownerAuth = "owner-1".getBytes();
        t.run(new dev.jtpm.types.command.HierarchyChangeAuth(TpmRh.OWNER, Secret.of(ownerAuth))).orThrow();
        StartAuthSessionResponse s = hmacSession(t, TpmRh.NULL, TpmRh.OWNER, Bytes.EMPTY);
        byte[] key = Kdf.kdfa(TpmAlg.SHA256, ownerAuth, "ATH", s.nonceTPM().toArray(), NONCE.toArray(), 256);
        int cc = 0x129;   // TPM2_HierarchyChangeAuth(OWNER, newAuth)
        byte[] params = new TpmWriter().sized(Bytes.wrap("owner-2".getBytes())).toByteArray();
        // bound to the owner and authorizing the owner: the HMAC key is the session key alone
        byte[] r = t.raw(command(cc, TpmRh.OWNER, u32(TpmRh.OWNER), params, s.sessionHandle(), s.nonceTPM(),
                TpmSe.CONTINUE_SESSION, key, false));
        assertThat(rc(r)).isEqualTo(TpmRc.SUCCESS);
        TpmReader rd = new TpmReader(r, 14, r.length - 14);         // after parameterSize (0): the new nonceTPM
        Bytes nonceTpm = rd.bytes(rd.u16());
        // the owner's authValue changed since the bind: now the session is like an unbound one, key || authValue
        params = new TpmWriter().sized(Bytes.EMPTY).toByteArray();
        assertThat(rc(t.raw(command(cc, TpmRh.OWNER, u32(TpmRh.OWNER), params, s.sessionHandle(), nonceTpm,
                TpmSe.CONTINUE_SESSION, key, false)))).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        assertThat(rc(t.raw(command(cc, TpmRh.OWNER, u32(TpmRh.OWNER), params, s.sessionHandle(), nonceTpm,
                TpmSe.CONTINUE_SESSION, concat(key, "owner-2".getBytes()), false)))).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void replayedCommand_isRefused_becauseNonceTpmMoved() throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = hmacSession(t, TpmRh.NULL, TpmRh.NULL, Bytes.EMPTY);
        // an unbound, unsalted session and PCR 16's empty authValue: the HMAC key is empty, the HMAC is still real
        byte[] cmd = command(CC_PCR_RESET, 16, u32(16), new byte[0], s.sessionHandle(), s.nonceTPM(),
                TpmSe.CONTINUE_SESSION, new byte[0], false);
        assertThat(rc(t.raw(cmd))).isEqualTo(TpmRc.SUCCESS);
        assertThat(rc(t.raw(cmd))).isEqualTo(TpmRc.BAD_AUTH.atSession(1));      // the same octets again
    }

    @Test
    void extraSession_thatNeitherEncryptsNorAudits_isAttributes() throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = hmacSession(t, TpmRh.NULL, TpmRh.NULL, Bytes.EMPTY);
        // GetRandom authorizes nothing: its one session must encrypt or audit
        TpmWriter w = new TpmWriter();
        w.u16(TpmSt.SESSIONS).u32(0).u32(0x17B);
        w.u32(4 + 2 + NONCE.size() + 1 + 2).u32(s.sessionHandle()).sized(NONCE).u8(TpmSe.CONTINUE_SESSION).u16(0);
        w.u16(8);
        w.patchU32(2, w.position());
        assertThat(rc(t.raw(w.toByteArray()))).isEqualTo(TpmRc.ATTRIBUTES.atSession(1));
    }

    @Test
    void tpmKey_mustBeAnAsymmetricDecryptionKeyWithItsPrivatePart() {
        TestTpm t = TestTpm.started();
        TpmtPublic signer = TpmtPublic.of(TpmAlg.SHA256, dev.jtpm.types.structure.TpmaObject.of(
                dev.jtpm.types.structure.TpmaObject.FIXED_TPM, dev.jtpm.types.structure.TpmaObject.FIXED_PARENT,
                dev.jtpm.types.structure.TpmaObject.SENSITIVE_DATA_ORIGIN, dev.jtpm.types.structure.TpmaObject.USER_WITH_AUTH,
                dev.jtpm.types.structure.TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                Templates.ECC_P256_SRK.parameters() instanceof dev.jtpm.types.structure.TpmsEccParms p
                        ? new dev.jtpm.types.structure.TpmsEccParms(dev.jtpm.types.structure.TpmtSymDefObject.NULL,
                                dev.jtpm.types.structure.TpmtEccScheme.NULL, p.curveID(), p.kdf()) : null,
                Templates.ECC_P256_SRK.unique());
        int h = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, signer, Bytes.EMPTY, NO_PCRS))
                .orThrow().objectHandle();
        assertThat(t.run(new StartAuthSession(h, TpmRh.NULL, NONCE, Bytes.wrap(new byte[68]), TpmSe.HMAC,
                TpmtSymDef.NULL, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        // nonceCaller longer than the session hash's digest
        assertThat(t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.zeros(33), Bytes.EMPTY, TpmSe.HMAC,
                TpmtSymDef.NULL, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void lockoutBoundSession_failure_disablesLockoutAuth_evenForAnExemptEntity() throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = hmacSession(t, TpmRh.NULL, TpmRh.LOCKOUT, Bytes.EMPTY);
        byte[] key = Kdf.kdfa(TpmAlg.SHA256, new byte[0], "ATH", s.nonceTPM().toArray(), NONCE.toArray(), 256);
        assertThat(rc(t.raw(command(CC_PCR_RESET, 16, u32(16), new byte[0], s.sessionHandle(), s.nonceTPM(),
                TpmSe.CONTINUE_SESSION, key, true)))).isEqualTo(TpmRc.AUTH_FAIL.atSession(1));
        assertThat(t.run(new DictionaryAttackLockReset(TpmRh.LOCKOUT)).rc()).isEqualTo(TpmRc.LOCKOUT);
        // and the session itself now meets the lockout
        assertThat(rc(t.raw(command(CC_PCR_RESET, 16, u32(16), new byte[0], s.sessionHandle(), s.nonceTPM(),
                TpmSe.CONTINUE_SESSION, key, false)))).isEqualTo(TpmRc.LOCKOUT);
    }

    @Test
    void unboundSession_failure_onAnExemptEntity_isBadAuth_andCountsNothing() throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = hmacSession(t, TpmRh.NULL, TpmRh.NULL, Bytes.EMPTY);
        int before = t.state().persistent.failedTries;
        assertThat(rc(t.raw(command(CC_PCR_RESET, 16, u32(16), new byte[0], s.sessionHandle(), s.nonceTPM(),
                TpmSe.CONTINUE_SESSION, new byte[] {1}, false)))).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        assertThat(t.state().persistent.failedTries).isEqualTo(before);
    }

    @Test
    void trialSession_cannotAuthorize() throws Exception {
        TestTpm t = TestTpm.started();
        var s = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, TpmSe.TRIAL, TpmtSymDef.NULL,
                TpmAlg.SHA256)).orThrow();
        assertThat(rc(t.raw(command(CC_PCR_RESET, 16, u32(16), new byte[0], s.sessionHandle(), s.nonceTPM(),
                TpmSe.CONTINUE_SESSION, null, false)))).isEqualTo(TpmRc.ATTRIBUTES.atSession(1));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
