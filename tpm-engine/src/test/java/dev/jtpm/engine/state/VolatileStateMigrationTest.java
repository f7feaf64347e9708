package dev.jtpm.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.command.ContextLoad;
import dev.jtpm.types.command.ContextSave;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EventSequenceComplete;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.HierarchyChangeAuth;
import dev.jtpm.types.command.Hmac;
import dev.jtpm.types.command.HmacStart;
import dev.jtpm.types.command.PolicyCommandCode;
import dev.jtpm.types.command.PolicyGetDigest;
import dev.jtpm.types.command.SequenceComplete;
import dev.jtpm.types.command.SequenceUpdate;
import dev.jtpm.types.command.SetPrimaryPolicy;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.StartAuthSessionResponse;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtHa;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuSymKeyBits;
import dev.jtpm.types.structure.TpmuSymMode;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

/**
 * State migration as QEMU does it (GET_STATEBLOB on the source; SET_STATEBLOB then CMD_INIT on the
 * destination): the permanent and volatile blobs of one TPM, put into the store of a new one, give a TPM that
 * continues without TPM2_Startup — sessions with their rolling nonces, policies half-way, sequences half-fed,
 * loaded keys, saved session contexts. Client-side values (HMACs, digests) are the JDK's and Bouncy Castle's.
 */
class VolatileStateMigrationTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());

    /** The blobs of {@code t} into a new TPM's store; the new TPM is resumed by _TPM_Init, the old one powered off. */
    private static TestTpm migrate(TestTpm t) throws Exception {
        NvStore nv = NvStore.inMemory();
        nv.store(StateKind.PERMANENT, t.tpm.permanentState());
        nv.store(StateKind.VOLATILE, t.tpm.volatileState());
        t.tpm.powerOff();
        TestTpm r = new TestTpm(nv);
        assertThat(r.tpm.isStarted()).isTrue();
        return r;
    }

    private static byte[] hmac(int alg, byte[] key, byte[]... parts) throws Exception {
        String name = alg == TpmAlg.SHA256 ? "HmacSHA256" : "HmacSHA384";
        Mac m = Mac.getInstance(name);
        m.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, name));
        for (byte[] p : parts) m.update(p);
        return m.doFinal();
    }

    private static byte[] sha(String alg, byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance(alg);
        for (byte[] p : parts) md.update(p);
        return md.digest();
    }

    private static TpmRc rc(byte[] r) { return new TpmRc(new TpmReader(r, 6, 4).u32()); }

    /** A client's view of an HMAC session: its key and the rolling nonces. */
    private static final class Client {
        final int handle;
        final byte[] key;
        Bytes nonceTpm;
        int counter;

        Client(int handle, byte[] key, Bytes nonceTpm) {
            this.handle = handle;
            this.key = key;
            this.nonceTpm = nonceTpm;
        }

        /**
         * PCR_Reset(16) with this session and a fresh nonceCaller; checks the response HMAC and rolls the
         * nonce on. Returns the response code.
         */
        TpmRc pcrReset(TestTpm t) throws Exception {
            Bytes nonceCaller = Bytes.wrap(sha("SHA-256", new byte[] {(byte) counter++}));
            byte[] cc = HEX.parseHex("0000013d");
            byte[] cpHash = sha("SHA-256", cc, HEX.parseHex("00000010"));
            int attrs = TpmSe.CONTINUE_SESSION;
            byte[] mac = hmac(TpmAlg.SHA256, key, cpHash, nonceCaller.toArray(), nonceTpm.toArray(), new byte[] {(byte) attrs});
            TpmWriter w = new TpmWriter();
            w.u16(TpmSt.SESSIONS).u32(0).u32(0x13d).u32(16);
            w.u32(4 + 2 + nonceCaller.size() + 1 + 2 + mac.length);
            w.u32(handle).sized(nonceCaller).u8(attrs).sized(Bytes.wrap(mac));
            w.patchU32(2, w.position());
            byte[] r = t.raw(w.toByteArray());
            if (!rc(r).equals(TpmRc.SUCCESS)) return rc(r);
            TpmReader rd = new TpmReader(r, 10, r.length - 10);
            assertThat(rd.u32()).isZero();
            Bytes next = rd.bytes(rd.u16());
            int rattrs = rd.u8();
            Bytes rmac = rd.bytes(rd.u16());
            byte[] rpHash = sha("SHA-256", new byte[4], cc);
            assertThat(rmac.toArray()).isEqualTo(hmac(TpmAlg.SHA256, key, rpHash, next.toArray(), nonceCaller.toArray(),
                    new byte[] {(byte) rattrs}));
            nonceTpm = next;
            return TpmRc.SUCCESS;
        }
    }

    private static final Bytes NONCE = Bytes.fromHex("00112233445566778899aabbccddeeff");

    /** An HMAC session bound to the owner hierarchy (empty ownerAuth): its key is KDFa(SHA-256, "", "ATH", nonceTPM, nonceCaller). */
    private static Client boundSession(TestTpm t) throws Exception {
        StartAuthSessionResponse s = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.OWNER, NONCE, Bytes.EMPTY, TpmSe.HMAC,
                TpmtSymDef.NULL, TpmAlg.SHA256)).orThrow();
        byte[] key = hmac(TpmAlg.SHA256, new byte[0], HEX.parseHex("00000001"), "ATH\0".getBytes(), s.nonceTPM().toArray(),
                NONCE.toArray(), HEX.parseHex("00000100"));
        return new Client(s.sessionHandle(), key, s.nonceTPM());
    }

    @Test
    void hmacSession_usedOnce_continuesOnTheNewTpm_withTheClientsRollingNonces() throws Exception {
        TestTpm t = TestTpm.started();
        Client c = boundSession(t);
        assertThat(c.pcrReset(t)).isEqualTo(TpmRc.SUCCESS);
        Bytes before = c.nonceTpm;

        TestTpm r = migrate(t);
        assertThat(c.pcrReset(r)).isEqualTo(TpmRc.SUCCESS);
        assertThat(c.nonceTpm).isNotEqualTo(before);
        assertThat(c.pcrReset(r)).isEqualTo(TpmRc.SUCCESS);
        // the old nonce no longer works: the session state moved, not a copy of its start
        Client stale = new Client(c.handle, c.key, before);
        assertThat(stale.pcrReset(r)).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
    }

    @Test
    void policySession_midPolicy_completesOnTheNewTpm() throws Exception {
        TestTpm t = TestTpm.started();
        // owner policy: PolicyCommandCode(HierarchyChangeAuth)
        byte[] policy = sha("SHA-256", new byte[32], HEX.parseHex("0000016c"), HEX.parseHex("00000129"));
        t.run(new SetPrimaryPolicy(TpmRh.OWNER, Bytes.wrap(policy), TpmAlg.SHA256)).orThrow();
        int s = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, TpmSe.POLICY, TpmtSymDef.NULL,
                TpmAlg.SHA256)).orThrow().sessionHandle();
        t.run(new PolicyCommandCode(s, 0x129)).orThrow();

        TestTpm r = migrate(t);
        assertThat(r.run(new PolicyGetDigest(s)).orThrow().policyDigest().toArray()).isEqualTo(policy);
        // the assertion PolicyCommandCode left (the command code) is kept: another command fails
        assertThat(r.runWithSessions(new SetPrimaryPolicy(TpmRh.OWNER, Bytes.EMPTY, TpmAlg.NULL), s).rc())
                .isEqualTo(TpmRc.POLICY_CC.atSession(1));
        assertThat(r.runWithSessions(new HierarchyChangeAuth(TpmRh.OWNER, Secret.of(new byte[] {1})), s).rc())
                .isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void halfFedSha256Sequence_completesToTheRightDigest() throws Exception {
        TestTpm t = TestTpm.started();
        byte[] a = "the first half of the data, ".getBytes(), b = "and the second half".getBytes();
        int seq = t.run(new HashSequenceStart(Bytes.wrap("pw".getBytes()), TpmAlg.SHA256)).orThrow().sequenceHandle();
        t.run(new SequenceUpdate(seq, Bytes.wrap(a)), List.of(Bytes.wrap("pw".getBytes()))).orThrow();

        TestTpm r = migrate(t);
        var done = r.run(new SequenceComplete(seq, Bytes.wrap(b), TpmRh.OWNER), List.of(Bytes.wrap("pw".getBytes()))).orThrow();
        assertThat(done.result().toArray()).isEqualTo(sha("SHA-256", a, b));
        assertThat(done.validation().hierarchy()).isEqualTo(TpmRh.OWNER);   // the ticket decision was kept
    }

    @Test
    void eventSequence_completesWithEveryBanksDigest() throws Exception {
        TestTpm t = TestTpm.started();
        byte[] a = new byte[1000], b = "tail".getBytes();
        Arrays.fill(a, (byte) 0x5a);
        int seq = t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.NULL)).orThrow().sequenceHandle();
        t.run(new SequenceUpdate(seq, Bytes.wrap(a))).orThrow();

        TestTpm r = migrate(t);
        List<TpmtHa> d = r.run(new EventSequenceComplete(TpmRh.NULL, seq, Bytes.wrap(b)), List.of(Bytes.EMPTY, Bytes.EMPTY))
                .orThrow().results().digests();
        assertThat(d).extracting(TpmtHa::hashAlg).containsExactly(TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512);
        assertThat(d.get(0).digest().toArray()).isEqualTo(sha("SHA-1", a, b));
        assertThat(d.get(1).digest().toArray()).isEqualTo(sha("SHA-256", a, b));
        assertThat(d.get(2).digest().toArray()).isEqualTo(sha("SHA-384", a, b));
        assertThat(d.get(3).digest().toArray()).isEqualTo(sha("SHA-512", a, b));
    }

    @Test
    void hmacSequence_andTheLoadedKey_continueOnTheNewTpm() throws Exception {
        TestTpm t = TestTpm.started();
        byte[] keyBits = new byte[64];   // a full block: the largest key a keyed-hash object takes
        for (int i = 0; i < keyBits.length; i++) keyBits[i] = (byte) i;
        TpmaObject attrs = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.SIGN_ENCRYPT);
        TpmtPublic template = TpmtPublic.of(TpmAlg.SHA256, attrs, Bytes.EMPTY,
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)));
        int k = t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(keyBits)), template,
                Bytes.EMPTY, NO_PCRS)).orThrow().objectHandle();
        byte[] a = new byte[300], b = "end".getBytes();
        Arrays.fill(a, (byte) 3);
        int seq = t.run(new HmacStart(k, Secret.EMPTY, TpmAlg.SHA256)).orThrow().sequenceHandle();
        t.run(new SequenceUpdate(seq, Bytes.wrap(a))).orThrow();

        TestTpm r = migrate(t);
        var done = r.run(new SequenceComplete(seq, Bytes.wrap(b), TpmRh.OWNER)).orThrow();
        assertThat(done.result().toArray()).isEqualTo(hmac(TpmAlg.SHA256, keyBits, a, b));
        assertThat(r.run(new Hmac(k, Bytes.wrap(b), TpmAlg.NULL)).orThrow().outHMAC().toArray())
                .isEqualTo(hmac(TpmAlg.SHA256, keyBits, b));
    }

    @Test
    void cmacSequence_continuesOnTheNewTpm() throws Exception {
        TestTpm t = TestTpm.started();
        byte[] key = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
        TpmaObject attrs = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.SIGN_ENCRYPT);
        TpmtSymDefObject sym = new TpmtSymDefObject(TpmAlg.AES, new TpmuSymKeyBits.Aes(128), new TpmuSymMode.Block(TpmAlg.AES, TpmAlg.CMAC));
        int k = t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(key)),
                TpmtPublic.of(TpmAlg.SHA256, attrs, Bytes.EMPTY, new TpmsSymcipherParms(sym)), Bytes.EMPTY, NO_PCRS))
                .orThrow().objectHandle();
        byte[] data = new byte[70];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 5);
        int seq = t.run(new HmacStart(k, Secret.EMPTY, TpmAlg.NULL)).orThrow().sequenceHandle();
        t.run(new SequenceUpdate(seq, Bytes.wrap(Arrays.copyOf(data, 32)))).orThrow();   // a full block held back

        TestTpm r = migrate(t);
        var done = r.run(new SequenceComplete(seq, Bytes.wrap(Arrays.copyOfRange(data, 32, 70)), TpmRh.OWNER)).orThrow();
        Mac m = Mac.getInstance("AESCMAC", new BouncyCastleProvider());
        m.init(new SecretKeySpec(key, "AES"));
        assertThat(done.result().toArray()).isEqualTo(m.doFinal(data));
    }

    @Test
    void contextSavedSession_loadsAndWorksOnTheNewTpm_onceOnly() throws Exception {
        TestTpm t = TestTpm.started();
        Client c = boundSession(t);
        assertThat(c.pcrReset(t)).isEqualTo(TpmRc.SUCCESS);
        var saved = t.run(new ContextSave(c.handle)).orThrow().context();
        Client other = boundSession(t);   // a loaded one beside it: handles must not collide after the move

        TestTpm r = migrate(t);
        assertThat(r.run(new ContextLoad(saved)).orThrow().loadedHandle()).isEqualTo(c.handle);
        assertThat(c.pcrReset(r)).isEqualTo(TpmRc.SUCCESS);
        assertThat(other.pcrReset(r)).isEqualTo(TpmRc.SUCCESS);
        assertThat(r.run(new ContextLoad(saved)).rc()).isEqualTo(TpmRc.HANDLE.atParameter(1));
        // a new session gets a handle of its own
        Client third = boundSession(r);
        assertThat(third.handle).isNotIn(c.handle, other.handle);
        assertThat(third.pcrReset(r)).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void blobRoundTrip_isStable() {
        TestTpm t = TestTpm.started();
        int seq = t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA1)).orThrow().sequenceHandle();
        t.run(new SequenceUpdate(seq, Bytes.wrap(new byte[10]))).orThrow();
        int policy = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, TpmSe.POLICY, TpmtSymDef.NULL,
                TpmAlg.SHA256)).orThrow().sessionHandle();
        t.run(new PolicyCommandCode(policy, 0x129)).orThrow();
        int audit = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, TpmSe.HMAC,
                new TpmtSymDef(TpmAlg.AES, new TpmuSymKeyBits.Aes(128), new TpmuSymMode.Block(TpmAlg.AES, TpmAlg.CFB)), TpmAlg.SHA384)).orThrow().sessionHandle();
        t.state().sessions.get(audit).startAudit();
        t.state().exclusiveAuditSession = audit;
        t.state().contextCounter = 77;
        t.state().selfHealAnchor = 5;
        t.state().lockoutAnchor = 6;
        t.run(new ContextSave(policy)).orThrow();
        byte[] blob = VolatileState.serialize(t.state());
        TestTpm other = new TestTpm();
        other.state().persistent = t.state().persistent;
        VolatileState.restore(other.state(), blob);
        assertThat(VolatileState.serialize(other.state())).isEqualTo(blob);
        assertThat(other.state().exclusiveAuditSession).isEqualTo(audit);
        assertThat(other.state().sessions.get(audit).audit()).isTrue();
        assertThat(other.state().sessions.get(audit).symmetric()).isEqualTo(TpmAlg.AES);
        assertThat(other.state().sessions.savedSequence(policy)).isEqualTo(77L);
        assertThat(other.state().contextCounter).isEqualTo(78);
        assertThat(other.state().selfHealAnchor).isEqualTo(5);
        assertThat(other.state().lockoutAnchor).isEqualTo(6);
    }

    @Test
    void version4Blob_restoresWithEmptySlots() {
        TestTpm t = TestTpm.started();
        t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA1)).orThrow();
        byte[] v5 = VolatileState.serialize(t.state());
        int v5Fields = dev.jtpm.types.codec.TpmCodec.encode(VolatileState.V5.of(t.state())).length;
        byte[] v4 = Arrays.copyOf(v5, v5.length - v5Fields);
        java.nio.ByteBuffer.wrap(v4).putInt(4, 4);
        TestTpm other = TestTpm.started();
        other.state().persistent = t.state().persistent;
        other.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA1)).orThrow();
        VolatileState.restore(other.state(), v4);
        assertThat(other.state().objects.count()).isZero();
        assertThat(other.state().sessions.activeCount()).isZero();
        assertThat(other.state().pcrs.updateCounter()).isEqualTo(t.state().pcrs.updateCounter());
    }

    @Test
    void corruptV5Fields_giveFailure() {
        TestTpm t = TestTpm.started();
        t.run(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA1)).orThrow();
        byte[] blob = VolatileState.serialize(t.state());
        byte[] cut = Arrays.copyOf(blob, blob.length - 3);
        TestTpm other = new TestTpm();
        other.state().persistent = t.state().persistent;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VolatileState.restore(other.state(), cut))
                .isInstanceOf(dev.jtpm.types.TpmFailure.class);
    }
}
