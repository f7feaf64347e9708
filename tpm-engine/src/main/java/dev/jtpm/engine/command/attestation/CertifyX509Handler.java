package dev.jtpm.engine.command.attestation;

import dev.jtpm.crypto.Hashes;
import dev.jtpm.crypto.x509.Der;
import dev.jtpm.crypto.x509.PartialCertificate;
import dev.jtpm.crypto.x509.X509Encodings;
import dev.jtpm.crypto.x509.X509Extensions;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Attestation;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.CertifyX509;
import dev.jtpm.types.command.CertifyX509Response;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSignature;
import dev.jtpm.types.structure.TpmuPublicId;
import java.util.Arrays;

/**
 * TPM2_CertifyX509 (Part 3, 18.8), as ms-tpm-20-ref's CertifyX509.c and libtpms 0.9: the caller's partialCertificate
 * (a DER SEQUENCE of [signature,] issuer, validity, subject and the extensions [3], split by {@link PartialCertificate}
 * and checked against the object by {@link X509Extensions}) is completed into a TBSCertificate with the version (v3),
 * a serial number, the signature AlgorithmIdentifier of the chosen scheme (unless given) and the object's
 * subjectPublicKeyInfo ({@link X509Encodings}: RSA and ECC keys), and signed with signHandle.
 *
 * <p>The serial number is the first min(20, digest size) octets of {@code H_signKey.nameAlg(signature || issuer ||
 * validity || subject || subjectPublicKeyInfo || extensions || Name(signKey) || Name(object))}, so the same request
 * gets the same serial. The TBSCertificate is {@code SEQUENCE { version, serialNumber, signature, issuer, validity,
 * subject, subjectPublicKeyInfo, extensions }}; tbsDigest is its digest with the scheme's hash, and the signature is
 * over tbsDigest. addedToCertificate is {@code SEQUENCE { version, serialNumber, [signature,] subjectPublicKeyInfo }}.
 * objectHandle is authorized in the ADMIN role, signHandle in the USER role, by the pipeline.
 *
 * <p>Response codes, in ms-tpm's order:
 * <ul>
 *   <li>TPM_RC_SIZE (parameter 1): reserved is not the Empty Buffer;</li>
 *   <li>TPM_RC_KEY (handle 2): signHandle is not a signing key (IsSigningObject, as {@link Attestation#signer});</li>
 *   <li>TPM_RC_SCHEME (parameter 2): CryptSelectSignScheme finds no scheme;</li>
 *   <li>TPM_RC_ASYMMETRIC (handle 1): the object is not an RSA or ECC key, or its curve has no OID (the BN curves), or
 *       it is a sequence object;</li>
 *   <li>TPM_RC_VALUE (parameter 3): an empty partialCertificate;</li>
 *   <li>TPM_RC_SIZE (parameter 3): partialCertificate is not one SEQUENCE that takes all its octets;</li>
 *   <li>TPM_RC_VALUE (parameter 3): inside it, an element other than a SEQUENCE or [3], a second [3], a bad tag or
 *       length, fewer than three or more than four SEQUENCEs, or no [3];</li>
 *   <li>TPM_RC_SCHEME (handle 2): three SEQUENCEs and no AlgorithmIdentifier for the scheme (only RSASSA, RSAPSS and
 *       ECDSA with SHA-1/256/384/512 have one; an HMAC key has none; nor has TPM_RH_NULL);</li>
 *   <li>TPM_RC_ATTRIBUTES (handle 1): a tcg-tpmaObject extension differs from the object's attributes;</li>
 *   <li>TPM_RC_VALUE (parameter 3): the extensions are malformed, keyUsage is missing, or it asks for what the object
 *       cannot do (sign, decrypt, nonRepudiation without fixedTPM, keyAgreement without restricted);</li>
 *   <li>TPM_RC_KEY (handle 2): signHandle is TPM_RH_NULL and the caller gave the AlgorithmIdentifier — jtpm's
 *       answer where ms-tpm and libtpms 0.9 dereference the missing key (swtpm crashes);</li>
 *   <li>TPM_RC_SCHEME / TPM_RC_VALUE (no index): from the signature (an ECDAA count without a TPM2_Commit);</li>
 *   <li>from unmarshalling and the pipeline: TPM_RC_VALUE (handle 1 or 2), TPM_RC_SIZE (parameters 1 and 3 longer
 *       than their TPM2B), TPM_RC_SCHEME/TPM_RC_HASH (parameter 2), TPM_RC_HANDLE / TPM_RC_REFERENCE_H0/H1,
 *       TPM_RC_AUTH_MISSING, TPM_RC_BAD_AUTH / TPM_RC_AUTH_FAIL, TPM_RC_AUTH_TYPE, TPM_RC_AUTH_UNAVAILABLE,
 *       TPM_RC_POLICY_CC / TPM_RC_POLICY_FAIL.</li>
 * </ul>
 * libtpms 0.9.2 reports objectHandle errors on handle 2 and signHandle errors on handle 1 (its RC_CertifyX509_*
 * constants were swapped; fixed in later libtpms and in ms-tpm); jtpm reports them on the handles they concern.
 */
public final class CertifyX509Handler implements CommandHandler<CertifyX509, CertifyX509Response> {
    /** ms-tpm's SIZE_OF_X509_SERIAL_NUMBER. */
    static final int SERIAL_NUMBER_SIZE = 20;
    /** version [0] INTEGER 2 (v3). */
    private static final byte[] VERSION = Der.context(0, Der.integer(2));

    @Override
    public CertifyX509Response execute(CertifyX509 cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        // input validation
        if (!cmd.reserved().isEmpty()) throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        Attestation.Signer signer = Attestation.signer(s, cmd.signHandle(), cmd.inScheme(), 2, 2);
        TpmObject object = s.objects.get(cmd.objectHandle()) instanceof TpmObject o ? o : null;
        byte[] publicKey = object == null ? null : subjectPublicKeyInfo(object.publicArea());
        if (publicKey == null) throw new TpmFailure(TpmRc.ASYMMETRIC.atHandle(1));
        PartialCertificate partial = switch (PartialCertificate.parse(cmd.partialCertificate().toArray())) {
            case PartialCertificate.Parsed p -> p.certificate();
            case PartialCertificate.Refused r -> throw new TpmFailure(
                    (r.refusal() == PartialCertificate.Refusal.NOT_ONE_SEQUENCE ? TpmRc.SIZE : TpmRc.VALUE).atParameter(3));
        };
        byte[] added = partial.hasSignature() ? null : signingAlgorithm(signer);
        if (!partial.hasSignature() && added == null) throw new TpmFailure(TpmRc.SCHEME.atHandle(2));
        switch (X509Extensions.check(partial.extensions().toArray(), object.attributes().value())) {
            case ATTRIBUTES -> throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
            case VALUE -> throw new TpmFailure(TpmRc.VALUE.atParameter(3));
            case OK -> { }
        }
        if (signer.key() == null) throw new TpmFailure(TpmRc.KEY.atHandle(2));

        // command output
        byte[] signature = partial.hasSignature() ? partial.signature().toArray() : added;
        byte[] issuer = partial.issuer().toArray(), validity = partial.validity().toArray();
        byte[] subject = partial.subject().toArray(), extensions = partial.extensions().toArray();
        TpmObject key = signer.key();
        byte[] digest = Hashes.hash(key.publicArea().nameAlg(), signature, issuer, validity, subject, publicKey,
                extensions, key.name().toArray(), object.name().toArray());
        byte[] serial = Der.integer(Arrays.copyOf(digest, Math.min(digest.length, SERIAL_NUMBER_SIZE)));
        byte[] addedToCertificate = Der.sequence(VERSION, serial, added == null ? new byte[0] : added, publicKey);
        byte[] body = Der.concat(VERSION, serial, signature, issuer, validity, subject, publicKey, extensions);
        byte[] tbs = Der.concat(Der.header(Der.SEQUENCE, body.length), body);
        Bytes tbsDigest = Bytes.wrap(Hashes.hash(signer.hashAlg(), tbs));
        TpmtSignature sig = signer.signDigest(s, tbsDigest);
        return new CertifyX509Response(Bytes.wrap(addedToCertificate), tbsDigest, sig);
    }

    /** X509AddPublicKey: the subjectPublicKeyInfo of an RSA or ECC key, else null. */
    private static byte[] subjectPublicKeyInfo(TpmtPublic pub) {
        return switch (pub.parameters()) {
            case TpmsRsaParms p -> X509Encodings.rsaPublicKey(((TpmuPublicId.Rsa) pub.unique()).n().toArray(), p.exponent());
            case TpmsEccParms p -> {
                TpmsEccPoint q = (TpmsEccPoint) pub.unique();
                yield X509Encodings.eccPublicKey(p.curveID(), q.x().toArray(), q.y().toArray());
            }
            default -> null;
        };
    }

    /** X509AddSigningAlgorithm: the AlgorithmIdentifier of the chosen scheme, or null (none, or no key). */
    private static byte[] signingAlgorithm(Attestation.Signer signer) {
        TpmObject key = signer.key();
        if (key == null) return null;
        TpmtPublic pub = key.publicArea();
        return switch (pub.type()) {
            case TpmAlg.RSA -> X509Encodings.rsaSignatureAlgorithm(signer.scheme(), signer.hashAlg(),
                    ((TpmuPublicId.Rsa) pub.unique()).n().size());
            case TpmAlg.ECC -> X509Encodings.eccSignatureAlgorithm(signer.scheme(), signer.hashAlg());
            default -> null;
        };
    }
}
