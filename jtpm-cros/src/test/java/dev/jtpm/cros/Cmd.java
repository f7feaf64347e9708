package dev.jtpm.cros;

import java.util.HexFormat;

/** Test helpers: commands written as hex, responses read as hex. */
final class Cmd {
    private Cmd() {}

    static final HexFormat HEX = HexFormat.of();

    /** A command: tag, computed size, cc, then the body given as hex (spaces ignored). */
    static byte[] of(int tag, int cc, String bodyHex) {
        byte[] body = HEX.parseHex(bodyHex.replace(" ", ""));
        byte[] b = new byte[10 + body.length];
        b[0] = (byte) (tag >>> 8);
        b[1] = (byte) tag;
        CommandReader.putU32(b, 2, b.length);
        CommandReader.putU32(b, 6, cc);
        System.arraycopy(body, 0, b, 10, body.length);
        return b;
    }

    static byte[] hex(String h) { return HEX.parseHex(h.replace(" ", "")); }

    static String hex(byte[] b) { return HEX.formatHex(b); }

    static int rc(byte[] rsp) { return CommandReader.u32(rsp, 6); }

    static String u32(int v) { return String.format("%08x", v); }

    static String u16(int v) { return String.format("%04x", v); }
}
