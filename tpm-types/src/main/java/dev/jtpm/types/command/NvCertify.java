package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_NV_Certify (Part 3, 31.16): signHandle TPMI_DH_OBJECT+ (USER role), authHandle TPMI_RH_NV_AUTH (USER role),
 * nvIndex without authorization; size and offset UINT16.
 */
@CommandCode(TpmCc.NV_CERTIFY)
public record NvCertify(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT_OR_NULL) int signHandle,
                        @Handle(auth = Auth.USER) @Is(Tpmi.RH_NV_AUTH) int authHandle,
                        @Handle @Is(Tpmi.RH_NV_INDEX) int nvIndex,
                        @Max(Limits.DATA_SIZE) Bytes qualifyingData, TpmtSigScheme inScheme,
                        @U16 int size, @U16 int offset) implements TpmCommand<NvCertifyResponse> {}
