package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.structure.Limits;
import dev.jtpm.types.structure.TpmtTkAuth;

/**
 * Response of TPM2_PolicySecret (Part 3, 23.4): timeout is a TPM2B_TIMEOUT (at most a UINT64),
 * empty unless a ticket was made.
 */
public record PolicySecretResponse(@Max(Limits.TIMEOUT_SIZE) Bytes timeout, TpmtTkAuth policyTicket) {}
