package dev.jtpm.engine.command.duplication;

import dev.jtpm.crypto.RandomBits;
import dev.jtpm.crypto.SensitiveProtection;
import dev.jtpm.crypto.Unwrapped;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.command.object.ObjectSupport;
import dev.jtpm.engine.crypto.SecretExchange;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.Rewrap;
import dev.jtpm.types.command.RewrapResponse;
import dev.jtpm.types.structure.TpmtSymDefObject;

/**
 * TPM2_Rewrap (Part 3, 13.2): the TPM as a migration authority. The outer wrapper of oldParent (seed from
 * inSymSeed, label "DUPLICATE") is removed and one for newParent put on, with the object's {@code name}; what is
 * inside (an inner wrapper or the TPM2B_SENSITIVE) is not looked at. TPM_RH_NULL on either side means no outer
 * wrapper there.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_HANDLE (handle 1): inSymSeed is empty and oldParent is not TPM_RH_NULL, or the reverse;</li>
 *   <li>TPM_RC_TYPE (handle 1): oldParent is not an RSA/ECC restricted decryption key without sign;</li>
 *   <li>TPM_RC_VALUE (parameter 3): inSymSeed does not give a seed (any failure, as ms-tpm; also an oldParent
 *       loaded without its private part);</li>
 *   <li>TPM_RC_SIZE, TPM_RC_INSUFFICIENT, TPM_RC_INTEGRITY (parameter 1): inDuplicate's outer integrity field is
 *       too large, cut short or wrong;</li>
 *   <li>TPM_RC_TYPE (handle 2): newParent is not TPM_RH_NULL and not a storage key as above;</li>
 *   <li>TPM_RC_KEY, TPM_RC_VALUE (no index): the new parent's ECC point is off its curve, or its RSA modulus too
 *       short for OAEP; TPM_RC_VALUE (parameter 1): the blob would not fit a TPM2B_PRIVATE with the new
 *       integrity field.</li>
 * </ul>
 */
public final class RewrapHandler implements CommandHandler<Rewrap, RewrapResponse> {

    @Override
    public RewrapResponse execute(Rewrap cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        boolean fromNull = cmd.oldParent() == TpmRh.NULL;
        // input validation
        if (cmd.inSymSeed().isEmpty() != fromNull) throw new TpmFailure(TpmRc.HANDLE.atHandle(1));
        byte[] privateBlob;
        if (!fromNull) {
            if (!ObjectSupport.isStorage(s.objects.get(cmd.oldParent()))) throw new TpmFailure(TpmRc.TYPE.atHandle(1));
            TpmObject oldParent = (TpmObject) s.objects.get(cmd.oldParent());
            Secret seed;
            try {
                if (oldParent.publicOnly()) throw new TpmFailure(TpmRc.VALUE);
                seed = SecretExchange.decrypt(oldParent, SecretExchange.DUPLICATE, cmd.inSymSeed());
            } catch (TpmFailure e) {
                throw new TpmFailure(TpmRc.VALUE.atParameter(3));
            }
            TpmtSymDefObject sym = ObjectSupport.symmetricOf(oldParent.publicArea());
            Unwrapped u = SensitiveProtection.outerUnwrap(oldParent.publicArea().nameAlg(), seed, sym.algorithm(),
                    ObjectSupport.symKeyBits(sym), cmd.name().unsafeArray(), cmd.inDuplicate().unsafeArray());
            privateBlob = switch (u) {
                case Unwrapped.Refused r -> throw new TpmFailure(ObjectSupport.refusal(r.failure()).atParameter(1));
                case Unwrapped.Ok ok -> ok.plain().toArray();
            };
        } else {
            privateBlob = cmd.inDuplicate().toArray();
        }
        if (cmd.newParent() == TpmRh.NULL) return new RewrapResponse(Bytes.wrap(privateBlob), Bytes.EMPTY);
        if (!ObjectSupport.isStorage(s.objects.get(cmd.newParent()))) throw new TpmFailure(TpmRc.TYPE.atHandle(2));
        TpmObject newParent = (TpmObject) s.objects.get(cmd.newParent());

        // command output
        RandomBits random = b -> s.platform.entropy().nextBytes(b);
        SecretExchange.Shared shared = SecretExchange.encrypt(newParent, SecretExchange.DUPLICATE, random);
        if (privateBlob.length + DuplicationSupport.outerIntegritySize(newParent) > DuplicationSupport.PRIVATE_BUFFER) {
            throw new TpmFailure(TpmRc.VALUE.atParameter(1));
        }
        TpmtSymDefObject sym = ObjectSupport.symmetricOf(newParent.publicArea());
        Bytes out = SensitiveProtection.outerWrap(newParent.publicArea().nameAlg(), shared.seed(), sym.algorithm(),
                ObjectSupport.symKeyBits(sym), cmd.name().unsafeArray(), privateBlob);
        return new RewrapResponse(out, shared.encryptedSecret());
    }
}
