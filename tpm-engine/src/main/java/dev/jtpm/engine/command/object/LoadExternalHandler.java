package dev.jtpm.engine.command.object;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.LoadExternal;
import dev.jtpm.types.command.LoadExternalResponse;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSensitive;

/**
 * TPM2_LoadExternal (Part 3, 12.3): loads an object that is not protected by this TPM: a public area
 * alone (in any hierarchy; e.g. a key to verify signatures with), or a public and sensitive area in
 * clear, which only the NULL hierarchy takes and which may not claim to be this TPM's
 * (fixedTPM, fixedParent and restricted clear). The Name is nameAlg || H(TPMT_PUBLIC), as for any
 * object, so the same public key gives the same Name on every TPM.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_OBJECT_MEMORY: every transient object slot is taken;</li>
 *   <li>TPM_RC_HIERARCHY (parameter 3): the hierarchy is disabled, or a sensitive area is given for a
 *       hierarchy other than TPM_RH_NULL;</li>
 *   <li>TPM_RC_ATTRIBUTES (parameter 2): fixedTPM, fixedParent or restricted with a sensitive area, or
 *       inconsistent attributes (Part 1, 27);</li>
 *   <li>TPM_RC_TYPE (parameter 1): the sensitive and public types differ;</li>
 *   <li>TPM_RC_SCHEME, TPM_RC_SYMMETRIC, TPM_RC_KDF, TPM_RC_HASH, TPM_RC_SIZE (parameter 2): schemes and
 *       attributes inconsistent;</li>
 *   <li>TPM_RC_KEY, TPM_RC_ECC_POINT (parameter 2): unique of the wrong size, or a point off the curve;</li>
 *   <li>TPM_RC_KEY_SIZE, TPM_RC_SIZE, TPM_RC_BINDING (parameter 1): private parts of the wrong size, an
 *       authValue longer than the nameAlg digest, or a private key that does not belong to the public one
 *       (for ECC keys, as libtpms: TPM_RC_KEY_SIZE for a scalar outside [1, n−1] and TPM_RC_BINDING without
 *       an index).</li>
 * </ul>
 */
public final class LoadExternalHandler implements CommandHandler<LoadExternal, LoadExternalResponse> {

    @Override
    public LoadExternalResponse execute(LoadExternal cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        TpmtPublic pub = cmd.inPublic();
        TpmtSensitive sensitive = cmd.inPrivate();
        // input validation
        ObjectSupport.requireFreeSlot(s);
        if (!ObjectSupport.hierarchyEnabled(s, cmd.hierarchy())) throw new TpmFailure(TpmRc.HIERARCHY.atParameter(3));
        if (sensitive != null) {
            if (cmd.hierarchy() != TpmRh.NULL) throw new TpmFailure(TpmRc.HIERARCHY.atParameter(3));
            TpmaObject a = pub.objectAttributes();
            if (a.fixedTpm() || a.fixedParent() || a.restricted()) throw new TpmFailure(TpmRc.ATTRIBUTES.atParameter(2));
        }
        ObjectSupport.validateForLoad(null, pub, sensitive, 2, 1);

        // command output
        Bytes name = pub.nameAlg() == TpmAlg.NULL ? Bytes.EMPTY : pub.name();
        TpmObject object = new TpmObject(pub, sensitive, ObjectSupport.qualifiedName(
                ObjectSupport.handleName(cmd.hierarchy()), pub.nameAlg(), name), cmd.hierarchy(), false);
        return new LoadExternalResponse(s.objects.add(object), object.name());
    }
}
