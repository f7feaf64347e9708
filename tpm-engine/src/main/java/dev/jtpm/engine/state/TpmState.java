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
    public final dev.jtpm.engine.session.SessionSlots sessions = new dev.jtpm.engine.session.SessionSlots();
    /** RSA primary keys already derived (volatile; see {@link PrimaryKeyCache}). */
    public final PrimaryKeyCache primaryKeys = new PrimaryKeyCache();
    public boolean started;
    /** Hierarchy enables, platformAuth and platformPolicy (reset by Startup(CLEAR), kept by a Resume). */
    public StateClearData stateClear = StateClearData.INITIAL;
    /**
     * The authValue of the PCR authorization group (PCRs 20..22, {@link PcrAttributes#authGroup}; TPM2_PCR_SetAuthValue):
     * state-clear data (ms-tpm gc.pcrAuthValues), reset by Startup(CLEAR) and TPM2_Clear, kept by a Resume.
     */
    public Secret pcrAuthValue = Secret.EMPTY;
    /**
     * The command audit digest (ms-tpm gr.commandAuditDigest): empty when no digest is running, one octet
     * after TPM2_SetCommandCodeAuditStatus changed the algorithm; TPM-Reset data (kept by Restart and Resume).
     */
    public Bytes commandAuditDigest = Bytes.EMPTY;
    /** phEnable: set by every TPM2_Startup, cleared by HierarchyControl. */
    public boolean phEnable = true;
    public Secret nullProof;
    /** Commit nonce, counter and array of split operations (TPM2_Commit, TPM2_EC_Ephemeral): new at each TPM Reset. */
    public CommitState commit;
    /** The front-end's buffer size at _TPM_Init: TPM_PT_MAX_COMMAND_SIZE and TPM_PT_MAX_RESPONSE_SIZE (libtpms). */
    public int bufferSize = 4096;
    /** Platform millis at _TPM_Init: TPMS_TIME_INFO.time counts from here. */
    public long initMillis;
    /** Clock value and platform millis when Clock was last anchored. */
    public long clockAtAnchor, anchorMillis;
    /** Every implemented algorithm has been self-tested (Part 1, "Self-Test Modes"; TPM2_SelfTest). */
    public boolean selfTestDone;
    /** Algorithms self-tested since _TPM_Init, when not all of them are ({@link #selfTestDone}). */
    public final java.util.SortedSet<Integer> testedAlgorithms = new java.util.TreeSet<>();
    /**
     * The TPM is in failure mode (Part 1, "Failure Mode"): only TPM2_GetTestResult and
     * TPM2_GetCapability run, and {@link #persistent} may be missing. Set by the pipeline.
     */
    public boolean failureMode;
    /**
     * TPMA_STARTUP_CLEAR.orderly: the last TPM2_Startup followed an orderly TPM2_Shutdown (Part 2,
     * 8.7). Set by TPM2_Startup.
     */
    public boolean orderlyStartup;
    /** True when an H-CRTM sequence (_TPM_Hash_End before TPM2_Startup) measured into PCR 0. */
    public boolean drtmPreStartup;
    /** The locality of the TPM2_Startup that started this TPM (0 or 3). */
    public int startupLocality;
    /** Clock values (ms) the dictionary-attack self-healing and lockoutAuth recovery count from. */
    public long selfHealAnchor, lockoutAnchor;
    /** Persistent state changed outside a handler (dictionary-attack bookkeeping): commit it even if the command fails. */
    public boolean persistentPending;
    /** g_exclusiveAuditSession: the audit session no other command has run outside of since its audit began, or TPM_RH_UNASSIGNED. */
    public int exclusiveAuditSession = dev.jtpm.types.TpmRh.UNASSIGNED;
    /** The sequence number the next ContextSave uses. */
    public long contextCounter = 1;
    /** The D-RTM sequence started by _TPM_Hash_Start, or null. */
    public HashSequence drtmSequence;

    /** The RAM copies of orderly NV indices (ms-tpm s_indexOrderlyRam; see {@link NvIndices}). */
    public final java.util.Map<Integer, NvIndex> nvRam = new java.util.HashMap<>();

    /** Persistent objects unmarshalled on first use (cleared whenever the persistent set changes). */
    private final java.util.Map<Integer, TpmObject> persistentCache = new java.util.HashMap<>();

    public TpmState(Platform platform) {
        this.platform = platform;
        objects.persistentLookup(this::persistentObject);
    }

    /** The persistent object at {@code handle}, or null. */
    public TpmObject persistentObject(int handle) {
        if (persistent == null) return null;
        Bytes stored = persistent.persistentObjects.get(handle);
        if (stored == null) return null;
        return persistentCache.computeIfAbsent(handle, h -> TpmObject.unmarshal(stored.unsafeArray()));
    }

    /** Makes {@code o} persistent at {@code handle}. */
    public void addPersistentObject(int handle, TpmObject o) {
        persistent.persistentObjects.put(handle, Bytes.wrap(o.marshal()));
        persistentCache.remove(handle);
    }

    /** Removes the persistent object at {@code handle}. */
    public void removePersistentObject(int handle) {
        persistent.persistentObjects.remove(handle);
        persistentCache.remove(handle);
    }

    /** Removes every persistent object of {@code hierarchy} (TPM2_Clear, ChangeEPS, ChangePPS). */
    public void removePersistentObjects(int hierarchy) {
        for (Integer h : java.util.List.copyOf(persistent.persistentObjects.keySet())) {
            TpmObject o = persistentObject(h);
            if (o != null && o.hierarchy() == hierarchy) removePersistentObject(h);
        }
    }

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
