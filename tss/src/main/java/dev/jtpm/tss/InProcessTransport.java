package dev.jtpm.tss;

import dev.jtpm.types.TpmDevice;
import java.io.IOException;

/**
 * A transport to a TPM in this JVM: commands and responses are copied, so neither side can change
 * the other's bytes, but no socket is involved. Lets the same scenario run in-process and remotely.
 */
public final class InProcessTransport implements TpmDevice {
    private final TpmDevice tpm;

    /** Wraps {@code tpm}. */
    public InProcessTransport(TpmDevice tpm) {
        this.tpm = tpm;
    }

    @Override
    public byte[] execute(byte[] command, int locality) throws IOException {
        return tpm.execute(command.clone(), locality).clone();
    }
}
