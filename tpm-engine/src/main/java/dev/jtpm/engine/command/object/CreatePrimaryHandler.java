package dev.jtpm.engine.command.object;

import dev.jtpm.crypto.PrimaryKeys;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.structure.TpmtPublic;

/**
 * TPM2_CreatePrimary (Part 3, 24.1): creates a primary object under a hierarchy and loads it. The
 * object is a function of the hierarchy's primary seed (EPS, SPS, PPS, or the null seed renewed at
 * every TPM Reset) and the template: its Name and inSensitive.data are the derivation context
 * ({@link PrimaryKeys}), so the same template under the same seed gives the same key and Name. A hierarchy of a state
 * taken over from swtpm derives as libtpms does ({@code LibtpmsDrbg}, {@code LibtpmsRsaPrimes}; see
 * {@code ObjectSupport.primarySource}).
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_OBJECT_MEMORY: every transient object slot is taken;</li>
 *   <li>TPM_RC_ATTRIBUTES (parameter 2): sensitiveDataOrigin, fixedTPM/fixedParent,
 *       sign/decrypt/restricted or encryptedDuplication inconsistent (Part 1, 27);</li>
 *   <li>TPM_RC_HASH (parameter 2): nameAlg is TPM_ALG_NULL (or not implemented, while unmarshalling);</li>
 *   <li>TPM_RC_SIZE (parameter 2): authPolicy is neither empty nor the size of a nameAlg digest;
 *       (parameter 1): userAuth longer than that digest;</li>
 *   <li>TPM_RC_SCHEME, TPM_RC_SYMMETRIC, TPM_RC_KDF (parameter 2): scheme or symmetric definition
 *       inconsistent with the attributes;</li>
 *   <li>TPM_RC_KEY_SIZE: a symmetric key of the wrong size in inSensitive.data; TPM_RC_SIZE: an HMAC key
 *       longer than the hash's block; TPM_RC_RANGE: an RSA exponent that is neither 0 nor a prime ≥ 65537;</li>
 *   <li>TPM_RC_TYPE, TPM_RC_VALUE, TPM_RC_CURVE, TPM_RC_SYMMETRIC, TPM_RC_MODE, TPM_RC_RESERVED_BITS
 *       (parameter 2): unimplemented algorithms, key sizes or reserved attribute bits, while unmarshalling;</li>
 *   <li>TPM_RC_VALUE / TPM_RC_HIERARCHY (handle 1): not a hierarchy, or a disabled one (handle checks).</li>
 * </ul>
 */
public final class CreatePrimaryHandler implements CommandHandler<CreatePrimary, CreatePrimaryResponse> {

    @Override
    public CreatePrimaryResponse execute(CreatePrimary cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        int hierarchy = cmd.primaryHandle();
        TpmtPublic template = cmd.inPublic();
        // input validation
        ObjectSupport.requireFreeSlot(s);
        ObjectSupport.createChecks(null, template, cmd.inSensitive().data().size(), 2);
        Secret auth = ObjectSupport.adjustAuth(cmd.inSensitive().userAuth(), template.nameAlg(), 1);

        // command output
        ObjectSupport.Created c = ObjectSupport.create(template, cmd.inSensitive(), auth,
                ObjectSupport.primarySource(s, hierarchy, template, cmd.inSensitive()));
        TpmObject object = new TpmObject(c.publicArea(), c.sensitive(),
                ObjectSupport.qualifiedName(ObjectSupport.handleName(hierarchy), template.nameAlg(), c.publicArea().name()),
                hierarchy, true);
        Bytes name = object.name();
        ObjectSupport.CreationOut creation = ObjectSupport.creation(s, hierarchy, hierarchy, template.nameAlg(), name,
                cmd.creationPCR(), cmd.outsideInfo(), ctx.locality());
        int handle = s.objects.add(object);
        return new CreatePrimaryResponse(handle, c.publicArea(), creation.data(), creation.hash(), creation.ticket(), name);
    }
}
