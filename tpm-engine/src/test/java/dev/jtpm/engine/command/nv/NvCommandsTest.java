package dev.jtpm.engine.command.nv;

import static dev.jtpm.engine.command.nv.NvTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.*;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.structure.TpmsNvPublic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TPM2_NV_* (Part 3, 31): every response code of the handlers, and the authorization rules of NV indices. */
class NvCommandsTest {
    private static final Bytes PW = bytes("index-secret");

    private static TestTpm withIndex(int attributes, int size) {
        TestTpm t = TestTpm.started();
        assertThat(define(t, TpmRh.OWNER, pub(INDEX, attributes, size), PW)).isEqualTo(TpmRc.SUCCESS);
        return t;
    }

    // ---------------------------------------------------------------- define, read public, undefine

    @Test
    void define_readPublic_nameIsNameAlgAndHashOfThePublicArea() {
        TestTpm t = withIndex(OWNER_RW, 32);
        NvReadPublicResponse r = t.run(new NvReadPublic(INDEX)).orThrow();
        assertThat(r.nvPublic()).isEqualTo(pub(INDEX, OWNER_RW, 32));
        Bytes h = TestTpm.hash(TpmAlg.SHA256, TpmCodec.encode(r.nvPublic()));
        assertThat(r.nvName()).isEqualTo(Bytes.wrap(new byte[] {0, 0x0B}).concat(h));
        assertThat(define(t, TpmRh.OWNER, pub(INDEX, OWNER_RW, 32), PW)).isEqualTo(TpmRc.NV_DEFINED);
        t.run(new NvUndefineSpace(TpmRh.OWNER, INDEX)).orThrow();
        assertThat(t.run(new NvReadPublic(INDEX)).rc()).isEqualTo(TpmRc.HANDLE.atHandle(1));
        assertThat(t.run(new NvUndefineSpace(TpmRh.OWNER, INDEX)).rc()).isEqualTo(TpmRc.HANDLE.atHandle(2));
    }

    @Test
    void define_checks_inTheReferenceOrder() {
        TestTpm t = TestTpm.started();
        TpmRc attrs = TpmRc.ATTRIBUTES.atParameter(2);
        assertThat(define(t, TpmRh.OWNER, pub(INDEX, OWNER_RW, 8, Bytes.zeros(20)), Bytes.EMPTY)).isEqualTo(TpmRc.SIZE.atParameter(2));
        assertThat(define(t, TpmRh.OWNER, pub(INDEX, OWNER_RW, 8), Bytes.zeros(33).concat(Bytes.of((byte) 0))))
                .isEqualTo(TpmRc.SUCCESS.equals(TpmRc.SUCCESS) ? TpmRc.SUCCESS : null);   // trailing zeros do not count
        t.run(new NvUndefineSpace(TpmRh.OWNER, INDEX)).orThrow();
        assertThat(define(t, TpmRh.OWNER, pub(INDEX, OWNER_RW, 8), Bytes.wrap(new byte[33]).concat(Bytes.of((byte) 1))))
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(define(t, pub(INDEX, TpmaNv.withType(OWNER_RW, 3), 8))).isEqualTo(attrs);
        assertThat(define(t, pub(INDEX, TpmaNv.withType(OWNER_RW, TpmaNv.NT_EXTEND), 20))).isEqualTo(TpmRc.SIZE.atParameter(2));
        assertThat(define(t, pub(INDEX, TpmaNv.withType(OWNER_RW, TpmaNv.NT_COUNTER), 4))).isEqualTo(TpmRc.SIZE.atParameter(2));
        assertThat(define(t, pub(INDEX, TpmaNv.withType(OWNER_RW | TpmaNv.CLEAR_STCLEAR, TpmaNv.NT_COUNTER), 8))).isEqualTo(attrs);
        assertThat(define(t, pub(INDEX, TpmaNv.withType(OWNER_RW, TpmaNv.NT_PIN_FAIL), 8))).isEqualTo(attrs);
        assertThat(define(t, pub(INDEX, TpmaNv.withType(TpmaNv.OWNERREAD | TpmaNv.AUTHWRITE, TpmaNv.NT_PIN_PASS), 8))).isEqualTo(attrs);
        assertThat(define(t, pub(INDEX, TpmaNv.withType(OWNER_RW | TpmaNv.GLOBALLOCK, TpmaNv.NT_PIN_PASS), 8))).isEqualTo(attrs);
        assertThat(define(t, pub(INDEX, OWNER_RW | TpmaNv.WRITTEN, 8))).isEqualTo(attrs);
        assertThat(define(t, pub(INDEX, OWNER_RW | TpmaNv.WRITELOCKED, 8))).isEqualTo(attrs);
        assertThat(define(t, pub(INDEX, OWNER_RW | TpmaNv.READLOCKED, 8))).isEqualTo(attrs);
        assertThat(define(t, pub(INDEX, TpmaNv.OWNERWRITE, 8))).isEqualTo(attrs);
        assertThat(define(t, pub(INDEX, TpmaNv.OWNERREAD, 8))).isEqualTo(attrs);
        assertThat(define(t, pub(INDEX, OWNER_RW | TpmaNv.CLEAR_STCLEAR | TpmaNv.WRITEDEFINE, 8))).isEqualTo(attrs);
        assertThat(define(t, TpmRh.OWNER, pub(INDEX, OWNER_RW | TpmaNv.PLATFORMCREATE, 8), Bytes.EMPTY))
                .isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        assertThat(define(t, TpmRh.PLATFORM, pub(INDEX, OWNER_RW, 8), Bytes.EMPTY)).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        assertThat(define(t, pub(INDEX, OWNER_RW | TpmaNv.POLICY_DELETE, 8))).isEqualTo(attrs);
        assertThat(define(t, pub(INDEX, OWNER_RW | TpmaNv.WRITEALL, 1025))).isEqualTo(TpmRc.SIZE.atParameter(2));
        assertThat(define(t, pub(INDEX, OWNER_RW, 2049))).isEqualTo(TpmRc.SIZE.atParameter(2));   // while unmarshalling
        assertThat(define(t, pub(INDEX, OWNER_RW | 0x100, 8))).isEqualTo(TpmRc.RESERVED_BITS.atParameter(2));
        t.run(new HierarchyControl(TpmRh.PLATFORM, TpmRh.PLATFORM_NV, false)).orThrow();
        assertThat(define(t, TpmRh.PLATFORM, pub(INDEX, OWNER_RW | TpmaNv.PLATFORMCREATE, 8), Bytes.EMPTY))
                .isEqualTo(TpmRc.HIERARCHY.atHandle(1));
    }

    @Test
    void define_untilFull_isNvSpace_asLibtpms() {
        TestTpm t = TestTpm.started();
        int n = 0;
        while (define(t, pub(INDEX + n, OWNER_RW, 2048)).equals(TpmRc.SUCCESS)) n++;
        assertThat(n).isEqualTo(68);
        assertThat(define(t, pub(INDEX + n, OWNER_RW, 2048))).isEqualTo(TpmRc.NV_SPACE);
        int m = 0;
        while (define(t, pub(0x01100000 + m, OWNER_RW, 1)).equals(TpmRc.SUCCESS)) m++;
        assertThat(m).isEqualTo(13);
    }

    @Test
    void orderlyRam_holds512Octets() {
        TestTpm t = TestTpm.started();
        // a 12-octet header and the data per index
        assertThat(define(t, pub(INDEX, OWNER_RW | TpmaNv.ORDERLY, 488))).isEqualTo(TpmRc.SUCCESS);
        assertThat(define(t, pub(INDEX + 1, OWNER_RW | TpmaNv.ORDERLY, 1))).isEqualTo(TpmRc.NV_SPACE);
        assertThat(define(t, pub(INDEX + 1, OWNER_RW, 1))).isEqualTo(TpmRc.SUCCESS);
        t.run(new NvUndefineSpace(TpmRh.OWNER, INDEX)).orThrow();
        assertThat(define(t, pub(INDEX + 2, OWNER_RW | TpmaNv.ORDERLY, 500))).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void undefine_policyDelete_andPlatformCreated() {
        TestTpm t = TestTpm.started();
        Bytes policy = TestTpm.hash(TpmAlg.SHA256, new byte[] {1});
        define(t, TpmRh.PLATFORM, pub(INDEX, OWNER_RW | TpmaNv.PLATFORMCREATE | TpmaNv.POLICY_DELETE, 8, policy), Bytes.EMPTY);
        assertThat(t.run(new NvUndefineSpace(TpmRh.PLATFORM, INDEX)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(2));
        define(t, TpmRh.PLATFORM, pub(INDEX + 1, OWNER_RW | TpmaNv.PLATFORMCREATE, 8), Bytes.EMPTY);
        assertThat(t.run(new NvUndefineSpace(TpmRh.OWNER, INDEX + 1)).rc()).isEqualTo(TpmRc.NV_AUTHORIZATION);
        t.run(new NvUndefineSpace(TpmRh.PLATFORM, INDEX + 1)).orThrow();
        // UndefineSpaceSpecial: the index needs a policy session (ADMIN role)
        assertThat(t.run(new NvUndefineSpaceSpecial(INDEX, TpmRh.PLATFORM)).rc()).isEqualTo(TpmRc.AUTH_TYPE.atSession(1));
        int s = session(t, TpmSe.POLICY);
        assertThat(runWith(t, new NvUndefineSpaceSpecial(INDEX, TpmRh.PLATFORM), s, Bytes.EMPTY).rc())
                .isEqualTo(TpmRc.POLICY_FAIL.atSession(1));
        t.run(new FlushContext(s)).orThrow();
        int trial = session(t, TpmSe.TRIAL);
        t.run(new PolicyCommandCode(trial, TpmCc.NV_UNDEFINE_SPACE_SPECIAL)).orThrow();
        Bytes p2 = digest(t, trial);
        define(t, TpmRh.PLATFORM, pub(INDEX + 2, OWNER_RW | TpmaNv.PLATFORMCREATE | TpmaNv.POLICY_DELETE, 8, p2), Bytes.EMPTY);
        define(t, TpmRh.PLATFORM, pub(INDEX + 3, OWNER_RW | TpmaNv.PLATFORMCREATE, 8, p2), Bytes.EMPTY);
        t.run(new FlushContext(trial)).orThrow();
        int s3 = session(t, TpmSe.POLICY);
        t.run(new PolicyCommandCode(s3, TpmCc.NV_UNDEFINE_SPACE_SPECIAL)).orThrow();
        assertThat(runWith(t, new NvUndefineSpaceSpecial(INDEX + 3, TpmRh.PLATFORM), s3, Bytes.EMPTY).rc())
                .isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        int s2 = session(t, TpmSe.POLICY);
        t.run(new PolicyCommandCode(s2, TpmCc.NV_UNDEFINE_SPACE_SPECIAL)).orThrow();
        assertThat(runWith(t, new NvUndefineSpaceSpecial(INDEX + 2, TpmRh.PLATFORM), s2, Bytes.EMPTY).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new NvReadPublic(INDEX + 2)).rc()).isEqualTo(TpmRc.HANDLE.atHandle(1));
    }

    // ---------------------------------------------------------------- write and read

    @Test
    void write_read_byOwnerAndByIndexAuth() {
        TestTpm t = withIndex(OWNER_RW | AUTH_RW, 16);
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 4, 0)).rc()).isEqualTo(TpmRc.NV_UNINITIALIZED);
        t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("abcd"), 2)).orThrow();
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 16, 0)).orThrow().data())
                .isEqualTo(Bytes.fromHex("ffff61626364ffffffffffffffffffff"));   // the rest erased, as libtpms
        assertThat(t.run(new NvRead(INDEX, INDEX, 4, 2), List.of(PW)).orThrow().data()).isEqualTo(bytes("abcd"));
        assertThat(t.run(new NvRead(INDEX, INDEX, 4, 2), List.of(bytes("wrong"))).rc()).isEqualTo(TpmRc.AUTH_FAIL.atSession(1));
        t.run(new NvWrite(INDEX, INDEX, bytes("xy"), 0), List.of(PW)).orThrow();
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 4, 0)).orThrow().data()).isEqualTo(Bytes.fromHex("78796162"));
        // the Name changed with WRITTEN
        assertThat(t.run(new NvReadPublic(INDEX)).orThrow().nvPublic().has(TpmaNv.WRITTEN)).isTrue();
    }

    @Test
    void write_read_rangeAndAccessCodes() {
        TestTpm t = withIndex(TpmaNv.OWNERWRITE | TpmaNv.AUTHREAD | TpmaNv.WRITEALL, 8);
        assertThat(t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("abcd"), 0)).rc()).isEqualTo(TpmRc.NV_RANGE);
        assertThat(t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("abcd"), 9)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("abcd"), 6)).rc()).isEqualTo(TpmRc.NV_RANGE);
        assertThat(t.run(new NvWrite(TpmRh.PLATFORM, INDEX, bytes("abcdefgh"), 0)).rc()).isEqualTo(TpmRc.NV_AUTHORIZATION);
        // the index's own authValue is not available for writing without AUTHWRITE
        assertThat(t.run(new NvWrite(INDEX, INDEX, bytes("abcdefgh"), 0), List.of(PW)).rc())
                .isEqualTo(TpmRc.AUTH_UNAVAILABLE.atSession(1));
        t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("abcdefgh"), 0)).orThrow();
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 8, 0)).rc()).isEqualTo(TpmRc.NV_AUTHORIZATION);
        assertThat(t.run(new NvRead(INDEX, INDEX, 1025, 0), List.of(PW)).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(t.run(new NvRead(INDEX, INDEX, 1, 9), List.of(PW)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(t.run(new NvRead(INDEX, INDEX, 2, 7), List.of(PW)).rc()).isEqualTo(TpmRc.NV_RANGE);
        assertThat(t.run(new NvRead(INDEX, INDEX, 0, 8), List.of(PW)).orThrow().data()).isEqualTo(Bytes.EMPTY);
        // another index's authorization is refused
        define(t, TpmRh.OWNER, pub(INDEX + 1, AUTH_RW, 8), Bytes.EMPTY);
        assertThat(t.run(new NvRead(INDEX + 1, INDEX, 8, 0)).rc()).isEqualTo(TpmRc.NV_AUTHORIZATION);
        assertThat(t.run(new NvRead(0x01000099, INDEX, 8, 0)).rc()).isEqualTo(TpmRc.HANDLE.atHandle(1));
        assertThat(t.run(new NvRead(0x81000000, INDEX, 8, 0)).rc()).isEqualTo(TpmRc.VALUE.atHandle(1));
        assertThat(t.run(new NvWrite(TpmRh.OWNER, INDEX, Bytes.zeros(1025), 0)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void write_toACounterBitsOrExtend_isAttributes() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, TpmaNv.withType(OWNER_RW, TpmaNv.NT_COUNTER), 8));
        define(t, pub(INDEX + 1, TpmaNv.withType(OWNER_RW, TpmaNv.NT_BITS), 8));
        define(t, pub(INDEX + 2, TpmaNv.withType(OWNER_RW, TpmaNv.NT_EXTEND), 32));
        for (int i = 0; i < 3; i++) {
            assertThat(t.run(new NvWrite(TpmRh.OWNER, INDEX + i, Bytes.zeros(8), 0)).rc()).isEqualTo(TpmRc.ATTRIBUTES);
        }
        assertThat(t.run(new NvIncrement(TpmRh.OWNER, INDEX + 1)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(2));
        assertThat(t.run(new NvSetBits(TpmRh.OWNER, INDEX, 1)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(2));
        assertThat(t.run(new NvExtend(TpmRh.OWNER, INDEX, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(2));
    }

    // ---------------------------------------------------------------- counters, bits, extend

    @Test
    void counter_increments_andANewCounterStartsAboveADeletedOne() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, TpmaNv.withType(OWNER_RW, TpmaNv.NT_COUNTER), 8));
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 8, 0)).rc()).isEqualTo(TpmRc.NV_UNINITIALIZED);
        for (int i = 0; i < 5; i++) t.run(new NvIncrement(TpmRh.OWNER, INDEX)).orThrow();
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 8, 0)).orThrow().data()).isEqualTo(u64(5));
        t.run(new NvUndefineSpace(TpmRh.OWNER, INDEX)).orThrow();
        define(t, pub(INDEX + 1, TpmaNv.withType(OWNER_RW, TpmaNv.NT_COUNTER), 8));
        t.run(new NvIncrement(TpmRh.OWNER, INDEX + 1)).orThrow();
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX + 1, 8, 0)).orThrow().data()).isEqualTo(u64(6));
    }

    @Test
    void setBits_orsIn_andExtend_hashesWithNameAlg() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, TpmaNv.withType(OWNER_RW, TpmaNv.NT_BITS), 8));
        t.run(new NvSetBits(TpmRh.OWNER, INDEX, 0x0F)).orThrow();
        t.run(new NvSetBits(TpmRh.OWNER, INDEX, 0x1F0)).orThrow();
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 8, 0)).orThrow().data()).isEqualTo(u64(0x1FF));
        define(t, pub(INDEX + 1, TpmaNv.withType(OWNER_RW, TpmaNv.NT_EXTEND), 32));
        t.run(new NvExtend(TpmRh.OWNER, INDEX + 1, bytes("one"))).orThrow();
        t.run(new NvExtend(TpmRh.OWNER, INDEX + 1, bytes("two"))).orThrow();
        Bytes first = TestTpm.hash(TpmAlg.SHA256, new byte[32], "one".getBytes());
        Bytes second = TestTpm.hash(TpmAlg.SHA256, first.toArray(), "two".getBytes());
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX + 1, 32, 0)).orThrow().data()).isEqualTo(second);
    }

    // ---------------------------------------------------------------- locks

    @Test
    void writeLock_stClear_untilStartupClear_andWriteDefine_forGood() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, OWNER_RW | TpmaNv.WRITE_STCLEAR, 4));
        define(t, pub(INDEX + 1, OWNER_RW | TpmaNv.WRITEDEFINE, 4));
        define(t, pub(INDEX + 2, OWNER_RW, 4));
        assertThat(t.run(new NvWriteLock(TpmRh.OWNER, INDEX + 2)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(2));
        assertThat(t.run(new NvWriteLock(TpmRh.PLATFORM, INDEX)).rc()).isEqualTo(TpmRc.NV_AUTHORIZATION);
        t.run(new NvWrite(TpmRh.OWNER, INDEX + 1, bytes("abcd"), 0)).orThrow();
        t.run(new NvWriteLock(TpmRh.OWNER, INDEX)).orThrow();
        t.run(new NvWriteLock(TpmRh.OWNER, INDEX)).orThrow();          // locked already: success
        t.run(new NvWriteLock(TpmRh.OWNER, INDEX + 1)).orThrow();
        assertThat(t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("abcd"), 0)).rc()).isEqualTo(TpmRc.NV_LOCKED);
        assertThat(t.run(new NvWrite(TpmRh.OWNER, INDEX + 1, bytes("abcd"), 0)).rc()).isEqualTo(TpmRc.NV_LOCKED);
        powerCycle(t, TpmSu.CLEAR);
        t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("abcd"), 0)).orThrow();
        assertThat(t.run(new NvWrite(TpmRh.OWNER, INDEX + 1, bytes("abcd"), 0)).rc()).isEqualTo(TpmRc.NV_LOCKED);
    }

    @Test
    void globalWriteLock_locksGlobalLockIndices() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, OWNER_RW | TpmaNv.GLOBALLOCK, 4));
        define(t, pub(INDEX + 1, OWNER_RW | TpmaNv.GLOBALLOCK | TpmaNv.ORDERLY, 4));
        define(t, pub(INDEX + 2, OWNER_RW, 4));
        t.run(new NvGlobalWriteLock(TpmRh.OWNER)).orThrow();
        assertThat(t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("a"), 0)).rc()).isEqualTo(TpmRc.NV_LOCKED);
        assertThat(t.run(new NvWrite(TpmRh.OWNER, INDEX + 1, bytes("a"), 0)).rc()).isEqualTo(TpmRc.NV_LOCKED);
        t.run(new NvWrite(TpmRh.OWNER, INDEX + 2, bytes("a"), 0)).orThrow();
    }

    @Test
    void readLock_untilStartupClear() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, OWNER_RW | TpmaNv.READ_STCLEAR, 4));
        define(t, pub(INDEX + 1, OWNER_RW, 4));
        assertThat(t.run(new NvReadLock(TpmRh.OWNER, INDEX + 1)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(2));
        assertThat(t.run(new NvReadLock(TpmRh.PLATFORM, INDEX)).rc()).isEqualTo(TpmRc.NV_AUTHORIZATION);
        t.run(new NvReadLock(TpmRh.OWNER, INDEX)).orThrow();                 // unwritten: may be locked
        t.run(new NvReadLock(TpmRh.OWNER, INDEX)).orThrow();                 // locked already: success
        t.run(new NvWrite(TpmRh.OWNER, INDEX, bytes("abcd"), 0)).orThrow();
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 4, 0)).rc()).isEqualTo(TpmRc.NV_LOCKED);
        powerCycle(t, TpmSu.STATE);      // a Restart also clears it
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 4, 0)).orThrow().data()).isEqualTo(bytes("abcd"));
    }

    // ---------------------------------------------------------------- authorization

    @Test
    void noDa_indexFailures_areBadAuth_othersAuthFail() {
        TestTpm t = TestTpm.started();
        define(t, TpmRh.OWNER, pub(INDEX, AUTH_RW | TpmaNv.NO_DA, 4), PW);
        assertThat(t.run(new NvWrite(INDEX, INDEX, bytes("a"), 0), List.of(bytes("x"))).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        assertThat(t.state().persistent.failedTries).isZero();
        define(t, TpmRh.OWNER, pub(INDEX + 1, AUTH_RW, 4), PW);
        assertThat(t.run(new NvWrite(INDEX + 1, INDEX + 1, bytes("a"), 0), List.of(bytes("x"))).rc())
                .isEqualTo(TpmRc.AUTH_FAIL.atSession(1));
        assertThat(t.state().persistent.failedTries).isEqualTo(1);
    }

    @Test
    void policyRead_andPolicyWrite_choosePolicyAvailability() {
        TestTpm t = TestTpm.started();
        int trial = session(t, TpmSe.TRIAL);
        t.run(new PolicyAuthValue(trial)).orThrow();
        t.run(new PolicyCommandCode(trial, TpmCc.NV_WRITE)).orThrow();
        Bytes writePolicy = digest(t, trial);
        define(t, TpmRh.OWNER, pub(INDEX, TpmaNv.POLICYWRITE | TpmaNv.OWNERREAD, 4, writePolicy), Bytes.EMPTY);
        int s = session(t, TpmSe.POLICY);
        t.run(new PolicyAuthValue(s)).orThrow();
        t.run(new PolicyCommandCode(s, TpmCc.NV_WRITE)).orThrow();
        // a policy session keeps going (continueSession); authValue is empty, so its HMAC is empty too
        assertThat(runWith(t, new NvWrite(INDEX, INDEX, bytes("ab"), 0), s).rc()).isEqualTo(TpmRc.SUCCESS);
        // for reading, POLICYREAD is CLEAR: no policy available
        int r = session(t, TpmSe.POLICY);
        assertThat(runWith(t, new NvRead(INDEX, INDEX, 2, 0), r).rc()).isEqualTo(TpmRc.AUTH_UNAVAILABLE.atSession(1));
        // and the authValue for writing needs AUTHWRITE
        assertThat(t.run(new NvWrite(INDEX, INDEX, bytes("ab"), 0)).rc()).isEqualTo(TpmRc.AUTH_UNAVAILABLE.atSession(1));
    }

    @Test
    void changeAuth_needsAPolicySession_andTheNewValueThenWorks() {
        TestTpm t = TestTpm.started();
        int trial = session(t, TpmSe.TRIAL);
        t.run(new PolicyCommandCode(trial, TpmCc.NV_CHANGE_AUTH)).orThrow();
        define(t, TpmRh.OWNER, pub(INDEX, AUTH_RW, 4, digest(t, trial)), PW);
        assertThat(t.run(new NvChangeAuth(INDEX, Secret.of(bytes("new"))), List.of(PW)).rc()).isEqualTo(TpmRc.AUTH_TYPE.atSession(1));
        int s = session(t, TpmSe.POLICY);
        t.run(new PolicyCommandCode(s, TpmCc.NV_CHANGE_AUTH)).orThrow();
        assertThat(runWith(t, new NvChangeAuth(INDEX, Secret.of(Bytes.zeros(40).concat(Bytes.of((byte) 1)))), s).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        int s2 = session(t, TpmSe.POLICY);   // s is unchanged by the failed command: its digest would now be wrong
        t.run(new PolicyCommandCode(s2, TpmCc.NV_CHANGE_AUTH)).orThrow();
        assertThat(runWith(t, new NvChangeAuth(INDEX, Secret.of(bytes("new"))), s2).rc()).isEqualTo(TpmRc.SUCCESS);
        t.run(new NvWrite(INDEX, INDEX, bytes("a"), 0), List.of(bytes("new"))).orThrow();
    }

    @Test
    void policyNvWritten_checksTheIndex() {
        TestTpm t = TestTpm.started();
        int trial = session(t, TpmSe.TRIAL);
        t.run(new PolicyNvWritten(trial, false)).orThrow();
        Bytes policy = digest(t, trial);
        define(t, TpmRh.OWNER, pub(INDEX, TpmaNv.POLICYWRITE | TpmaNv.OWNERREAD, 4, policy), Bytes.EMPTY);
        int s = session(t, TpmSe.POLICY);
        t.run(new PolicyNvWritten(s, false)).orThrow();
        assertThat(runWith(t, new NvWrite(INDEX, INDEX, bytes("ab"), 0), s).rc()).isEqualTo(TpmRc.SUCCESS);
        t.run(new PolicyNvWritten(s, false)).orThrow();
        assertThat(runWith(t, new NvWrite(INDEX, INDEX, bytes("ab"), 0), s).rc()).isEqualTo(TpmRc.POLICY_FAIL.atSession(1));
    }

    // ---------------------------------------------------------------- PIN indices

    private static long pin(int count, int limit) { return ((long) count << 32) | limit; }

    @Test
    void pinPass_countsSuccesses_untilTheLimit() {
        TestTpm t = TestTpm.started();
        define(t, TpmRh.OWNER, pub(INDEX, TpmaNv.withType(OWNER_RW | TpmaNv.AUTHREAD | TpmaNv.NO_DA, TpmaNv.NT_PIN_PASS), 8), PW);
        assertThat(t.run(new NvRead(INDEX, INDEX, 8, 0), List.of(PW)).rc()).isEqualTo(TpmRc.AUTH_UNAVAILABLE.atSession(1));
        t.run(new NvWrite(TpmRh.OWNER, INDEX, u64(pin(0, 2)), 0)).orThrow();
        assertThat(t.run(new NvRead(INDEX, INDEX, 8, 0), List.of(PW)).orThrow().data()).isEqualTo(u64(pin(1, 2)));
        assertThat(t.run(new NvRead(INDEX, INDEX, 8, 0), List.of(bytes("x"))).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        assertThat(t.run(new NvRead(INDEX, INDEX, 8, 0), List.of(PW)).orThrow().data()).isEqualTo(u64(pin(2, 2)));
        assertThat(t.run(new NvRead(INDEX, INDEX, 8, 0), List.of(PW)).rc()).isEqualTo(TpmRc.AUTH_UNAVAILABLE.atSession(1));
    }

    @Test
    void pinFail_countsFailures_andASuccessResetsThem() {
        TestTpm t = TestTpm.started();
        define(t, TpmRh.OWNER, pub(INDEX, TpmaNv.withType(OWNER_RW | TpmaNv.NO_DA, TpmaNv.NT_PIN_FAIL), 8), PW);
        t.run(new NvWrite(TpmRh.OWNER, INDEX, u64(pin(0, 2)), 0)).orThrow();
        // a PIN Fail index is authorized with its authValue through PolicySecret-like reads: NV_Read by the index
        assertThat(t.run(new NvRead(INDEX, INDEX, 8, 0), List.of(bytes("x"))).rc()).isEqualTo(TpmRc.BAD_AUTH.atSession(1));
        assertThat(t.run(new NvRead(TpmRh.OWNER, INDEX, 8, 0)).orThrow().data()).isEqualTo(u64(pin(1, 2)));
        assertThat(t.run(new NvRead(INDEX, INDEX, 8, 0), List.of(PW)).orThrow().data()).isEqualTo(u64(pin(0, 2)));
        t.run(new NvRead(INDEX, INDEX, 8, 0), List.of(bytes("x")));
        t.run(new NvRead(INDEX, INDEX, 8, 0), List.of(bytes("x")));
        assertThat(t.run(new NvRead(INDEX, INDEX, 8, 0), List.of(PW)).rc()).isEqualTo(TpmRc.AUTH_UNAVAILABLE.atSession(1));
    }

    // ---------------------------------------------------------------- hierarchy, Clear, capabilities

    @Test
    void ownerIndices_hiddenWhileShDisabled_andGoneAfterClear() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX, OWNER_RW, 4));
        define(t, pub(INDEX + 1, OWNER_RW | TpmaNv.PLATFORMCREATE, 4));
        t.run(new HierarchyControl(TpmRh.PLATFORM, TpmRh.OWNER, false)).orThrow();
        assertThat(t.run(new NvReadPublic(INDEX)).rc()).isEqualTo(TpmRc.HANDLE.atHandle(1));
        t.run(new NvReadPublic(INDEX + 1)).orThrow();
        t.run(new HierarchyControl(TpmRh.PLATFORM, TpmRh.OWNER, true)).orThrow();
        t.run(new Clear(TpmRh.PLATFORM)).orThrow();
        assertThat(t.run(new NvReadPublic(INDEX)).rc()).isEqualTo(TpmRc.HANDLE.atHandle(1));
        t.run(new NvReadPublic(INDEX + 1)).orThrow();
    }

    @Test
    void capabilities_listIndicesAndCounters() {
        TestTpm t = TestTpm.started();
        define(t, pub(INDEX + 2, OWNER_RW, 4));
        define(t, pub(INDEX, TpmaNv.withType(OWNER_RW, TpmaNv.NT_COUNTER), 8));
        var handles = t.run(new GetCapability(dev.jtpm.types.TpmCap.HANDLES, 0x01000000, 10)).orThrow();
        assertThat(handles.capabilityData().toString()).contains("16777217").contains("16777219");
    }

    static void powerCycle(TestTpm t, int shutdown) {
        t.run(new Shutdown(shutdown)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
    }
}
