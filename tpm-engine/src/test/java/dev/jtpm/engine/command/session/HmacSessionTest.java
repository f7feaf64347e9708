package dev.jtpm.engine.command.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.StartAuthSessionResponse;
import dev.jtpm.types.structure.TpmlHandle;
import dev.jtpm.types.structure.TpmtSymDef;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import static dev.jtpm.engine.command.session.ClientCrypto.hmac;
import static dev.jtpm.engine.command.session.ClientCrypto.sha256;

/**
 * HMAC sessions (Part 1, 19.6): the client side is computed here independently with the JCA,
 * so a wrong cpHash, key or nonce order in the engine fails these tests.
 */
class HmacSessionTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Bytes NONCE = Bytes.fromHex("00112233445566778899aabbccddeeff");

    private static StartAuthSessionResponse start(TestTpm t, int bind) {
        return t.run(new StartAuthSession(TpmRh.NULL, bind, NONCE, Bytes.EMPTY, TpmSe.HMAC, TpmtSymDef.NULL, TpmAlg.SHA256))
                .orThrow();
    }

    /** PCR_Reset(16) authorized by the session; returns the raw response. */
    private static byte[] pcrReset(TestTpm t, int session, byte[] key, Bytes nonceTpm, int attrs, boolean corrupt) throws Exception {
        byte[] cc = HEX.parseHex("0000013d");
        byte[] cpHash = sha256(cc, HEX.parseHex("00000010"));
        byte[] mac = hmac(key, cpHash, NONCE.toArray(), nonceTpm.toArray(), new byte[] {(byte) attrs});
        if (corrupt) mac[0] ^= 1;
        TpmWriter w = new TpmWriter();
        w.u16(TpmSt.SESSIONS).u32(0).u32(0x13d).u32(16);
        w.u32(4 + 2 + NONCE.size() + 1 + 2 + mac.length);
        w.u32(session).sized(NONCE).u8(attrs).sized(Bytes.wrap(mac));
        w.patchU32(2, w.position());
        return t.raw(w.toByteArray());
    }

    private static TpmRc rc(byte[] r) { return new TpmRc(new TpmReader(r, 6, 4).u32()); }

    @Test
    void unboundSession_authorizesPcrReset_andAnswersWithAVerifiableHmac() throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = start(t, TpmRh.NULL);
        assertThat(s.sessionHandle() >>> 24).isEqualTo(0x02);
        assertThat(s.nonceTPM().size()).isEqualTo(NONCE.size());   // ms-tpm SessionCreate: nonceTPM as long as nonceCaller
        byte[] r = pcrReset(t, s.sessionHandle(), new byte[0], s.nonceTPM(), TpmSe.CONTINUE_SESSION, false);
        assertThat(rc(r)).isEqualTo(TpmRc.SUCCESS);
        // response: header, parameterSize 0, then nonceTPM, attributes, hmac
        TpmReader rd = new TpmReader(r, 10, r.length - 10);
        assertThat(rd.u32()).isZero();
        Bytes nonceTpm = rd.bytes(rd.u16());
        int attrs = rd.u8();
        Bytes mac = rd.bytes(rd.u16());
        byte[] rpHash = sha256(new byte[4], HEX.parseHex("0000013d"));
        assertThat(mac.toArray()).isEqualTo(hmac(new byte[0], rpHash, nonceTpm.toArray(), NONCE.toArray(), new byte[] {(byte) attrs}));
        // the session rolls on: the new nonceTPM authorizes the next command, the old one does not
        assertThat(rc(pcrReset(t, s.sessionHandle(), new byte[0], s.nonceTPM(), 1, false))).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        assertThat(rc(pcrReset(t, s.sessionHandle(), new byte[0], nonceTpm, 1, false))).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void wrongHmac_returnsBadAuthOnSession1() throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = start(t, TpmRh.NULL);
        assertThat(rc(pcrReset(t, s.sessionHandle(), new byte[0], s.nonceTPM(), 1, true))).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
    }

    @Test
    void boundSession_keyIsKdfaOfTheBindAuth() throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = start(t, TpmRh.OWNER);   // empty owner auth
        // sessionKey = KDFa(SHA256, "", "ATH", nonceTPM, nonceCaller, 256)
        byte[] key = hmac(new byte[0], HEX.parseHex("00000001"), "ATH\0".getBytes(), s.nonceTPM().toArray(),
                NONCE.toArray(), HEX.parseHex("00000100"));
        assertThat(rc(pcrReset(t, s.sessionHandle(), key, s.nonceTPM(), 1, false))).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void withoutContinueSession_theSessionIsFlushed() throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = start(t, TpmRh.NULL);
        assertThat(rc(pcrReset(t, s.sessionHandle(), new byte[0], s.nonceTPM(), 0, false))).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new FlushContext(s.sessionHandle())).rc()).isEqualTo(TpmRc.HANDLE.atParameter(1));
    }

    @Test
    void sessionSlots_areLimitedAndFreedByFlushContext() {
        TestTpm t = TestTpm.started();
        int first = start(t, TpmRh.NULL).sessionHandle();
        start(t, TpmRh.NULL);
        start(t, TpmRh.NULL);
        assertThat(t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, TpmSe.HMAC, TpmtSymDef.NULL,
                TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.SESSION_MEMORY);
        var listed = (TpmlHandle) t.run(new GetCapability(1, 0x02000000, 10)).orThrow().capabilityData().data();
        assertThat(listed.handle()).hasSize(3).contains(first);
        assertThat(t.run(new FlushContext(first)).ok()).isTrue();
        assertThat(t.run(new FlushContext(0x40000001)).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(start(t, TpmRh.NULL).sessionHandle()).isNotZero();
    }

    @Test
    void badParameters_getTheirCodes() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.zeros(8), Bytes.EMPTY, TpmSe.HMAC,
                TpmtSymDef.NULL, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.zeros(4), TpmSe.HMAC,
                TpmtSymDef.NULL, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, 2,
                TpmtSymDef.NULL, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.VALUE.atParameter(3));
    }

    @Test
    void unloadedSession_returnsReferenceS0() throws Exception {
        TestTpm t = TestTpm.started();
        assertThat(rc(pcrReset(t, 0x02000042, new byte[0], Bytes.zeros(32), 1, false))).isEqualTo(TpmRc.REFERENCE_S0);
    }

    @Test
    void policySession_cannotAuthorizeAnEntityWithoutAuthPolicy() throws Exception {
        TestTpm t = TestTpm.started();
        var s = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, TpmSe.POLICY, TpmtSymDef.NULL,
                TpmAlg.SHA256)).orThrow();
        assertThat(s.sessionHandle() >>> 24).isEqualTo(0x03);
        assertThat(rc(pcrReset(t, s.sessionHandle(), new byte[0], s.nonceTPM(), 1, false))).isEqualTo(TpmRc.AUTH_UNAVAILABLE);   // ms-tpm IsAuthPolicyAvailable
    }

    @Test
    void hierarchyChangeAuth_answersWithAnHmacKeyedWithTheNewAuth() throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = start(t, TpmRh.NULL);
        byte[] newAuth = "newpw".getBytes();
        byte[] params = new TpmWriter().sized(Bytes.wrap(newAuth)).toByteArray();
        byte[] cc = HEX.parseHex("00000129");
        byte[] cpHash = sha256(cc, HEX.parseHex("40000001"), params);
        byte[] mac = hmac(new byte[0], cpHash, NONCE.toArray(), s.nonceTPM().toArray(), new byte[] {1});
        TpmWriter w = new TpmWriter();
        w.u16(TpmSt.SESSIONS).u32(0).u32(0x129).u32(0x40000001);
        w.u32(4 + 2 + NONCE.size() + 1 + 2 + mac.length);
        w.u32(s.sessionHandle()).sized(NONCE).u8(1).sized(Bytes.wrap(mac));
        w.bytes(params);
        w.patchU32(2, w.position());
        byte[] r = t.raw(w.toByteArray());
        assertThat(rc(r)).isEqualTo(TpmRc.SUCCESS);
        TpmReader rd = new TpmReader(r, 10, r.length - 10);
        rd.u32();
        Bytes nonceTpm = rd.bytes(rd.u16());
        int attrs = rd.u8();
        Bytes rmac = rd.bytes(rd.u16());
        byte[] rpHash = sha256(new byte[4], cc);
        assertThat(rmac.toArray()).isEqualTo(hmac(newAuth, rpHash, nonceTpm.toArray(), NONCE.toArray(), new byte[] {(byte) attrs}));
    }

    @Test
    void contextSaveAndLoad_sessionLeavesItsSlotAndComesBackOnce() throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = start(t, TpmRh.NULL);
        var saved = t.run(new dev.jtpm.types.command.ContextSave(s.sessionHandle())).orThrow().context();
        assertThat(saved.savedHandle()).isEqualTo(s.sessionHandle());
        // saved: not usable until loaded
        assertThat(rc(pcrReset(t, s.sessionHandle(), new byte[0], s.nonceTPM(), 1, false))).isEqualTo(TpmRc.REFERENCE_S0);
        // a changed blob is refused
        byte[] blob = saved.contextBlob().toArray();
        blob[blob.length - 1] ^= 1;
        var tampered = new dev.jtpm.types.structure.TpmsContext(saved.sequence(), saved.savedHandle(), saved.hierarchy(), Bytes.wrap(blob));
        assertThat(t.run(new dev.jtpm.types.command.ContextLoad(tampered)).rc()).isEqualTo(TpmRc.INTEGRITY.atParameter(1));
        assertThat(t.run(new dev.jtpm.types.command.ContextLoad(saved)).orThrow().loadedHandle()).isEqualTo(s.sessionHandle());
        assertThat(rc(pcrReset(t, s.sessionHandle(), new byte[0], s.nonceTPM(), 1, false))).isEqualTo(TpmRc.SUCCESS);
        // the same context cannot be loaded twice
        assertThat(t.run(new dev.jtpm.types.command.ContextLoad(saved)).rc()).isEqualTo(TpmRc.HANDLE.atParameter(1));
    }

    @Test
    void savedSession_canBeFlushed_andItsContextThenNoLongerLoads() {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = start(t, TpmRh.NULL);
        var saved = t.run(new dev.jtpm.types.command.ContextSave(s.sessionHandle())).orThrow().context();
        assertThat(t.run(new FlushContext(s.sessionHandle())).ok()).isTrue();
        assertThat(t.run(new dev.jtpm.types.command.ContextLoad(saved)).rc()).isEqualTo(TpmRc.HANDLE.atParameter(1));
    }

    @Test
    void savedSessions_freeSlotsForNewOnes() {
        TestTpm t = TestTpm.started();
        for (int i = 0; i < 10; i++) {
            int h = start(t, TpmRh.NULL).sessionHandle();
            t.run(new dev.jtpm.types.command.ContextSave(h)).orThrow();
        }
        assertThat(t.state().sessions.activeCount()).isEqualTo(10);
        assertThat(t.state().sessions.count()).isZero();
    }
}
