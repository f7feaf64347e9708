package dev.jtpm.engine.command.startup;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.StateClearData;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.TpmiAlgHash;

/**
 * TPM2_Startup (Part 3, 9.3). Startup(CLEAR) after an orderly Shutdown(STATE) is a TPM Restart,
 * otherwise a TPM Reset; Startup(STATE) is a TPM Resume and restores PCRs 0..15. The PCR update
 * counter is zeroed only by a Reset; every PCR that start-up initializes counts once, except the
 * TPM_PT_PCR_NO_INCREMENT PCRs (16, 21, 22, 23), as libtpms counts (ms-tpm's PCRStartup calls
 * PCRChanged once per PCR not restored, whatever the banks): on swtpm a Reset leaves the counter at
 * 20, a Restart adds 20 and a Resume adds 4 (PCRs 17..20), at locality 0 or 3, H-CRTM or not.
 *
 * <p>Response codes: TPM_RC_LOCALITY from a locality other than 0 or 3, or a Resume from another
 * locality than the Startup it resumes; TPM_RC_VALUE (parameter 1) for an unknown startupType, for
 * STATE without a preceding Shutdown(STATE), or STATE after an H-CRTM event; TPM_RC_INITIALIZE (by
 * the pipeline) when already started.
 */
public final class StartupHandler implements CommandHandler<Startup, EmptyResponse> {

    @Override
    public EmptyResponse execute(Startup cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        PersistentState p = s.persistent;
        int type = cmd.startupType();
        int locality = ctx.locality();
        if (locality != 0 && locality != 3) throw new TpmFailure(TpmRc.LOCALITY);
        if (type != TpmSu.CLEAR && type != TpmSu.STATE) throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        boolean orderlyState = p.orderlyState == TpmSu.STATE && !p.orderlyData.isEmpty();
        boolean resume = type == TpmSu.STATE;
        if (resume) {
            if (!orderlyState || s.drtmPreStartup) throw new TpmFailure(TpmRc.VALUE.atParameter(1));
            if (OrderlyData.startupLocality(p.orderlyData) != locality) throw new TpmFailure(TpmRc.LOCALITY);
        }

        dev.jtpm.engine.session.DictionaryAttack.startup(s, p.orderlyState != PersistentState.SU_NONE);
        int counter = orderlyState ? OrderlyData.updateCounter(p.orderlyData) : 0;
        int initialized = initPcrs(s, locality, resume);
        if (orderlyState) {                   // Restart or Resume: the commit state saved by Shutdown(STATE)
            dev.jtpm.engine.state.CommitState commit = OrderlyData.commit(p.orderlyData);
            if (commit != null) s.commit = commit;
            s.commandAuditDigest = OrderlyData.commandAuditDigest(p.orderlyData);
        }
        if (resume) {
            OrderlyData.restorePcrs(s, p.orderlyData);
            s.stateClear = OrderlyData.stateClear(p.orderlyData);
            s.pcrAuthValue = OrderlyData.pcrAuthValue(p.orderlyData);
            p.restartCount++;
        } else if (orderlyState) {            // TPM Restart
            p.restartCount++;
            s.stateClear = StateClearData.INITIAL;
            s.pcrAuthValue = Secret.EMPTY;
        } else {                              // TPM Reset
            counter = 0;
            p.resetCount++;
            p.restartCount = 0;
            s.stateClear = StateClearData.INITIAL;
            s.pcrAuthValue = Secret.EMPTY;
            s.commandAuditDigest = Bytes.EMPTY;        // ms-tpm CommandAuditStartup
            s.nullProof = Secret.of(s.random(64).unsafeArray());
            s.commit = dev.jtpm.engine.state.CommitState.reset(s.platform.entropy());
        }
        s.phEnable = true;
        // NV indices (ms-tpm NvEntityStartup): orderly RAM back, start-up attributes, orderly counters advanced
        dev.jtpm.engine.state.NvIndices.startup(s, resume ? dev.jtpm.engine.state.NvIndices.StartupType.RESUME
                : orderlyState ? dev.jtpm.engine.state.NvIndices.StartupType.RESTART
                : dev.jtpm.engine.state.NvIndices.StartupType.RESET, p.orderlyState != PersistentState.SU_NONE);
        s.pcrs.setUpdateCounter(counter + initialized);
        s.objects.clear();
        s.startupLocality = locality;
        s.orderlyStartup = p.orderlyState != PersistentState.SU_NONE;
        p.orderlyState = PersistentState.SU_NONE;
        p.orderlyData = Bytes.EMPTY;
        s.started = true;
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }

    /**
     * Sets PCRs to their start-up values: zero, all-ones for D-RTM PCRs, the Startup locality in
     * PCR 0 (or PCR 0 as an H-CRTM event left it). A Resume initializes only the PCRs it does not
     * restore. Returns how many initializations count towards the update counter.
     */
    private static int initPcrs(TpmState s, int locality, boolean resume) {
        int counted = 0;
        for (int pcr = 0; pcr < PcrAttributes.COUNT; pcr++) {
            if (resume && PcrAttributes.stateSave(pcr)) continue;
            if (!PcrAttributes.noIncrement(pcr)) counted++;
            if (pcr == 0 && s.drtmPreStartup) continue;   // H-CRTM measured into PCR 0 before Startup
            s.pcrs.fill(pcr, PcrAttributes.isDrtm(pcr) ? 0xFF : 0);
            if (pcr == 0 && locality == 3) {
                for (int alg : TpmiAlgHash.IMPLEMENTED) {
                    byte[] v = s.pcrs.read(alg, 0).toArray();
                    v[v.length - 1] = 3;
                    s.pcrs.set(alg, 0, v);
                }
            }
        }
        return counted;
    }
}
