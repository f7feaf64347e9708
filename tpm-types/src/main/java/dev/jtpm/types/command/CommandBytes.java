package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import java.util.List;

/**
 * Turns command records into command bytes and response bytes into response records, the
 * client-side half of the pipeline. Authorization here is by password (TPM_RS_PW) only.
 */
public final class CommandBytes {
    private CommandBytes() {}

    /** A response: the code, and the decoded record when the code is TPM_RC_SUCCESS. */
    public record Result<R extends Record>(TpmRc rc, R response) {
        public boolean ok() { return rc.value() == 0; }

        /** The response, or a {@link TpmFailure} carrying the code. */
        public R orThrow() {
            if (!ok()) throw new TpmFailure(rc);
            return response;
        }
    }

    private static <C extends Record> int code(C command) {
        int cc = dev.jtpm.types.codec.WireShapes.of(command.getClass()).commandCode();
        if (cc < 0) throw new IllegalArgumentException(command.getClass() + " has no @CommandCode");
        return cc;
    }

    /** The command with no sessions, or with one password session per entry of {@code passwords}. */
    public static <C extends Record & TpmCommand<?>> byte[] encode(C command, List<Bytes> passwords) {
        @SuppressWarnings("unchecked")
        TpmCodec.RecordCodec<C> codec = (TpmCodec.RecordCodec<C>) TpmCodec.of(command.getClass());
        boolean sessions = !passwords.isEmpty();
        TpmWriter w = new TpmWriter(64);
        w.u16(sessions ? TpmSt.SESSIONS : TpmSt.NO_SESSIONS).u32(0).u32(code(command));
        for (int h : codec.handles(command)) w.u32(h);
        if (sessions) {
            int at = w.position();
            w.u32(0);
            for (Bytes pw : passwords) w.u32(TpmRh.RS_PW).u16(0).u8(1).sized(pw);
            w.patchU32(at, w.position() - at - 4);
        }
        codec.writeParameters(w, command);
        w.patchU32(2, w.position());
        return w.toByteArray();
    }

    /** The command with password sessions for each handle that needs authorization (all empty passwords). */
    public static <C extends Record & TpmCommand<?>> byte[] encode(C command) {
        CommandTable.Entry e = new CommandTable(command.getClass()).get(code(command));
        return encode(command, java.util.Collections.nCopies(e.authHandleCount(), Bytes.EMPTY));
    }

    /** Decodes the response to {@code command}. */
    @SuppressWarnings("unchecked")
    public static <R extends Record, C extends Record & TpmCommand<R>> Result<R> decode(C command, byte[] response) {
        CommandTable.Entry e = new CommandTable(command.getClass()).get(code(command));
        return (Result<R>) decode((Class<R>) e.response(), response);
    }

    /** Decodes a response of the given record type. */
    public static <R extends Record> Result<R> decode(Class<R> responseType, byte[] response) {
        TpmReader r = new TpmReader(response);
        int tag = r.u16();
        int size = r.u32();
        TpmRc rc = new TpmRc(r.u32());
        if (size != response.length) throw new TpmFailure(TpmRc.SIZE);
        if (rc.value() != 0) return new Result<>(rc, null);
        TpmCodec.RecordCodec<R> codec = TpmCodec.of(responseType);
        int[] handles = new int[codec.handleCount()];
        for (int i = 0; i < handles.length; i++) handles[i] = r.u32();
        TpmReader params = r;
        if (tag == TpmSt.SESSIONS) {
            int paramSize = r.u32();
            params = r.slice(paramSize);
        }
        R v = codec.readCommand(handles, params);
        return new Result<>(rc, v);
    }
}
