package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_ECDH_KeyGen (Part 3, 14.4): makes an ephemeral key pair and the shared point with a loaded public
 * ECC key; keyHandle is TPMI_DH_OBJECT (no authorization).
 */
@CommandCode(TpmCc.ECDH_KEYGEN)
public record EcdhKeyGen(@Handle @Is(Tpmi.DH_OBJECT) int keyHandle) implements TpmCommand<EcdhKeyGenResponse> {}
