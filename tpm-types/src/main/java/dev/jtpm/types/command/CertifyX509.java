package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_CertifyX509 (Part 3, 18.8): the TPM completes and signs an X.509 TBSCertificate for a loaded object;
 * objectHandle is TPMI_DH_OBJECT (ADMIN role), signHandle TPMI_DH_OBJECT+ (USER role: ms-tpm and libtpms unmarshal it
 * with the "+"), reserved must be the Empty Buffer, partialCertificate is DER (issuer, validity, subject, extensions).
 */
@CommandCode(TpmCc.CERTIFY_X509)
public record CertifyX509(@Handle(auth = Auth.ADMIN) @Is(Tpmi.DH_OBJECT) int objectHandle,
                          @Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT_OR_NULL) int signHandle,
                          @Max(Limits.DATA_SIZE) Bytes reserved,
                          TpmtSigScheme inScheme,
                          @Max(Limits.MAX_DIGEST_BUFFER) Bytes partialCertificate)
        implements TpmCommand<CertifyX509Response> {}
