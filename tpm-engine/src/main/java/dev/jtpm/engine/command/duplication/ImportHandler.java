package dev.jtpm.engine.command.duplication;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.command.object.ObjectSupport;
import dev.jtpm.engine.crypto.SecretExchange;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.Import;
import dev.jtpm.types.command.ImportResponse;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSensitive;
import dev.jtpm.types.structure.TpmtSymDefObject;

/**
 * TPM2_Import (Part 3, 13.3; Part 1, 23.3): turns a duplication blob — made by TPM2_Duplicate on this or another
 * TPM, or outside any TPM (a key wrapped by software such as tpm2_import) — into a TPM2B_PRIVATE under
 * parentHandle, to be loaded with TPM2_Load. The outer wrapper's seed is recovered from inSymSeed with the
 * label "DUPLICATE" (an empty inSymSeed: no outer wrapper), the inner one is removed with encryptionKey
 * ({@link DuplicationSupport}). Under a fixedTPM parent the object is validated as TPM2_Load would (so the load
 * can trust the parent's integrity check); otherwise TPM2_Load validates it.
 *
 * <p>Response codes, in ms-tpm's order:
 * <ul>
 *   <li>TPM_RC_ATTRIBUTES (parameter 2): objectPublic is fixedTPM or fixedParent;</li>
 *   <li>TPM_RC_TYPE (handle 1): parentHandle is not a storage parent (restricted decryption key with its
 *       private part);</li>
 *   <li>TPM_RC_SIZE (parameter 1): encryptionKey is not of symmetricAlg's key size (empty with TPM_ALG_NULL);
 *       TPM_RC_ATTRIBUTES (parameter 1): symmetricAlg is TPM_ALG_NULL for an encryptedDuplication object;</li>
 *   <li>TPM_RC_TYPE (handle 1): an outer wrapper under a symmetric parent;</li>
 *   <li>TPM_RC_SIZE, TPM_RC_VALUE, TPM_RC_SCHEME (parameter 4), TPM_RC_FAILURE (no index): inSymSeed does not
 *       decrypt with an RSA parent (see TPM2_ActivateCredential); TPM_RC_INSUFFICIENT, TPM_RC_SIZE,
 *       TPM_RC_ECC_POINT, TPM_RC_NO_RESULT (parameter 4) with an ECC parent;
 *       TPM_RC_ATTRIBUTES (parameter 4): no inSymSeed for an encryptedDuplication object;</li>
 *   <li>TPM_RC_HASH (parameter 2): objectPublic's nameAlg is TPM_ALG_NULL (refused while unmarshalling);</li>
 *   <li>TPM_RC_SIZE, TPM_RC_INSUFFICIENT, TPM_RC_INTEGRITY (parameter 3): the outer or inner wrapper's integrity
 *       field is too large, cut short or wrong (a changed octet anywhere in a wrapped blob, the wrong key, seed,
 *       parent or public area); TPM_RC_INSUFFICIENT, TPM_RC_SIZE and the TPMT_SENSITIVE's unmarshalling codes
 *       (parameter 3) for the unwrapped area;</li>
 *   <li>under a fixedTPM parent, the codes of TPM2_Load's validation: TPM_RC_TYPE, TPM_RC_KEY_SIZE,
 *       TPM_RC_BINDING, TPM_RC_SIZE (parameter 3), TPM_RC_ATTRIBUTES, TPM_RC_SCHEME, TPM_RC_SYMMETRIC,
 *       TPM_RC_HASH, TPM_RC_KDF, TPM_RC_KEY, TPM_RC_ECC_POINT (parameter 2).</li>
 * </ul>
 */
public final class ImportHandler implements CommandHandler<Import, ImportResponse> {

    @Override
    public ImportResponse execute(Import cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        TpmtPublic pub = cmd.objectPublic();
        TpmaObject a = pub.objectAttributes();
        // input validation
        if (a.fixedTpm() || a.fixedParent()) throw new TpmFailure(TpmRc.ATTRIBUTES.atParameter(2));
        TpmObject parent = ObjectSupport.storageParent(s, cmd.parentHandle(), 1);
        TpmtSymDefObject sym = cmd.symmetricAlg();
        if (sym.algorithm() != TpmAlg.NULL) {
            if (cmd.encryptionKey().size() != DuplicationSupport.innerKeySize(sym)) throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        } else {
            if (!cmd.encryptionKey().isEmpty()) throw new TpmFailure(TpmRc.SIZE.atParameter(1));
            if (a.encryptedDuplication()) throw new TpmFailure(TpmRc.ATTRIBUTES.atParameter(1));
        }
        Secret seed = Secret.EMPTY;
        if (!cmd.inSymSeed().isEmpty()) {
            if (parent.publicArea().type() == TpmAlg.SYMCIPHER) throw new TpmFailure(TpmRc.TYPE.atHandle(1));
            try {
                seed = SecretExchange.decrypt(parent, SecretExchange.DUPLICATE, cmd.inSymSeed());
            } catch (TpmFailure e) {
                throw new TpmFailure(e.rc().atParameter(4));
            }
        } else if (a.encryptedDuplication()) {
            throw new TpmFailure(TpmRc.ATTRIBUTES.atParameter(4));
        }
        if (pub.nameAlg() == TpmAlg.NULL) throw new TpmFailure(TpmRc.HASH.atParameter(2));
        Bytes name = pub.name();
        TpmtSensitive sensitive;
        try {
            sensitive = DuplicationSupport.duplicateToSensitive(cmd.duplicate(), name, pub.nameAlg(), parent, seed, sym,
                    Secret.of(cmd.encryptionKey().toArray()));
        } catch (TpmFailure e) {
            throw new TpmFailure(e.rc().hasIndex() ? e.rc() : e.rc().atParameter(3));
        }
        if (parent.attributes().fixedTpm()) ObjectSupport.validateForLoad(null, pub, sensitive, 2, 3);

        // command output
        return new ImportResponse(ObjectSupport.toPrivate(parent, name, sensitive));
    }
}
