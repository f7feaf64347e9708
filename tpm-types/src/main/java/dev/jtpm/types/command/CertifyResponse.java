package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_Certify (Part 3, 18.2). certifyInfo is the TPM2B_ATTEST the signature covers. */
public record CertifyResponse(@Sized TpmsAttest certifyInfo, TpmtSignature signature) {}
