package dev.jtpm.engine.crypto;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.crypto.Kdf;
import dev.jtpm.engine.command.capability.TpmProperties;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.structure.TpmsAttest;
import dev.jtpm.types.structure.TpmsClockInfo;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSignature;
import dev.jtpm.types.structure.TpmuAttest;
import dev.jtpm.types.structure.TpmuSigScheme;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The attestation structure and its signature, shared by the attestation commands (Part 3, 18: Certify,
 * CertifyCreation, Quote, GetSessionAuditDigest, GetCommandAuditDigest, GetTime): ms-tpm's Attest_spt.c (FillInAttestInfo, SignAttestInfo,
 * IsSigningObject) with CryptSelectSignScheme ({@link SignSchemes}).
 *
 * <p>Use: {@link #signer} in a handler's input validation (it throws the key and scheme codes with the indices the
 * caller gives), then {@link Signer#sign} in its command output with the command's TPMU_ATTEST arm.
 *
 * <p>The TPMS_ATTEST (Part 2, 10.12.12): magic TPM_GENERATED_VALUE; qualifiedSigner the signing key's Qualified Name
 * (empty with an anonymous scheme, ECDAA; the handle TPM_RH_NULL when there is no key); extraData the qualifyingData
 * (empty with an anonymous scheme); clockInfo Clock, resetCount, restartCount, safe; firmwareVersion
 * TPM_PT_FIRMWARE_VERSION_1 || _2. Unless the key is in the endorsement or platform hierarchy, resetCount,
 * restartCount and firmwareVersion are obfuscated: {@code KDFa(SHA-512, shProof, "OBFUSCATE", qualifiedSigner, -, 128)}
 * read as two 64-bit words in the byte order of x86 (little-endian, as ms-tpm and libtpms on the hosts swtpm runs
 * on): firmwareVersion += word 0, resetCount += high half of word 1, restartCount += low half.
 *
 * <p>The signature is over {@code H(attest)} with the scheme's hash ({@code H(qualifyingData || H(attest))} with an
 * anonymous scheme and non-empty qualifyingData); with no key the signature is TPM_ALG_NULL.
 */
public final class Attestation {
    private Attestation() {}

    /** SHA-512: libtpms' CONTEXT_INTEGRITY_HASH_ALG, the hash of the obfuscation KDF. */
    private static final int OBFUSCATION_HASH = TpmAlg.SHA512;

    /** A TPMS_ATTEST and its signature. */
    public record Signed(TpmsAttest attest, TpmtSignature signature) {}

    /**
     * Who signs: the key (null for TPM_RH_NULL), the scheme and hash CryptSelectSignScheme chose (TPM_ALG_NULL for
     * no key), and the ECDAA commit count.
     */
    public record Signer(TpmObject key, int signHandle, int scheme, int hashAlg, int count) {
        /** ms-tpm CryptIsSchemeAnonymous. */
        public boolean anonymous() { return scheme == TpmAlg.ECDAA; }

        /**
         * FillInAttestInfo and SignAttestInfo: the TPMS_ATTEST of {@code attested} and its signature. A failing
         * signature (TPM_RC_SCHEME, or TPM_RC_VALUE for an ECDAA count without a commitment) is thrown without
         * an index, as ms-tpm returns it.
         */
        public Signed sign(TpmState s, Bytes qualifyingData, TpmuAttest attested) {
            TpmsAttest attest = fill(s, this, qualifyingData, attested);
            if (key == null) return new Signed(attest, TpmtSignature.NULL);
            byte[] digest = Hashes.hash(hashAlg, TpmCodec.encode(attest));
            if (anonymous() && !qualifyingData.isEmpty()) {
                digest = Hashes.hash(hashAlg, qualifyingData.toArray(), digest);
            }
            return new Signed(attest, signDigest(s, Bytes.wrap(digest)));
        }

        /**
         * ms-tpm CryptSign with the chosen scheme: the signature of {@code digest} (ECDAA with the command's count).
         * Failures as {@link #sign}; the caller has made sure there is a key.
         */
        public TpmtSignature signDigest(TpmState s, Bytes digest) {
            return scheme == TpmAlg.ECDAA ? EcdaaSign.sign(s, key, hashAlg, count, digest)
                    : Signatures.sign(key, scheme, hashAlg, digest, s.platform.entropy()::nextBytes);
        }
    }

    /**
     * Input validation of an attestation command: the key at {@code signHandle} must be a signing key with its
     * private part (ms-tpm IsSigningObject; else TPM_RC_KEY on handle {@code handleIndex}), and CryptSelectSignScheme
     * must find a scheme (else TPM_RC_SCHEME on parameter {@code schemeParameter}). TPM_RH_NULL signs with nothing.
     */
    public static Signer signer(TpmState s, int signHandle, TpmtSigScheme inScheme, int handleIndex, int schemeParameter) {
        if (signHandle == TpmRh.NULL) return new Signer(null, signHandle, TpmAlg.NULL, TpmAlg.NULL, 0);
        if (!(s.objects.get(signHandle) instanceof TpmObject key) || !SignSchemes.isSigningKey(key) || key.publicOnly()) {
            throw new TpmFailure(TpmRc.KEY.atHandle(handleIndex));
        }
        SignSchemes.Scheme scheme = SignSchemes.selectScheme(key, inScheme);
        if (scheme == null) throw new TpmFailure(TpmRc.SCHEME.atParameter(schemeParameter));
        int count = inScheme.details() instanceof TpmuSigScheme.Ecdaa e ? e.count() : 0;
        return new Signer(key, signHandle, scheme.scheme(), scheme.hashAlg(), count);
    }

    /** TPM_PT_FIRMWARE_VERSION_1 || TPM_PT_FIRMWARE_VERSION_2, in plain (GetTime's TPMS_TIME_ATTEST_INFO). */
    public static long firmwareVersion() {
        return ((long) TpmProperties.FIRMWARE_VERSION_1 << 32) | Integer.toUnsignedLong(TpmProperties.FIRMWARE_VERSION_2);
    }

    /** ms-tpm FillInAttestInfo. */
    static TpmsAttest fill(TpmState s, Signer signer, Bytes qualifyingData, TpmuAttest attested) {
        Bytes qualifiedSigner = signer.key() == null ? Bytes.wrap(ByteBuffer.allocate(4).putInt(TpmRh.NULL).array())
                : signer.anonymous() ? Bytes.EMPTY : signer.key().qualifiedName();
        long firmware = firmwareVersion();
        int resetCount = s.persistent.resetCount, restartCount = s.persistent.restartCount;
        int hierarchy = signer.key() == null ? TpmRh.NULL : signer.key().hierarchy();
        if (hierarchy != TpmRh.ENDORSEMENT && hierarchy != TpmRh.PLATFORM) {
            byte[] o = Kdf.kdfa(OBFUSCATION_HASH, s.persistent.shProof.toArray(), "OBFUSCATE", qualifiedSigner.toArray(),
                    new byte[0], 128);
            ByteBuffer le = ByteBuffer.wrap(o).order(ByteOrder.LITTLE_ENDIAN);
            long word0 = le.getLong(0), word1 = le.getLong(8);
            firmware += word0;
            resetCount += (int) (word1 >>> 32);
            restartCount += (int) word1;
        }
        TpmsClockInfo clock = new TpmsClockInfo(s.clock(), resetCount, restartCount, s.persistent.clockSafe);
        return TpmsAttest.of(qualifiedSigner, signer.anonymous() ? Bytes.EMPTY : qualifyingData, clock, firmware, attested);
    }
}
