package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_CertifyCreation (Part 3, 18.3). certifyInfo is the TPM2B_ATTEST the signature covers. */
public record CertifyCreationResponse(@Sized TpmsAttest certifyInfo, TpmtSignature signature) {}
