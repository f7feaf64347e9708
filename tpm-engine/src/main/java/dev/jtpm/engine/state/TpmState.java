package dev.jtpm.engine.state;

import dev.jtpm.engine.platform.Platform;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;

/**
 * All state of one TPM, grouped by lifetime as Part 1 groups it: {@link #persistent} survives
 * power loss; the rest lives from _TPM_Init (TPM reset) or TPM2_Startup (restart) on.
 */
public final class TpmState {
    public final Platform platform;
    public PersistentState persistent;

    // TPM-reset / restart lifetime
    public PcrBanks pcrs;
    public final TransientObjects objects = new TransientObjects();
    public boolean started;
    public Secret platformAuth = Secret.EMPTY;
    public Secret nullProof;
    /** Platform millis at _TPM_Init: TPMS_TIME_INFO.time counts from here. */
    public long initMillis;
    /** Clock value and platform millis when Clock was last anchored. */
    public long clockAtAnchor, anchorMillis;
    public boolean selfTestDone;
    /** The D-RTM sequence started by _TPM_Hash_Start, or null. */
    public HashSequence drtmSequence;

    public TpmState(Platform platform) { this.platform = platform; }

    /** {@code n} random bytes. */
    public Bytes random(int n) {
        byte[] b = new byte[n];
        platform.entropy().nextBytes(b);
        return Bytes.wrap(b);
    }

    /** Milliseconds since _TPM_Init (TPMS_TIME_INFO.time). */
    public long time() { return platform.millis().getAsLong() - initMillis; }

    /** TPMS_CLOCK_INFO.clock now. */
    public long clock() { return clockAtAnchor + (platform.millis().getAsLong() - anchorMillis); }

    /** Re-anchors Clock at {@code value} (ClockSet, or after loading state). */
    public void setClock(long value) {
        clockAtAnchor = value;
        anchorMillis = platform.millis().getAsLong();
    }
}
