package dev.jtpm.server.pipe;

import dev.jtpm.types.TpmDevice;
import dev.jtpm.wire.TpmHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code jtpm pipe}: TPM commands from a stream (framed by the size in their own header), each response written
 * to another stream — tpm2-tss' command TCTI ({@code -T "cmd:jtpm pipe …"}), also through {@code ssh}. What the
 * client created and left loaded (transient objects, sessions, sequences) is flushed at the end of the stream, as a
 * resource manager flushes a closed connection's handles. A frame whose size cannot be a command gets the TPM's
 * TPM_RC_COMMAND_SIZE answer and ends the pipe (the stream cannot be resynchronized); so does a truncated frame.
 */
public final class StdioPipe {
    /** Commands whose response carries a new handle (Part 3: CreatePrimary, Load, … ContextLoad). */
    private static final Set<Integer> CREATE_HANDLE = Set.of(0x131, 0x157, 0x167, 0x191, 0x176, 0x186, 0x15B, 0x161);
    private static final int FLUSH_CONTEXT = 0x165;

    private final TpmDevice tpm;
    private final Set<Integer> created = new LinkedHashSet<>();

    /** A pipe in front of {@code tpm}. */
    public StdioPipe(TpmDevice tpm) {
        this.tpm = tpm;
    }

    /** Why the pipe ended. */
    public enum End { EOF, MALFORMED }

    /**
     * Serves until end of stream or a malformed frame, then flushes what was left loaded.
     *
     * @throws IOException when the backend or the output fails
     */
    public End run(InputStream in, OutputStream out) throws IOException {
        try {
            while (true) {
                byte[] header = in.readNBytes(10);
                if (header.length == 0) return End.EOF;
                long size = header.length < 6 ? -1 : Integer.toUnsignedLong(dev.jtpm.wire.BigEndian.u32(header, 2));
                if (header.length < 10 || size < 10 || size > TpmHeader.MAX_COMMAND_SIZE) {
                    out.write(TpmHeader.errorResponse(TpmHeader.RC_COMMAND_SIZE));
                    out.flush();
                    return End.MALFORMED;
                }
                byte[] rest = in.readNBytes((int) size - 10);
                if (rest.length != size - 10) {
                    out.write(TpmHeader.errorResponse(TpmHeader.RC_COMMAND_SIZE));
                    out.flush();
                    return End.MALFORMED;
                }
                byte[] cmd = new byte[(int) size];
                System.arraycopy(header, 0, cmd, 0, 10);
                System.arraycopy(rest, 0, cmd, 10, rest.length);
                byte[] rsp = tpm.execute(cmd, 0);
                track(cmd, rsp);
                out.write(rsp);
                out.flush();
            }
        } finally {
            flushLeftovers();
        }
    }

    /** Handles the client made and has not flushed (for tests). */
    public Set<Integer> leftovers() { return Set.copyOf(created); }

    private void track(byte[] cmd, byte[] rsp) {
        if (rsp.length < 10 || TpmHeader.responseCode(rsp) != 0) return;
        int cc = dev.jtpm.wire.BigEndian.u32(cmd, 6);
        if (CREATE_HANDLE.contains(cc) && rsp.length >= 14) {
            int h = dev.jtpm.wire.BigEndian.u32(rsp, 10);
            if (h >>> 24 == 0x80 || h >>> 24 == 0x02 || h >>> 24 == 0x03) created.add(h);
        } else if (cc == FLUSH_CONTEXT && cmd.length >= 14) {
            created.remove(dev.jtpm.wire.BigEndian.u32(cmd, 10));
        }
    }

    private void flushLeftovers() {
        for (int h : Set.copyOf(created)) {
            byte[] flush = new byte[14];
            dev.jtpm.wire.BigEndian.put32(flush, 2, 14);
            flush[0] = (byte) 0x80;
            flush[1] = 0x01;
            dev.jtpm.wire.BigEndian.put32(flush, 6, FLUSH_CONTEXT);
            dev.jtpm.wire.BigEndian.put32(flush, 10, h);
            try {
                tpm.execute(flush, 0);
            } catch (IOException | RuntimeException ignored) {
                // the backend is gone: nothing is left to flush
            }
            created.remove(h);
        }
    }
}
