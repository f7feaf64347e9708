package dev.jtpm.engine.crypto;

import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.structure.TpmiAlgHash;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmuSchemeKeyedhash;
import dev.jtpm.types.structure.TpmuSymMode;

/**
 * The key and MAC algorithm of TPM2_MAC and TPM2_MAC_Start (Part 3, 15.6 and 17.3), which libtpms 0.9
 * answers at TPM2_HMAC's and TPM2_HMAC_Start's command codes: an HMAC with a keyed-hash key (the algorithm a
 * hash) or a CMAC with a symcipher key (the algorithm TPM_ALG_CMAC). The checks and their order are ms-tpm's
 * CryptSelectMac followed by the commands' attribute checks.
 */
public final class Macs {
    private Macs() {}

    /** A key that may compute the MAC, and the MAC algorithm chosen (a hash, or TPM_ALG_CMAC). */
    public record Selected(TpmObject key, int macAlg) {
        /** True for a CMAC (symcipher key). */
        public boolean isCmac() { return macAlg == TpmAlg.CMAC; }
    }

    /**
     * Selects the key and algorithm: TPM_RC_TYPE (handle 1) unless a keyed-hash or symcipher object with its
     * sensitive area; TPM_RC_VALUE (parameter {@code schemeIndex}) when {@code inScheme} differs from the
     * key's scheme (the HMAC hash, or the symcipher mode) or both are TPM_ALG_NULL; TPM_RC_SCHEME (parameter
     * {@code schemeIndex}) when the algorithm does not suit the key (not a hash for a keyed-hash key, not
     * CMAC for a symcipher key); then TPM_RC_ATTRIBUTES (handle 1) for a restricted key and TPM_RC_KEY
     * (handle 1) when sign is clear.
     */
    public static Selected select(TpmState s, int handle, int inScheme, int schemeIndex) {
        if (!(s.objects.get(handle) instanceof TpmObject key) || key.publicOnly()) throw new TpmFailure(TpmRc.TYPE.atHandle(1));
        int keyAlg = switch (key.publicArea().parameters()) {
            case TpmsKeyedhashParms p -> p.scheme().details() instanceof TpmuSchemeKeyedhash.Hmac h ? h.hashAlg()
                    : p.scheme().details() instanceof TpmuSchemeKeyedhash.Xor x ? x.hashAlg() : TpmAlg.NULL;
            case TpmsSymcipherParms p -> p.sym().mode() instanceof TpmuSymMode.Block b ? b.mode() : TpmAlg.NULL;
            default -> throw new TpmFailure(TpmRc.TYPE.atHandle(1));
        };
        int macAlg;
        if (inScheme != TpmAlg.NULL) {
            if (keyAlg != TpmAlg.NULL && keyAlg != inScheme) throw new TpmFailure(TpmRc.VALUE.atParameter(schemeIndex));
            macAlg = inScheme;
        } else {
            if (keyAlg == TpmAlg.NULL) throw new TpmFailure(TpmRc.VALUE.atParameter(schemeIndex));
            macAlg = keyAlg;
        }
        boolean suits = key.publicArea().type() == TpmAlg.KEYEDHASH ? TpmiAlgHash.isImplemented(macAlg) : macAlg == TpmAlg.CMAC;
        if (!suits) throw new TpmFailure(TpmRc.SCHEME.atParameter(schemeIndex));
        if (key.attributes().restricted()) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        if (!key.attributes().signEncrypt()) throw new TpmFailure(TpmRc.KEY.atHandle(1));
        return new Selected(key, macAlg);
    }

    /** The symcipher key's cipher (for a CMAC). */
    public static int cipherOf(TpmObject key) {
        return ((TpmsSymcipherParms) key.publicArea().parameters()).sym().algorithm();
    }

    /** The symcipher key's octets (for a CMAC). */
    public static byte[] symKeyOf(TpmObject key) {
        return ((dev.jtpm.types.structure.TpmuSensitiveComposite.Sym) key.sensitive().sensitive()).key().toArray();
    }
}
