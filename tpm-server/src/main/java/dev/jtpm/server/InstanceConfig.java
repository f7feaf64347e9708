package dev.jtpm.server;

/**
 * How one served TPM is set up: its channels and swtpm's behaviour switches.
 *
 * @param data the data channel ({@code --server}), or null for none
 * @param ctrl the control channel ({@code --ctrl}), or null for none
 * @param flags {@code --flags}
 * @param rejectLocality4 {@code --locality reject-locality-4}
 * @param terminate exit when the data client disconnects ({@code -t/--terminate})
 * @param ctrlTerminate exit when the control client hangs up ({@code --ctrl ...,terminate})
 * @param log the log
 * @param migrationKey {@code --migration-key}: encrypts GET_STATEBLOB answers, decrypts SET_STATEBLOB blobs
 * @param incomingMigration {@code --migration incoming}: the store was opened unlocked; the lock is taken
 *     by SET_STATEBLOB, CMD_LOCK_STORAGE or the first TPM command
 * @param releaseLockOutgoing {@code --migration release-lock-outgoing}: the lock is given up once the
 *     savestate blob was read
 */
public record InstanceConfig(ChannelSpec data, ChannelSpec ctrl, SwtpmFlags flags, boolean rejectLocality4,
                             boolean terminate, boolean ctrlTerminate, ServerLog log,
                             java.util.Optional<dev.jtpm.wire.StateKey> migrationKey, boolean incomingMigration,
                             boolean releaseLockOutgoing) {

    public InstanceConfig {
        if (flags == null) flags = SwtpmFlags.DEFAULT;
        if (log == null) log = ServerLog.NONE;
        if (migrationKey == null) migrationKey = java.util.Optional.empty();
        if (ctrl instanceof ChannelSpec.Mssim) throw new IllegalArgumentException("the control channel cannot be mssim");
    }

    /** Without a migration key or migration options. */
    public InstanceConfig(ChannelSpec data, ChannelSpec ctrl, SwtpmFlags flags, boolean rejectLocality4,
                          boolean terminate, boolean ctrlTerminate, ServerLog log) {
        this(data, ctrl, flags, rejectLocality4, terminate, ctrlTerminate, log, java.util.Optional.empty(), false, false);
    }

    /** A TCP data and control channel on free ports of 127.0.0.1 with the given flags: for tests. */
    public static InstanceConfig tcpOnFreePorts(SwtpmFlags flags) {
        return new InstanceConfig(new ChannelSpec.Tcp("127.0.0.1", 0, false), new ChannelSpec.Tcp("127.0.0.1", 0, false),
                flags, false, false, false, ServerLog.NONE);
    }
}
