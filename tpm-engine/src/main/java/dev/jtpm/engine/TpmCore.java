package dev.jtpm.engine;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.command.hash.Drtm;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.session.CommandAudit;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.engine.state.PcrBanks;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.engine.state.VolatileState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.command.CommandTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The body of {@link Tpm}: life cycle, state loading and committing, and the fixed command
 * pipeline (header → handles → authorization area → parameters → handler → response).
 */
final class TpmCore {
    private static final Logger LOG = Logger.getLogger(TpmCore.class.getName());
    /** MAX_COMMAND_SIZE and MAX_RESPONSE_SIZE. */
    static final int MAX_COMMAND_SIZE = 4096;
    static final Handlers HANDLERS = new Handlers();

    private final Platform platform;
    private TpmState state;
    private boolean poweredOn;
    private boolean failureMode;
    private int lastCommandCode;
    /** The front-end's buffer size ({@link Tpm#setBufferSize}), reported from the next init. */
    int bufferSize = MAX_COMMAND_SIZE;

    private final TpmProfile profile;

    TpmCore(Platform platform, TpmProfile profile) {
        this.platform = platform;
        this.profile = profile;
    }

    // ---------------------------------------------------------------- life cycle

    boolean init() {
        poweredOn = true;
        failureMode = false;
        lastCommandCode = 0;
        TpmState s = new TpmState(platform);
        s.bufferSize = bufferSize;
        try {
            byte[] perm = platform.nv().load(StateKind.PERMANENT);
            if (perm == null) {
                s.persistent = PersistentState.manufacture(platform.entropy(), profile.pcrBanks());
                platform.nv().store(StateKind.PERMANENT, s.persistent.serialize());
            } else {
                s.persistent = PersistentState.deserialize(perm);
            }
            s.initMillis = platform.millis().getAsLong();
            s.setClock(s.persistent.clock);
            s.selfHealAnchor = s.clock();
            s.lockoutAnchor = s.clock();
            s.pcrs = new PcrBanks(s.persistent.pcrAllocation);
            s.nullProof = Secret.of(s.random(64).unsafeArray());
            s.commit = dev.jtpm.engine.state.CommitState.reset(platform.entropy());
            byte[] vol = platform.nv().load(StateKind.VOLATILE);
            if (vol != null) VolatileState.restore(s, vol);
            state = s;
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "TPM state could not be loaded; entering failure mode", e);
            state = s;
            failureMode = true;
            s.failureMode = true;
            return false;
        }
    }

    void powerOff() {
        poweredOn = false;
        state = null;
    }

    boolean isPoweredOn() { return poweredOn; }

    boolean isStarted() { return poweredOn && state != null && state.started; }

    int lastCommandCode() { return lastCommandCode; }

    TpmState state() { return state; }

    // ---------------------------------------------------------------- D-RTM, established flag

    /** _TPM_Hash_Start; like libtpms, it sets the TPM-established flag at once. */
    void hashStart() {
        if (!usable()) return;
        guarded(() -> {
            Drtm.start(state);
            if (!state.persistent.tpmEstablished) {
                state.persistent.tpmEstablished = true;
                commitPersistent();
            }
        });
    }

    void hashData(byte[] data) { if (usable()) guarded(() -> Drtm.data(state, data)); }

    void hashEnd() {
        if (!usable()) return;
        guarded(() -> {
            if (Drtm.end(state)) commitPersistent();   // restartCount may have changed
        });
    }

    boolean tpmEstablished() { return usable() && state.persistent.tpmEstablished; }

    boolean resetEstablished(int locality) {
        if (locality != 3 && locality != 4) return false;
        if (usable() && state.persistent.tpmEstablished) {
            state.persistent.tpmEstablished = false;
            guarded(this::commitPersistent);
        }
        return true;
    }

    private boolean usable() { return poweredOn && state != null && !failureMode && state.persistent != null; }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            enterFailureMode(e);
        }
    }

    // ---------------------------------------------------------------- state blobs

    void storeVolatile() throws IOException {
        byte[] v = volatileState();
        if (v != null) platform.nv().store(StateKind.VOLATILE, v);
    }

    byte[] volatileState() { return usable() ? VolatileState.serialize(state) : null; }

    byte[] permanentState() {
        if (usable()) {
            state.persistent.clock = state.clock();
            return state.persistent.serialize();
        }
        try {
            return platform.nv().load(StateKind.PERMANENT);
        } catch (IOException e) {
            return null;
        }
    }

    private void commitPersistent() {
        state.persistentPending = false;
        state.persistent.clock = state.clock();
        try {
            platform.nv().store(StateKind.PERMANENT, state.persistent.serialize());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void cancel() {}

    private void enterFailureMode(Throwable t) {
        LOG.log(Level.SEVERE, "internal error; TPM enters failure mode", t);
        failureMode = true;
        if (state != null) state.failureMode = true;
    }

    // ---------------------------------------------------------------- the pipeline

    byte[] execute(byte[] command, int locality) {
        if (!poweredOn || state == null) return error(TpmRc.FAILURE);
        try {
            if (state.drtmSequence != null) Drtm.abort(state);   // any command ends a D-RTM sequence
            return executeChecked(command, locality);
        } catch (TpmFailure f) {
            if (state.persistentPending) {               // a dictionary-attack failure is recorded even so
                try {
                    commitPersistent();
                } catch (RuntimeException e) {
                    enterFailureMode(e);
                    return error(TpmRc.FAILURE);
                }
            }
            return error(f.rc());
        } catch (RuntimeException | Error e) {
            enterFailureMode(e);
            return error(TpmRc.FAILURE);
        }
    }

    private byte[] executeChecked(byte[] command, int locality) {
        // header
        if (command.length < 10) throw new TpmFailure(TpmRc.COMMAND_SIZE);
        TpmReader header = new TpmReader(command, 0, 10);
        int tag = header.u16();
        int size = header.u32();
        int cc = header.u32();
        if (tag != TpmSt.NO_SESSIONS && tag != TpmSt.SESSIONS) throw new TpmFailure(TpmRc.BAD_TAG);
        if (size != command.length || size > MAX_COMMAND_SIZE) throw new TpmFailure(TpmRc.COMMAND_SIZE);
        lastCommandCode = cc;
        CommandTable.Entry entry = HANDLERS.table().get(cc);
        if (entry == null) throw new TpmFailure(TpmRc.COMMAND_CODE);
        if (failureMode && cc != TpmCc.GET_TEST_RESULT && cc != TpmCc.GET_CAPABILITY) throw new TpmFailure(TpmRc.FAILURE);
        if (!state.started && cc != TpmCc.STARTUP && !failureMode) throw new TpmFailure(TpmRc.INITIALIZE);
        if (state.started && cc == TpmCc.STARTUP) throw new TpmFailure(TpmRc.INITIALIZE);

        TpmReader body = new TpmReader(command, 10, size - 10);
        // handle area
        int[] handles = new int[entry.handleCount()];
        for (int i = 0; i < handles.length; i++) {
            if (body.remaining() < 4) throw new TpmFailure(TpmRc.INSUFFICIENT);
            handles[i] = body.u32();
        }
        TpmCodec.of(entry.command()).checkHandles(handles);          // TPMI_DH_* types, as unmarshalling does
        for (int i = 0; i < handles.length; i++) Authorization.checkHandleExists(state, handles[i], i + 1);

        // authorization area
        List<Authorization.Session> sessions = List.of();
        if (tag == TpmSt.SESSIONS) {
            sessions = Authorization.parse(body);
        }
        // cpHash is over the parameters as received; decryption works on a copy, made only when a session decrypts
        byte[] receivedParams = java.util.Arrays.copyOfRange(command, body.position(), size);
        Authorization.Checked auth = sessions.isEmpty() && entry.authHandleCount() == 0 ? Authorization.Checked.NONE
                : Authorization.authorize(state, entry, handles, sessions, receivedParams, locality);

        // parameters (decrypted first when a session says so)
        byte[] paramBytes = auth.decryptIndex >= 0 ? receivedParams.clone() : receivedParams;
        Authorization.decryptParameters(state, auth, paramBytes);
        TpmReader params = new TpmReader(paramBytes);
        Record in = TpmCodec.of(entry.command()).readCommand(handles, params);
        if (params.remaining() != 0) throw new TpmFailure(TpmRc.SIZE);

        // what audit needs of the command, with the Names the handles have before it runs (ms-tpm: ParseSessionBuffer)
        Bytes auditCpHash = Authorization.auditCpHash(state, auth, cc, handles, receivedParams);
        Bytes commandAuditCpHash = state.persistent != null && CommandAudit.isAudited(state, cc)
                ? Authorization.cpHash(CommandAudit.hashAlg(state), cc, state, handles, receivedParams) : null;

        // handler
        CommandContext ctx = new CommandContext(state, locality, cc);
        @SuppressWarnings({"unchecked", "rawtypes"})
        CommandHandler<Record, Record> handler = (CommandHandler) HANDLERS.handler((Class) entry.command());
        Record out = handler.execute(in, ctx);

        // a command after Shutdown that changes state voids the orderly shutdown
        // (read-only first: in failure mode the persistent state may be missing)
        if (!ReadOnlyCommands.is(cc) && cc != TpmCc.SHUTDOWN && cc != TpmCc.STARTUP
                && state.persistent.orderlyState != PersistentState.SU_NONE) {
            state.persistent.orderlyState = PersistentState.SU_NONE;
            state.persistent.orderlyData = Bytes.EMPTY;
            ctx.persistentChanged();
        }

        // response
        TpmWriter w = new TpmWriter(64);
        w.u16(tag).u32(0).u32(TpmRc.SUCCESS.value());
        @SuppressWarnings({"unchecked", "rawtypes"})
        TpmCodec.RecordCodec<Record> oc = (TpmCodec.RecordCodec) TpmCodec.of(entry.response());
        for (int h : oc.handles(out)) w.u32(h);
        TpmWriter pw = new TpmWriter(64);
        oc.writeParameters(pw, out);
        byte[] responseParams = pw.toByteArray();
        if (tag == TpmSt.SESSIONS) Authorization.prepareResponse(state, auth, responseParams);
        if (cc != TpmCc.STARTUP && cc != TpmCc.CONTEXT_SAVE && cc != TpmCc.CONTEXT_LOAD && cc != TpmCc.FLUSH_CONTEXT) {
            Authorization.audit(state, auth, cc, auditCpHash, responseParams);   // sessions not allowed there
        }
        if (commandAuditCpHash != null && state.persistent != null && CommandAudit.isAudited(state, cc)) {
            CommandAudit.record(state, commandAuditCpHash, Authorization.rpHash(CommandAudit.hashAlg(state), cc, responseParams));
        }
        // once, after command audit (its counter is persistent), and only for a command that succeeded
        if (ctx.isPersistentChanged() || state.persistentPending) commitPersistent();
        if (tag == TpmSt.SESSIONS) {
            w.u32(responseParams.length).bytes(responseParams);
            Authorization.writeResponseSessions(state, w, auth, cc, responseParams);
        } else {
            w.bytes(responseParams);
        }
        if (w.position() > MAX_COMMAND_SIZE) throw new IllegalStateException("response too large for cc " + cc);
        w.patchU32(2, w.position());
        return w.toByteArray();
    }

    /** A 10-byte error response. */
    static byte[] error(TpmRc rc) {
        return new TpmWriter(10).u16(TpmSt.NO_SESSIONS).u32(10).u32(rc.value()).toByteArray();
    }
}
