package dev.jtpm.server.rm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.ServerLog;
import dev.jtpm.server.backend.Backend;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.ContextLoad;
import dev.jtpm.types.command.ContextSave;
import dev.jtpm.types.command.ContextSaveResponse;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.PolicyGetDigest;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.SequenceComplete;
import dev.jtpm.types.command.SequenceUpdate;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.wire.BigEndian;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resource manager's handle rewriting and context swapping against an in-process TPM (three object slots, three
 * loaded sessions): what fails on the bare TPM works through a space, spaces never see each other's handles,
 * everything is flushed with its space, TPM_RC_CONTEXT_GAP is absorbed, and a backend failure is an answer.
 */
class ResourceManagerTest {
    private static final int HANDLE_1 = TpmRc.HANDLE.atHandle(1).value(); // 0x18B
    private Backend bare;
    private ResourceManager rm;

    @BeforeEach
    void start() throws Exception {
        bare = BackendSpec.parse("--backend", "in-process").open();
        rm = new ResourceManager(BackendLink.over(bare, () -> bare, 60_000), new ResourceManager.Limits(16, 8), ServerLog.NONE);
    }

    @AfterEach
    void stop() throws Exception {
        rm.close();
    }

    static byte[] createPrimary(int n) {
        return CommandBytes.encode(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(new byte[] {(byte) n})),
                Templates.ECC_P256_SRK, Bytes.EMPTY, new TpmlPcrSelection(List.of())));
    }

    static byte[] readPublic(int h) { return CommandBytes.encode(new ReadPublic(h)); }

    static byte[] policySession() {
        return CommandBytes.encode(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.wrap(new byte[16]), Bytes.EMPTY, 0x01,
                TpmtSymDef.NULL, TpmAlg.SHA256));
    }

    static byte[] hmacSession() {
        return CommandBytes.encode(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, Bytes.wrap(new byte[16]), Bytes.EMPTY, 0x00,
                TpmtSymDef.NULL, TpmAlg.SHA256));
    }

    static byte[] flush(int h) { return CommandBytes.encode(new FlushContext(h)); }

    static byte[] handlesCap(int range) { return CommandBytes.encode(new GetCapability(1, range, 64)); }

    static int rc(byte[] rsp) { return BigEndian.u32(rsp, 6); }

    static int handle(byte[] rsp) {
        assertThat(rc(rsp)).as("rc").isZero();
        return BigEndian.u32(rsp, 10);
    }

    static List<Integer> handles(byte[] capRsp) {
        assertThat(rc(capRsp)).isZero();
        List<Integer> out = new ArrayList<>();
        int n = BigEndian.u32(capRsp, 15);
        for (int i = 0; i < n; i++) out.add(BigEndian.u32(capRsp, 19 + 4 * i));
        return out;
    }

    /** The backend's own view (bypassing the RM). */
    List<Integer> backendHandles(int range) throws IOException {
        return handles(bare.execute(handlesCap(range), 0));
    }

    /**
     * Whether the backend still has session {@code h} (loaded or saved), probed by flushing it directly: the engine
     * lists loaded sessions only in GetCapability(HANDLES).
     */
    boolean activeInBackend(int h) throws IOException {
        return rc(bare.execute(flush(h), 0)) == 0;
    }

    byte[] run(Space s, byte[] cmd) { return rm.execute(s, cmd, 0); }

    @Test
    void fourPrimaries_failOnTheBareTpm_allLoadedAndUsedThroughOneSpace() throws Exception {
        List<Integer> direct = new ArrayList<>();
        for (int i = 0; i < 3; i++) direct.add(handle(bare.execute(createPrimary(i), 0)));
        assertThat(rc(bare.execute(createPrimary(3), 0))).isEqualTo(TpmRc.OBJECT_MEMORY.value());
        for (int h : direct) bare.execute(flush(h), 0);

        Space s = rm.openSpace();
        List<Integer> virtual = new ArrayList<>();
        for (int i = 0; i < 5; i++) virtual.add(handle(run(s, createPrimary(i))));
        assertThat(virtual).doesNotHaveDuplicates().allMatch(h -> h >>> 24 == 0x80);
        for (int h : virtual) assertThat(rc(run(s, readPublic(h)))).isZero();
        assertThat(handles(run(s, handlesCap(0x80000000)))).containsExactlyInAnyOrderElementsOf(virtual);
        assertThat(backendHandles(0x80000000)).as("nothing stays loaded between commands").isEmpty();
        for (int h : virtual) assertThat(rc(run(s, flush(h)))).isZero();
        assertThat(handles(run(s, handlesCap(0x80000000)))).isEmpty();
        assertThat(rc(run(s, readPublic(virtual.get(0))))).isEqualTo(HANDLE_1);
        assertThat(rc(run(s, flush(virtual.get(0))))).isEqualTo(TpmRc.HANDLE.atParameter(1).value());
    }

    @Test
    void anotherSpacesHandles_areRefused_andInvisible() {
        Space a = rm.openSpace(), b = rm.openSpace();
        int obj = handle(run(a, createPrimary(0)));
        int session = handle(run(a, policySession()));
        assertThat(rc(run(b, readPublic(obj)))).isEqualTo(HANDLE_1);
        assertThat(rc(run(b, CommandBytes.encode(new PolicyGetDigest(session))))).isEqualTo(TpmRc.REFERENCE_H0.value());
        assertThat(rc(run(b, flush(obj)))).isEqualTo(TpmRc.HANDLE.atParameter(1).value());
        assertThat(rc(run(b, flush(session)))).isEqualTo(TpmRc.HANDLE.atParameter(1).value());
        assertThat(handles(run(b, handlesCap(0x80000000)))).isEmpty();
        assertThat(handles(run(b, handlesCap(0x02000000)))).isEmpty();
        assertThat(handles(run(a, handlesCap(0x80000000)))).containsExactly(obj);
        assertThat(handles(run(a, handlesCap(0x02000000)))).containsExactly(session);
        // and a's are still there and usable
        assertThat(rc(run(a, readPublic(obj)))).isZero();
        assertThat(rc(run(a, CommandBytes.encode(new PolicyGetDigest(session))))).isZero();
    }

    @Test
    void fourSessions_failOnTheBareTpm_liveTogetherThroughOneSpace() throws Exception {
        List<Integer> direct = new ArrayList<>();
        for (int i = 0; i < 3; i++) direct.add(handle(bare.execute(policySession(), 0)));
        assertThat(rc(bare.execute(policySession(), 0))).isEqualTo(TpmRc.SESSION_MEMORY.value());
        for (int h : direct) bare.execute(flush(h), 0);

        Space s = rm.openSpace();
        List<Integer> sessions = new ArrayList<>();
        for (int i = 0; i < 6; i++) sessions.add(handle(run(s, policySession())));
        for (int round = 0; round < 3; round++) {
            for (int h : sessions) assertThat(rc(run(s, CommandBytes.encode(new PolicyGetDigest(h))))).isZero();
        }
        assertThat(backendHandles(0x02000000)).as("none loaded between commands").isEmpty();
        assertThat(backendHandles(0x03000000)).as("all six saved between commands (listed as 0x02xxxxxx, as ms-tpm lists them)")
                .hasSize(6).allMatch(h -> h >>> 24 == 0x02);
        rm.closeSpace(s);
        for (int h : sessions) assertThat(activeInBackend(h)).as("flushed with the space").isFalse();
    }

    @Test
    void hmacSession_inTheAuthorizationArea_isLoadedAndKept() {
        Space s = rm.openSpace(), other = rm.openSpace();
        int session = handle(run(s, hmacSession()));
        byte[] cmd = withSession(createPrimary(7), session);
        int key = handle(run(s, cmd));
        assertThat(rc(run(s, readPublic(key)))).isZero();
        assertThat(handles(run(s, handlesCap(0x02000000)))).containsExactly(session);
        assertThat(rc(run(other, withSession(createPrimary(8), session)))).isEqualTo(TpmRc.REFERENCE_S0.value());
        // continueSession clear: the TPM ends the session, and the space forgets it
        byte[] last = withSession(createPrimary(9), session);
        last[24] = 0; // the session attributes: after handle (18) and the empty nonce's size (22)
        assertThat(rc(run(s, last))).isZero();
        assertThat(handles(run(s, handlesCap(0x02000000)))).isEmpty();
    }

    /**
     * The command (encoded with one password session) with that session replaced by {@code session}, continueSession
     * set, an empty nonce and an empty HMAC (an unbound, unsalted session for an entity with an empty authValue).
     */
    static byte[] withSession(byte[] pwCommand, int session) {
        byte[] c = pwCommand.clone();
        // header 10, one handle 4, authSize 4, then the session: handle at 18
        assertThat(BigEndian.u32(c, 18)).isEqualTo(TpmRh.RS_PW);
        BigEndian.put32(c, 18, session);
        return c;
    }

    @Test
    void contextSaveOfAVirtualObject_loadsBackIntoANewVirtualHandle() {
        Space s = rm.openSpace();
        int h = handle(run(s, createPrimary(0)));
        byte[] saved = run(s, CommandBytes.encode(new ContextSave(h)));
        assertThat(rc(saved)).isZero();
        var ctx = CommandBytes.decode(ContextSaveResponse.class, saved).orThrow().context();
        int again = handle(run(s, CommandBytes.encode(new ContextLoad(ctx))));
        assertThat(again).isNotEqualTo(h);
        assertThat(rc(run(s, readPublic(again)))).isZero();
        assertThat(rc(run(s, readPublic(h)))).as("the original stays").isZero();
        assertThat(handles(run(s, handlesCap(0x80000000)))).containsExactlyInAnyOrder(h, again);
    }

    @Test
    void contextSaveOfASession_handsItToTheClient_andContextLoadAdoptsIt() throws Exception {
        Space a = rm.openSpace(), b = rm.openSpace();
        int session = handle(run(a, policySession()));
        byte[] saved = run(a, CommandBytes.encode(new ContextSave(session)));
        assertThat(rc(saved)).isZero();
        assertThat(handles(run(a, handlesCap(0x02000000)))).as("the client holds it now").isEmpty();
        rm.closeSpace(a); // the session outlives its space, as a tpm2-tools session file does: b loads it
        var ctx = CommandBytes.decode(ContextSaveResponse.class, saved).orThrow().context();
        assertThat(handle(run(b, CommandBytes.encode(new ContextLoad(ctx))))).isEqualTo(session);
        assertThat(rc(run(b, CommandBytes.encode(new PolicyGetDigest(session))))).isZero();
        Space c = rm.openSpace();
        assertThat(rc(run(c, CommandBytes.encode(new ContextLoad(ctx))))).as("b holds it now")
                .isEqualTo(TpmRc.HANDLE.atParameter(1).value());
        // a made-up GetCapability(HANDLES) answer cannot carry a session: refused with one
        assertThat(rc(run(b, CommandBytes.encode(new GetCapability(1, 0x02000000, 8), List.of(Bytes.EMPTY)))))
                .isEqualTo(TpmRc.AUTH_CONTEXT.value());
        rm.closeSpace(b);
        assertThat(activeInBackend(session)).isFalse();
    }

    @Test
    void sequenceObject_isVirtual_andLeavesTheSpaceWhenCompleted() throws Exception {
        Space s = rm.openSpace();
        int seq = handle(run(s, CommandBytes.encode(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA256))));
        assertThat(seq >>> 24).isEqualTo(0x80);
        assertThat(rc(run(s, CommandBytes.encode(new SequenceUpdate(seq, Bytes.wrap("abc".getBytes())))))).isZero();
        // jtpm's engine cannot save a hash state (ContextSave answers TPM_RC_TYPE): the RM keeps it loaded for the space
        assertThat(rc(run(rm.openSpace(), readPublic(seq)))).isEqualTo(HANDLE_1);
        byte[] done = run(s, CommandBytes.encode(new SequenceComplete(seq, Bytes.EMPTY, TpmRh.NULL)));
        assertThat(rc(done)).isZero();
        assertThat(handles(run(s, handlesCap(0x80000000)))).isEmpty();
        assertThat(backendHandles(0x80000000)).isEmpty();
        int another = handle(run(s, CommandBytes.encode(new HashSequenceStart(Bytes.EMPTY, TpmAlg.SHA256))));
        rm.closeSpace(s);
        assertThat(backendHandles(0x80000000)).as("flushed with its space: " + another).isEmpty();
    }

    @Test
    void limits_answerObjectAndSessionMemory() {
        rm.close();
        bare = reopen();
        rm = new ResourceManager(BackendLink.over(bare, () -> bare, 60_000), new ResourceManager.Limits(2, 1), ServerLog.NONE);
        Space s = rm.openSpace();
        handle(run(s, createPrimary(0)));
        handle(run(s, createPrimary(1)));
        assertThat(rc(run(s, createPrimary(2)))).isEqualTo(TpmRc.OBJECT_MEMORY.value());
        handle(run(s, policySession()));
        assertThat(rc(run(s, policySession()))).isEqualTo(TpmRc.SESSION_MEMORY.value());
        assertThat(handle(run(rm.openSpace(), createPrimary(3)))).as("another space has its own limits").isNotZero();
    }

    private static Backend reopen() {
        try {
            return BackendSpec.parse("--backend", "in-process").open();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void closedSpace_leavesNothingInTheBackend() throws Exception {
        Space s = rm.openSpace();
        for (int i = 0; i < 4; i++) handle(run(s, createPrimary(i)));
        List<Integer> sessions = new ArrayList<>();
        for (int i = 0; i < 4; i++) sessions.add(handle(run(s, policySession())));
        rm.closeSpace(s);
        assertThat(backendHandles(0x80000000)).isEmpty();
        for (int h : sessions) assertThat(activeInBackend(h)).isFalse();
        assertThat(rc(run(s, CommandBytes.encode(new GetCapability(1, 0x80000000, 1))))).isEqualTo(TpmRc.FAILURE.value());
    }

    @Test
    void unknownCommandCode_isRefused() {
        byte[] cmd = createPrimary(0);
        BigEndian.put32(cmd, 6, 0x20000000); // a vendor command
        assertThat(rc(run(rm.openSpace(), cmd))).isEqualTo(TpmRc.COMMAND_CODE.value());
    }

    @Test
    void contextGap_isAbsorbedByResavingTheOldestSession() throws Exception {
        rm.close();
        Backend inner = reopen();
        GapLimitedBackend gapped = new GapLimitedBackend(inner, 8);
        bare = inner;
        rm = new ResourceManager(BackendLink.over(gapped, () -> gapped, 60_000), ResourceManager.Limits.DEFAULT, ServerLog.NONE);
        Space quiet = rm.openSpace(), busy = rm.openSpace();
        int old1 = handle(run(quiet, policySession()));
        int old2 = handle(run(quiet, policySession()));
        int mine = handle(run(busy, policySession()));
        for (int i = 0; i < 40; i++) {
            assertThat(rc(run(busy, CommandBytes.encode(new PolicyGetDigest(mine))))).as("command " + i).isZero();
        }
        assertThat(gapped.gaps.get()).as("the simulated gap was hit").isPositive();
        assertThat(rc(run(quiet, CommandBytes.encode(new PolicyGetDigest(old1))))).isZero();
        assertThat(rc(run(quiet, CommandBytes.encode(new PolicyGetDigest(old2))))).isZero();
    }

    @Test
    void backendFailure_isAnsweredFailure_andTheNextCommandWorks() {
        rm.close();
        Backend inner = reopen();
        AtomicInteger failNext = new AtomicInteger();
        Backend flaky = new Backend() {
            @Override
            public byte[] execute(byte[] command, int locality) throws IOException {
                if (failNext.getAndSet(0) == 1) throw new IOException("connection reset");
                return inner.execute(command, locality);
            }

            @Override public String describe() { return "flaky"; }

            @Override public void close() { }
        };
        rm = new ResourceManager(BackendLink.over(flaky, () -> flaky, 60_000), ResourceManager.Limits.DEFAULT, ServerLog.NONE);
        Space s = rm.openSpace();
        int h = handle(run(s, createPrimary(0)));
        failNext.set(1);
        assertThat(rc(run(s, readPublic(h)))).isEqualTo(TpmRc.FAILURE.value());
        assertThat(rc(run(s, CommandBytes.encode(new GetCapability(6, 0x100, 1))))).isZero();
    }

    /**
     * A backend that answers TPM_RC_CONTEXT_GAP as ms-tpm does once the newest context would be more than
     * {@code limit} saves ahead of the oldest saved session (the engine's own counter is 64 bits wide and never
     * reaches its gap, so the test narrows it).
     */
    static final class GapLimitedBackend implements Backend {
        private final Backend inner;
        private final long limit;
        private final Map<Integer, Long> savedSessions = new HashMap<>();
        private long newest;
        final AtomicInteger gaps = new AtomicInteger();

        GapLimitedBackend(Backend inner, long limit) {
            this.inner = inner;
            this.limit = limit;
        }

        @Override
        public synchronized byte[] execute(byte[] command, int locality) throws IOException {
            int cc = BigEndian.u32(command, 6);
            int h = command.length >= 14 ? BigEndian.u32(command, 10) : 0;
            boolean sessionSave = cc == TpmCc.CONTEXT_SAVE && ResourceManager.isSession(h);
            if (sessionSave) {
                long oldest = savedSessions.entrySet().stream().filter(e -> e.getKey() != h).mapToLong(Map.Entry::getValue)
                        .min().orElse(newest);
                if (newest - oldest >= limit) {
                    gaps.incrementAndGet();
                    return ResourceManager.error(TpmRc.CONTEXT_GAP);
                }
            }
            byte[] rsp = inner.execute(command, locality);
            if (BigEndian.u32(rsp, 6) != 0) return rsp;
            if (sessionSave) {
                long seq = BigEndian.u64(rsp, 10);
                savedSessions.put(h, seq);
                newest = Math.max(newest, seq);
            } else if (cc == TpmCc.CONTEXT_LOAD && ResourceManager.isSession(BigEndian.u32(command, 18))) {
                savedSessions.remove(BigEndian.u32(command, 18));
            } else if (cc == TpmCc.FLUSH_CONTEXT) {
                savedSessions.remove(h);
            }
            return rsp;
        }

        @Override public String describe() { return "gap-limited"; }

        @Override public void close() throws IOException { inner.close(); }
    }
}
