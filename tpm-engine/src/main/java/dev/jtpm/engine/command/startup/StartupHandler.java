package dev.jtpm.engine.command.startup;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.structure.TpmiAlgHash;

/**
 * TPM2_Startup (Part 3, 9.3). Startup(CLEAR) after an orderly Shutdown(STATE) is a TPM Restart,
 * otherwise a TPM Reset; Startup(STATE) is a TPM Resume and restores PCRs 0..15.
 *
 * <p>Response codes: TPM_RC_VALUE (parameter 1) for an unknown startupType, or STATE without a
 * preceding Shutdown(STATE); TPM_RC_INITIALIZE (by the pipeline) when already started.
 */
public final class StartupHandler implements CommandHandler<Startup, EmptyResponse> {

    @Override
    public EmptyResponse execute(Startup cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        PersistentState p = s.persistent;
        int type = cmd.startupType();
        if (type != TpmSu.CLEAR && type != TpmSu.STATE) throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        boolean orderlyState = p.orderlyState == TpmSu.STATE;
        if (type == TpmSu.STATE && (!orderlyState || p.orderlyData.isEmpty())) {
            throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        }

        initPcrs(s, ctx.locality());
        if (type == TpmSu.STATE) {
            restoreSavedPcrs(s, p);
            p.restartCount++;
        } else if (orderlyState) {            // TPM Restart
            p.restartCount++;
            s.platformAuth = Secret.EMPTY;
        } else {                              // TPM Reset
            p.resetCount++;
            p.restartCount = 0;
            s.platformAuth = Secret.EMPTY;
            s.nullProof = Secret.of(s.random(64).unsafeArray());
        }
        s.objects.clear();
        p.orderlyState = PersistentState.SU_NONE;
        p.orderlyData = dev.jtpm.types.Bytes.EMPTY;
        s.started = true;
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }

    /** PCR values at start-up: zero, all-ones for D-RTM PCRs, locality in PCR 0 (H-CRTM rule). */
    private static void initPcrs(TpmState s, int locality) {
        for (int pcr = 0; pcr < PcrAttributes.COUNT; pcr++) {
            s.pcrs.fill(pcr, PcrAttributes.isDrtm(pcr) ? 0xFF : 0);
        }
        if (locality == 3) {
            for (int alg : TpmiAlgHash.IMPLEMENTED) {
                byte[] v = s.pcrs.read(alg, 0).toArray();
                v[v.length - 1] = 3;
                s.pcrs.set(alg, 0, v);
            }
        }
        s.pcrs.setUpdateCounter(0);
    }

    private static void restoreSavedPcrs(TpmState s, PersistentState p) {
        TpmReader r = new TpmReader(p.orderlyData.unsafeArray());
        s.pcrs.setUpdateCounter(r.u32());
        for (int alg : TpmiAlgHash.IMPLEMENTED) {
            for (int pcr = 0; pcr < PcrAttributes.COUNT; pcr++) {
                if (PcrAttributes.stateSave(pcr)) s.pcrs.set(alg, pcr, r.bytes(r.u16()).unsafeArray());
            }
        }
    }
}
