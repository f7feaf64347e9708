package dev.jtpm.cros;

import java.util.List;
import java.util.Map;

/**
 * {@code GetCapabilityCommand} (reference §3.4): ALGS forwarded unchanged to the host; HANDLES, COMMANDS, PCRS and
 * TPM_PROPERTIES synthesized; every other capability TPM_RC_VALUE. Handle lists are clamped to 254 entries
 * ({@code MAX_CAP_HANDLES}), property lists to 127; a TPMA_CC entry is the command code alone.
 */
final class GetCapabilityCommand implements VtpmCommand {
    static final int CC = 0x17A;
    static final int CAP_ALGS = 0, CAP_HANDLES = 1, CAP_COMMANDS = 2, CAP_PCRS = 5, CAP_TPM_PROPERTIES = 6,
            CAP_LAST = 8, CAP_VENDOR_PROPERTY = 0x100;
    /** (MAX_CAP_BUFFER 1024 − capability 4 − count 4) / 4. */
    static final int MAX_CAP_HANDLES = 254, MAX_CAP_CC_ALL = 254, MAX_TPM_PROPERTIES = 127;

    private final HostTpm host;
    private final HandleManager handles;
    private final TpmProperties properties;

    GetCapabilityCommand(HostTpm host, HandleManager handles, TpmProperties properties) {
        this.host = host;
        this.handles = handles;
        this.properties = properties;
    }

    @Override
    public byte[] run(byte[] command) {
        try {
            CommandReader r = new CommandReader(command);
            if (r.parseHeader().cc() != CC) throw new VtpmException(VtpmRc.COMMAND_CODE);
            int cap = r.u32();
            int property = r.u32();
            int count = r.u32();
            r.requireEnd();
            if (Integer.compareUnsigned(cap, CAP_LAST) > 0 && cap != CAP_VENDOR_PROPERTY) {
                throw new VtpmException(VtpmRc.VALUE);
            }
            return switch (cap) {
                case CAP_ALGS -> host.send(command);
                case CAP_HANDLES -> handles(property, count);
                case CAP_COMMANDS -> commands(property, count);
                case CAP_PCRS -> new Responses.Builder(CommandReader.ST_NO_SESSIONS).u8(0).u32(CAP_PCRS).u32(0).build();
                case CAP_TPM_PROPERTIES -> properties(property, count);
                default -> throw new VtpmException(VtpmRc.VALUE);
            };
        } catch (VtpmException e) {
            return Responses.headerOnly(e.rc());
        }
    }

    private byte[] handles(int start, int requested) throws VtpmException {
        List<Integer> found = HandleManager.isHandleTypeSupported(start) ? handles.handleList(start) : List.of();
        long wanted = Math.min(Integer.toUnsignedLong(requested), MAX_CAP_HANDLES);
        boolean more = found.size() > wanted;
        int n = more ? (int) wanted : found.size();
        Responses.Builder b = new Responses.Builder(CommandReader.ST_NO_SESSIONS).u8(more ? 1 : 0).u32(CAP_HANDLES).u32(n);
        for (int i = 0; i < n; i++) b.u32(found.get(i));
        return b.build();
    }

    private byte[] commands(int start, int requested) {
        List<Integer> rest = properties.commands().stream().filter(c -> Integer.compareUnsigned(c, start) >= 0).toList();
        int n = (int) Math.min(Math.min(Integer.toUnsignedLong(requested), rest.size()), MAX_CAP_CC_ALL);
        Responses.Builder b = new Responses.Builder(CommandReader.ST_NO_SESSIONS).u8(n < rest.size() ? 1 : 0)
                .u32(CAP_COMMANDS).u32(n);
        for (int i = 0; i < n; i++) b.u32(rest.get(i));
        return b.build();
    }

    private byte[] properties(int start, int requested) {
        List<Map.Entry<Integer, Integer>> rest = properties.table().entrySet().stream()
                .filter(e -> Integer.compareUnsigned(e.getKey(), start) >= 0).toList();
        int n = (int) Math.min(Math.min(Integer.toUnsignedLong(requested), rest.size()), MAX_TPM_PROPERTIES);
        Responses.Builder b = new Responses.Builder(CommandReader.ST_NO_SESSIONS).u8(n < rest.size() ? 1 : 0)
                .u32(CAP_TPM_PROPERTIES).u32(n);
        for (int i = 0; i < n; i++) b.u32(rest.get(i).getKey()).u32(rest.get(i).getValue());
        return b.build();
    }
}
