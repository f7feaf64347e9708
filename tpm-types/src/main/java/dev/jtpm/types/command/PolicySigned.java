package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.structure.Limits;
import dev.jtpm.types.structure.TpmtSignature;

/**
 * TPM2_PolicySigned (Part 3, 23.3): a policy assertion authorized by a signature over
 * {@code H(nonceTPM || expiration || cpHashA || policyRef)}. authObject is TPMI_DH_OBJECT and
 * policySession TPMI_SH_POLICY, neither with authorization; expiration is an INT32.
 */
@CommandCode(TpmCc.POLICY_SIGNED)
public record PolicySigned(@Handle @Is(Tpmi.DH_OBJECT) int authObject,
                           @Handle @Is(Tpmi.SH_POLICY) int policySession,
                           @Max(Limits.MAX_DIGEST_SIZE) Bytes nonceTPM,
                           @Max(Limits.MAX_DIGEST_SIZE) Bytes cpHashA,
                           @Max(Limits.MAX_DIGEST_SIZE) Bytes policyRef,
                           int expiration,
                           TpmtSignature auth) implements TpmCommand<PolicySignedResponse> {}
