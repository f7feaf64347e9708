package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.RecordShape;
import dev.jtpm.types.codec.Wire;
import dev.jtpm.types.codec.WireComponent;
import dev.jtpm.types.codec.WireShapes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each command looks like on the wire, derived from its command and response records: handle
 * count, authorization roles, response handle, whether the first parameter can be encrypted.
 * Drives the engine's dispatch, cpHash and TPMA_CC; a resource manager reads it to rewrite handles
 * without decoding parameters.
 */
public final class CommandTable {

    /**
     * One command.
     *
     * @param commandCode TPM_CC
     * @param command the command record type
     * @param response the response record type
     * @param authRoles one role per handle (Part 3 "@" marks)
     * @param responseHandles number of handles in the response (0 or 1)
     * @param decrypt first command parameter is a TPM2B (may be session-encrypted)
     * @param encrypt first response parameter is a TPM2B
     */
    public record Entry(int commandCode, Class<? extends Record> command, Class<? extends Record> response,
                        List<Wire.Auth> authRoles, int responseHandles, boolean decrypt, boolean encrypt) {
        public int handleCount() { return authRoles.size(); }

        /** Number of handles that need an authorization session. */
        public int authHandleCount() { return (int) authRoles.stream().filter(a -> a != Wire.Auth.NONE).count(); }

        /** TPMA_CC (Part 2, 8.9) for this command. */
        public int attributes(boolean nv, boolean flushed) {
            return (commandCode & 0xFFFF) | (nv ? 1 << 22 : 0) | (flushed ? 1 << 24 : 0)
                    | (handleCount() & 7) << 25 | (responseHandles > 0 ? 1 << 28 : 0);
        }
    }

    private final Map<Integer, Entry> byCode = new HashMap<>();
    private final int[] codes;

    /** A table over the given command record types (each carries {@link CommandCode}). */
    @SafeVarargs
    public CommandTable(Class<? extends Record>... commands) {
        for (Class<? extends Record> c : commands) {
            Entry e = entryOf(c);
            if (byCode.put(e.commandCode(), e) != null) throw new IllegalArgumentException("duplicate " + c);
        }
        codes = byCode.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The entry for a TPM_CC, or null if the command is not in the table. */
    public Entry get(int commandCode) { return byCode.get(commandCode); }

    /** All command codes, ascending. */
    public int[] commandCodes() { return codes.clone(); }

    /**
     * True if a component travels as a TPM2B (16-bit size, then octets): {@code Bytes} or
     * {@code Secret} with a 16-bit size, or a {@link Wire.Sized} structure (TPM2B_PUBLIC,
     * TPM2B_SENSITIVE_CREATE, …). Only such a first parameter can be session-encrypted (Part 1, 21).
     */
    private static boolean isTpm2b(WireComponent c) {
        Class<?> t = c.type();
        if (t == Bytes.class) return !c.sizeU8() && c.digestOf() == null;
        return t == dev.jtpm.types.Secret.class || (t.isRecord() && c.sized());
    }

    @SuppressWarnings("unchecked")
    private static Entry entryOf(Class<? extends Record> command) {
        // the shape the build wrote (plain code from the AOT cache), not the annotations: start-up stays fast
        RecordShape shape = WireShapes.of(command);
        if (shape.commandCode() < 0) throw new IllegalArgumentException(command + " has no @CommandCode");
        Class<? extends Record> response = (Class<? extends Record>) shape.response();
        if (response == null) throw new IllegalArgumentException(command + " does not implement TpmCommand<R>");
        List<WireComponent> in = shape.components();
        List<Wire.Auth> roles = new ArrayList<>();
        for (WireComponent c : in) if (c.handle() != null) roles.add(c.handle());
        roles = List.copyOf(roles);
        boolean decrypt = in.size() > roles.size() && isTpm2b(in.get(roles.size()));
        List<WireComponent> out = WireShapes.of(response).components();
        int rh = 0;
        for (WireComponent c : out) if (c.handle() != null) rh++;
        boolean encrypt = out.size() > rh && isTpm2b(out.get(rh));
        // the codecs are built on a command's first use (start-up stays fast); CommandTableTest builds them all
        return new Entry(shape.commandCode(), command, response, roles, rh, decrypt, encrypt);
    }
}
