package dev.jtpm.engine.command.asymmetric;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.command.EccParameters;
import dev.jtpm.types.command.EccParametersResponse;
import dev.jtpm.types.structure.TpmsAlgorithmDetailEcc;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;

import java.math.BigInteger;

import org.bouncycastle.crypto.params.ECDomainParameters;

/**
 * TPM2_ECC_Parameters (Part 3, 14.6): the TPMS_ALGORITHM_DETAIL_ECC of an implemented curve, with the
 * values libtpms (swtpm 0.7.1) reports: for the NIST curves the KDF is KDF1_SP800_56A with SHA-256
 * (P-192, P-224, P-256), SHA-384 (P-384) or SHA-512 (P-521); for SM2 P-256 KDF1_SP800_56A with SM3_256
 * (reported although SM3 is not a hash of this TPM, as libtpms does); for the BN curves TPM_ALG_NULL.
 * The signing scheme is TPM_ALG_NULL; p, a, b, gX, gY and n are as long as the key size in octets,
 * except a of the BN curves (a = 0), which libtpms reports as one octet; h is one octet. No authorization.
 *
 * <p>Response codes: TPM_RC_CURVE (parameter 1, from the codec) for a curve that is not implemented
 * (every curve of the table is one of tpm-crypto's EccCurve; a test checks it).
 */
public final class EccParametersHandler implements CommandHandler<EccParameters, EccParametersResponse> {

    @Override
    public EccParametersResponse execute(EccParameters cmd, CommandContext ctx) {
        // input validation
        EccCurve curve = EccCurve.of(cmd.curveID());
        TpmtKdfScheme kdf = switch (curve) {
            case NIST_P192, NIST_P224, NIST_P256 -> TpmtKdfScheme.of(TpmAlg.KDF1_SP800_56A, TpmAlg.SHA256);
            case NIST_P384 -> TpmtKdfScheme.of(TpmAlg.KDF1_SP800_56A, TpmAlg.SHA384);
            case NIST_P521 -> TpmtKdfScheme.of(TpmAlg.KDF1_SP800_56A, TpmAlg.SHA512);
            case SM2_P256 -> TpmtKdfScheme.of(TpmAlg.KDF1_SP800_56A, TpmAlg.SM3_256);
            case BN_P256, BN_P638 -> TpmtKdfScheme.NULL;
        };
        boolean bn = curve == EccCurve.BN_P256 || curve == EccCurve.BN_P638;

        // command output
        ECDomainParameters d = curve.domain();
        int len = curve.fieldBytes();
        int keyBits = d.getCurve().getFieldSize();
        return new EccParametersResponse(new TpmsAlgorithmDetailEcc(curve.id, keyBits, kdf, TpmtEccScheme.NULL,
                fixed(curve.prime(), len), fixed(d.getCurve().getA().toBigInteger(), bn ? 1 : len),
                fixed(d.getCurve().getB().toBigInteger(), len), fixed(d.getG().getAffineXCoord().toBigInteger(), len),
                fixed(d.getG().getAffineYCoord().toBigInteger(), len), fixed(d.getN(), len), fixed(d.getH(), 1)));
    }

    private static Bytes fixed(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[len];
        int n = Math.min(b.length, len);
        System.arraycopy(b, b.length - n, out, len - n, n);
        return Bytes.wrap(out);
    }
}
