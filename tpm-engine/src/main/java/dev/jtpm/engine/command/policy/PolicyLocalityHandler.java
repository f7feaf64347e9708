package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.PolicyLocality;

/**
 * TPM2_PolicyLocality (Part 3, 23.8): policyDigest := H(policyDigest || TPM_CC_PolicyLocality || locality).
 *
 * <p>The session's locality setting narrows with each call, as ms-tpm does it: localities 0-4 (values below
 * 32) are ANDed with what earlier calls allowed (none yet: all five); an extended locality (32 and up) must
 * equal an earlier one; the two kinds do not mix.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_RANGE (parameter 1): locality is zero; or it is of the other kind than the one set before; or no
 *       locality would be left; or it is an extended locality other than the one set before</li>
 * </ul>
 */
public final class PolicyLocalityHandler implements CommandHandler<PolicyLocality, EmptyResponse> {
    /** TPMA_LOCALITY with localities 0 to 4. */
    private static final int ALL_LOCALITIES = 0x1F;
    /** Values from here on are extended localities. */
    private static final int FIRST_EXTENDED = 32;

    @Override
    public EmptyResponse execute(PolicyLocality cmd, CommandContext ctx) {
        AuthSession session = PolicySupport.session(ctx.state(), cmd.policySession());
        int requested = cmd.locality() & 0xFF;
        int previous = session.commandLocality() & 0xFF;

        // Input validation
        if (requested == 0) throw range();
        if (previous != 0 && (previous < FIRST_EXTENDED) != (requested < FIRST_EXTENDED)) throw range();
        int setting;
        if (requested < FIRST_EXTENDED) {
            setting = (previous == 0 ? ALL_LOCALITIES : previous) & requested;
            if (setting == 0) throw range();
        } else {
            if (previous != 0 && previous != requested) throw range();
            setting = requested;
        }

        // Command output
        PolicySupport.extend(session, PolicySupport.u32(TpmCc.POLICY_LOCALITY), new byte[] {(byte) requested});
        session.commandLocality(setting);
        return EmptyResponse.INSTANCE;
    }

    private static TpmFailure range() { return new TpmFailure(TpmRc.RANGE.atParameter(1)); }
}
