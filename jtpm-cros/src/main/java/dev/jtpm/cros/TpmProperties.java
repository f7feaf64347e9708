package dev.jtpm.cros;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * vtpm's {@code RealTpmPropertyManager}: the sorted supported command codes and the static TPM_CAP_TPM_PROPERTIES
 * table (reference §3.4, 56 entries; TOTAL_COMMANDS is the number of registered command codes).
 */
final class TpmProperties {
    static final int PT_TOTAL_COMMANDS = 0x129;

    private final List<Integer> commands;
    private final TreeMap<Integer, Integer> table = new TreeMap<>(Integer::compareUnsigned);

    TpmProperties(java.util.Collection<Integer> supportedCommands) {
        this.commands = supportedCommands.stream().distinct().sorted(Integer::compareUnsigned).toList();
        table.putAll(STATIC);
        table.put(PT_TOTAL_COMMANDS, commands.size());
    }

    /** The supported command codes, sorted and de-duplicated. */
    List<Integer> commands() { return commands; }

    /** The properties, sorted by id. */
    Map<Integer, Integer> table() { return table; }

    private static final Map<Integer, Integer> STATIC = staticTable();

    private static Map<Integer, Integer> staticTable() {
        Map<Integer, Integer> m = new TreeMap<>();
        m.put(0x100, 0); // FAMILY_INDICATOR
        m.put(0x101, 0); // LEVEL
        m.put(0x102, 99); // REVISION
        m.put(0x103, 273); // DAY_OF_YEAR
        m.put(0x104, 2013); // YEAR
        m.put(0x105, 0x43524F53); // MANUFACTURER "CROS"
        for (int p = 0x106; p <= 0x10C; p++) m.put(p, 0); // VENDOR_STRING_1..4, VENDOR_TPM_TYPE, FIRMWARE_VERSION_1/2
        m.put(0x10D, 1024); // INPUT_BUFFER
        m.put(0x10E, 3); // HR_TRANSIENT_MIN
        m.put(0x10F, 2); // HR_PERSISTENT_MIN
        m.put(0x110, 3); // HR_LOADED_MIN
        m.put(0x111, 64); // ACTIVE_SESSIONS_MAX
        m.put(0x112, 0); // PCR_COUNT
        m.put(0x113, 0); // PCR_SELECT_MIN
        m.put(0x114, 65535); // CONTEXT_GAP_MAX
        m.put(0x116, 0); // NV_COUNTERS_MAX
        m.put(0x117, 2048); // NV_INDEX_MAX
        m.put(0x118, 6); // MEMORY
        m.put(0x119, 4096); // CLOCK_UPDATE
        m.put(0x11A, 0x000B); // CONTEXT_HASH (SHA256)
        m.put(0x11B, 0x0006); // CONTEXT_SYM (AES)
        m.put(0x11C, 256); // CONTEXT_SYM_SIZE
        m.put(0x11D, 255); // ORDERLY_COUNT
        m.put(0x11E, 32768); // MAX_COMMAND_SIZE
        m.put(0x11F, 32768); // MAX_RESPONSE_SIZE
        m.put(0x120, 64); // MAX_DIGEST
        m.put(0x121, 1600); // MAX_OBJECT_CONTEXT
        m.put(0x122, 372); // MAX_SESSION_CONTEXT
        for (int p = 0x123; p <= 0x127; p++) m.put(p, 0); // PS_FAMILY_INDICATOR .. PS_YEAR
        m.put(0x128, 128); // SPLIT_MAX
        m.put(0x12A, 0); // LIBRARY_COMMANDS
        m.put(0x12B, 0); // VENDOR_COMMANDS
        m.put(0x12C, 1024); // NV_BUFFER_MAX
        m.put(0x200, 0x111); // PERMANENT
        m.put(0x201, 0x8000000E); // STARTUP_CLEAR
        m.put(0x202, 1); // HR_NV_INDEX
        m.put(0x20A, 0); // NV_COUNTERS
        m.put(0x20B, 32); // NV_COUNTERS_AVAIL
        m.put(0x20E, 0); // LOCKOUT_COUNTER
        m.put(0x20F, 200); // MAX_AUTH_FAIL
        for (int p = 0x210; p <= 0x214; p++) m.put(p, 0); // LOCKOUT_INTERVAL .. AUDIT_COUNTER_1
        return m;
    }
}
