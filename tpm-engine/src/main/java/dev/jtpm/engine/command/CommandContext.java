package dev.jtpm.engine.command;

import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;

/**
 * What a handler may see and do while it runs: the locality of the command, the TPM's state,
 * entropy, and a way to say that persistent state changed (so it is committed when the command
 * succeeds, and only then).
 */
public final class CommandContext {
    private final TpmState state;
    private final int locality;
    private final int commandCode;
    private boolean persistentChanged;

    public CommandContext(TpmState state, int locality, int commandCode) {
        this.state = state;
        this.locality = locality;
        this.commandCode = commandCode;
    }

    /** The locality the command arrived at (0..4). */
    public int locality() { return locality; }

    /** The TPM_CC being executed. */
    public int commandCode() { return commandCode; }

    public TpmState state() { return state; }

    /** Marks persistent state as changed: it is written to NV when the command succeeds. */
    public void persistentChanged() { persistentChanged = true; }

    public boolean isPersistentChanged() { return persistentChanged; }

    /** {@code n} bytes from the TPM's random number generator. */
    public Bytes random(int n) { return state.random(n); }
}
