package dev.jtpm.engine.crypto;

import dev.jtpm.crypto.Ecdaa;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.EccSchemes;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.structure.TpmtSignature;
import dev.jtpm.types.structure.TpmuSignature;

import java.math.BigInteger;

/**
 * The ECDAA branch of TPM2_Sign (Part 3, 20.2) and of the attestation commands (ms-tpm TpmEcc_SignEcdaa): the commit random r of the
 * count given in the scheme (from TPM2_Commit with this key), then tpm-crypto's {@link Ecdaa#sign};
 * the count is used up only when the signature is made.
 */
public final class EcdaaSign {
    private EcdaaSign() {}

    /**
     * Signs {@code digest}. TPM_RC_SCHEME (parameter 2): the key is not an ECC key; TPM_RC_VALUE (no
     * index, as libtpms answers): {@code count} names no outstanding commitment.
     */
    public static TpmtSignature sign(TpmState s, TpmObject key, int hashAlg, int count, Bytes digest) {
        if (key.publicArea().type() != TpmAlg.ECC) throw new TpmFailure(TpmRc.SCHEME.atParameter(2));
        EccKey k = Signatures.eccKey(key);
        BigInteger r = s.commit.committedRandom(count, k.curve(), key.name());
        if (r == null) throw new TpmFailure(TpmRc.VALUE);
        EccSchemes.Signature sig = Ecdaa.sign(k, r, hashAlg, digest.unsafeArray(), s.platform.entropy()::nextBytes);
        s.commit.endCommit(count);
        return TpmtSignature.of(new TpmuSignature.Ecc(TpmAlg.ECDAA, hashAlg, sig.r(), sig.s()));
    }
}
