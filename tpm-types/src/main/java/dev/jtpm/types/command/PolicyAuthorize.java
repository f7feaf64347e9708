package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.structure.Limits;
import dev.jtpm.types.structure.TpmtTkVerified;

/**
 * TPM2_PolicyAuthorize (Part 3, 23.16): replaces the policyDigest by one that names the key (keySign,
 * a TPM2B_NAME) whose signature over {@code approvedPolicy || policyRef} checkTicket proves.
 * policySession is TPMI_SH_POLICY without authorization.
 */
@CommandCode(TpmCc.POLICY_AUTHORIZE)
public record PolicyAuthorize(@Handle @Is(Tpmi.SH_POLICY) int policySession,
                              @Max(Limits.MAX_DIGEST_SIZE) Bytes approvedPolicy,
                              @Max(Limits.MAX_DIGEST_SIZE) Bytes policyRef,
                              @Max(Limits.NAME_SIZE) Bytes keySign,
                              TpmtTkVerified checkTicket) implements TpmCommand<EmptyResponse> {}
