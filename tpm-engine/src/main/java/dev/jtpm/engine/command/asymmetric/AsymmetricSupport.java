package dev.jtpm.engine.command.asymmetric;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.crypto.EccKey;
import dev.jtpm.crypto.RsaKey;
import dev.jtpm.engine.crypto.Signatures;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmtRsaDecrypt;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmuAsymScheme;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Random;

/**
 * Checks and conversions shared by the asymmetric primitives (Part 3, 14), as ms-tpm-20-ref's
 * CryptRsaSelectScheme and its key loading do them.
 */
final class AsymmetricSupport {
    private AsymmetricSupport() {}

    /** The loaded object at {@code handle} with its TPMT_PUBLIC type {@code type}; TPM_RC_KEY (handle 1) otherwise. */
    static TpmObject keyOfType(TpmState s, int handle, int type) {
        if (!(s.objects.get(handle) instanceof TpmObject o) || o.publicArea().type() != type) {
            throw new TpmFailure(TpmRc.KEY.atHandle(1));
        }
        return o;
    }

    /** The RSA key of {@code o} (private parts when loaded), made once per loaded object (engine.crypto.Signatures). */
    static RsaKey rsaKey(TpmObject o) { return Signatures.rsaKey(o); }

    /** The curve of an ECC object. */
    static EccCurve curve(TpmObject o) {
        return EccCurve.of(((TpmsEccParms) o.publicArea().parameters()).curveID());
    }

    /** The ECC key of {@code o} with d (its sensitive area must be loaded), made once per loaded object. */
    static EccKey eccPrivateKey(TpmObject o) { return Signatures.eccKey(o); }

    /**
     * The scheme to use (ms-tpm CryptRsaSelectScheme): the key's when the command gives TPM_ALG_NULL,
     * the command's when the key has none, either when both agree (scheme and hash); null when they
     * differ, which the handlers report as TPM_RC_SCHEME. The result may be a signing scheme of a
     * sign-and-decrypt key, which the handlers refuse with TPM_RC_SCHEME too.
     */
    static Selected selectScheme(TpmObject o, TpmtRsaDecrypt in) {
        TpmtRsaScheme key = ((TpmsRsaParms) o.publicArea().parameters()).scheme();
        if (key.scheme() == dev.jtpm.types.TpmAlg.NULL) return new Selected(in.scheme(), hashOf(in.details()));
        if (in.scheme() == dev.jtpm.types.TpmAlg.NULL) return new Selected(key.scheme(), hashOf(key.details()));
        if (key.scheme() == in.scheme() && hashOf(key.details()) == hashOf(in.details())) {
            return new Selected(in.scheme(), hashOf(in.details()));
        }
        return null;
    }

    /** A selected padding scheme and its hash (TPM_ALG_NULL when the scheme has none). */
    record Selected(int scheme, int hashAlg) {}

    private static int hashOf(TpmuAsymScheme details) {
        return details instanceof TpmuAsymScheme.Hash h ? h.hashAlg() : dev.jtpm.types.TpmAlg.NULL;
    }

    /**
     * A TPMS_ECC_POINT's coordinates as numbers, whatever their length (libtpms reads them as numbers, so
     * leading zero octets do not matter; a value of p or more is off the curve).
     */
    static BigInteger[] coordinates(TpmsEccPoint p) {
        return new BigInteger[] {new BigInteger(1, p.x().unsafeArray()), new BigInteger(1, p.y().unsafeArray())};
    }

    /** A point from fixed-size coordinates. */
    static TpmsEccPoint point(byte[] x, byte[] y) { return new TpmsEccPoint(Bytes.wrap(x), Bytes.wrap(y)); }

    /** The platform's entropy as a SecureRandom, for the JDK's padding (every octet comes from {@code entropy}). */
    static SecureRandom secureRandom(Random entropy) {
        if (entropy instanceof SecureRandom sr) return sr;
        return new SecureRandom() {
            @Override public void nextBytes(byte[] bytes) { entropy.nextBytes(bytes); }
        };
    }
}
