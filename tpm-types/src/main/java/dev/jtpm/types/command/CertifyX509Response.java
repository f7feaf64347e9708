package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * Response of TPM2_CertifyX509 (Part 3, 18.8): addedToCertificate is the DER SEQUENCE of what the TPM added (version,
 * serialNumber, the signature AlgorithmIdentifier unless the caller gave it, subjectPublicKeyInfo), tbsDigest the
 * digest of the TBSCertificate that was signed.
 */
public record CertifyX509Response(@Max(Limits.MAX_DIGEST_BUFFER) Bytes addedToCertificate,
                                  @Max(Limits.MAX_DIGEST_SIZE) Bytes tbsDigest,
                                  TpmtSignature signature) {}
