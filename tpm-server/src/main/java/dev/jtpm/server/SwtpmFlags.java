package dev.jtpm.server;

/**
 * swtpm's {@code --flags}: whether the TPM is initialized without waiting for CMD_INIT, which
 * TPM2_Startup the server itself sends at start, and whether the automatic TPM2_Shutdown before
 * INIT/STOP/SHUTDOWN and at exit is disabled.
 *
 * @param notNeedInit initialize the TPM at start instead of waiting for CMD_INIT
 * @param startup the automatic TPM2_Startup
 * @param disableAutoShutdown no automatic TPM2_Shutdown
 */
public record SwtpmFlags(boolean notNeedInit, Startup startup, boolean disableAutoShutdown) {

    /** The automatic TPM2_Startup choices of {@code startup-*}. */
    public enum Startup {
        /** None (and no {@code not-need-init} implied). */
        NONE,
        /** TPM2_Startup(SU_CLEAR). */
        CLEAR,
        /** TPM2_Startup(SU_STATE). */
        STATE
    }

    /** swtpm's defaults: wait for CMD_INIT, no startup, auto-shutdown on. */
    public static final SwtpmFlags DEFAULT = new SwtpmFlags(false, Startup.NONE, false);

    /** True when the TPM is initialized at start: {@code not-need-init} or a startup other than none. */
    public boolean initAtStart() { return notNeedInit || startup != Startup.NONE; }

    /** Parses swtpm's {@code --flags} value (e.g. {@code not-need-init,startup-clear}); null gives {@link #DEFAULT}. */
    public static SwtpmFlags parse(String text) throws OptionException {
        return SocketOptions.parseFlags(text);
    }
}
