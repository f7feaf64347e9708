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
 */
public record InstanceConfig(ChannelSpec data, ChannelSpec ctrl, SwtpmFlags flags, boolean rejectLocality4,
                             boolean terminate, boolean ctrlTerminate, ServerLog log) {

    public InstanceConfig {
        if (flags == null) flags = SwtpmFlags.DEFAULT;
        if (log == null) log = ServerLog.NONE;
        if (ctrl instanceof ChannelSpec.Mssim) throw new IllegalArgumentException("the control channel cannot be mssim");
    }

    /** A TCP data and control channel on free ports of 127.0.0.1 with the given flags: for tests. */
    public static InstanceConfig tcpOnFreePorts(SwtpmFlags flags) {
        return new InstanceConfig(new ChannelSpec.Tcp("127.0.0.1", 0, false), new ChannelSpec.Tcp("127.0.0.1", 0, false),
                flags, false, false, false, ServerLog.NONE);
    }
}
