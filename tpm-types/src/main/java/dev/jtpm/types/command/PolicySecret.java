package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Auth;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.structure.Limits;

/**
 * TPM2_PolicySecret (Part 3, 23.4): a policy assertion authorized by the authorization of authHandle
 * (TPMI_DH_ENTITY, USER role); policySession is TPMI_SH_POLICY without authorization; expiration is an
 * INT32.
 */
@CommandCode(TpmCc.POLICY_SECRET)
public record PolicySecret(@Handle(auth = Auth.USER) @Is(Tpmi.DH_ENTITY) int authHandle,
                           @Handle @Is(Tpmi.SH_POLICY) int policySession,
                           @Max(Limits.MAX_DIGEST_SIZE) Bytes nonceTPM,
                           @Max(Limits.MAX_DIGEST_SIZE) Bytes cpHashA,
                           @Max(Limits.MAX_DIGEST_SIZE) Bytes policyRef,
                           int expiration) implements TpmCommand<PolicySecretResponse> {}
