package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.structure.Limits;
import dev.jtpm.types.structure.TpmtTkAuth;

/**
 * TPM2_PolicyTicket (Part 3, 23.5): replays a PolicySigned or PolicySecret assertion from its
 * TPMT_TK_AUTH. policySession is TPMI_SH_POLICY without authorization; timeout is a TPM2B_TIMEOUT,
 * authName a TPM2B_NAME.
 */
@CommandCode(TpmCc.POLICY_TICKET)
public record PolicyTicket(@Handle @Is(Tpmi.SH_POLICY) int policySession,
                           @Max(Limits.TIMEOUT_SIZE) Bytes timeout,
                           @Max(Limits.MAX_DIGEST_SIZE) Bytes cpHashA,
                           @Max(Limits.MAX_DIGEST_SIZE) Bytes policyRef,
                           @Max(Limits.NAME_SIZE) Bytes authName,
                           TpmtTkAuth ticket) implements TpmCommand<EmptyResponse> {}
