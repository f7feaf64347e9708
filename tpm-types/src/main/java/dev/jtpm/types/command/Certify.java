package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_Certify (Part 3, 18.2): signs an attestation of a loaded object; objectHandle is TPMI_DH_OBJECT
 * (ADMIN role), signHandle TPMI_DH_OBJECT+ (USER role).
 */
@CommandCode(TpmCc.CERTIFY)
public record Certify(@Handle(auth = Auth.ADMIN) @Is(Tpmi.DH_OBJECT) int objectHandle,
                      @Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT_OR_NULL) int signHandle,
                      @Max(Limits.DATA_SIZE) Bytes qualifyingData,
                      TpmtSigScheme inScheme) implements TpmCommand<CertifyResponse> {}
