package dev.jtpm.fuzz;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splitting a fuzz input into TPM commands, and the checks every TPM response must pass. */
public final class FuzzFrames {
    private FuzzFrames() {}

    /**
     * The commands in {@code data}, each as long as its header's size field says (clamped to what is left, so a wrong
     * size reaches the engine as a size mismatch), at most {@code max}; a tail shorter than a header is sent as is.
     */
    public static List<byte[]> commands(byte[] data, int max) {
        List<byte[]> out = new ArrayList<>();
        int off = 0;
        while (off < data.length && out.size() < max) {
            int left = data.length - off;
            int n = left;
            if (left >= 10) {
                long size = ByteBuffer.wrap(data, off + 2, 4).getInt() & 0xffffffffL;
                if (size >= 10 && size <= left) n = (int) size;
            }
            out.add(Arrays.copyOfRange(data, off, off + n));
            off += n;
        }
        return out;
    }

    /** Throws when {@code rsp} is not a well-formed TPM 2.0 response to {@code cmd}. */
    public static void checkResponse(byte[] cmd, byte[] rsp) {
        if (rsp == null || rsp.length < 10) throw new AssertionError("short response to " + hex(cmd));
        ByteBuffer b = ByteBuffer.wrap(rsp);
        int tag = b.getShort(0) & 0xffff;
        if (tag != 0x8001 && tag != 0x8002) throw new AssertionError("response tag " + Integer.toHexString(tag) + " to " + hex(cmd));
        if (b.getInt(2) != rsp.length) throw new AssertionError("response size field " + b.getInt(2) + " != " + rsp.length);
        if (tag == 0x8002 && b.getInt(6) != 0) throw new AssertionError("an error response with sessions to " + hex(cmd));
        if (b.getInt(6) != 0 && rsp.length != 10) throw new AssertionError("an error response with a body to " + hex(cmd));
    }

    public static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 64); i++) s.append(String.format("%02x", b[i]));
        return b.length > 64 ? s + "…(" + b.length + ")" : s.toString();
    }
}
