package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_MakeCredential (Part 3, 12.6): wraps a credential for an object Name with a loaded public key;
 * handle is TPMI_DH_OBJECT (no authorization).
 */
@CommandCode(TpmCc.MAKE_CREDENTIAL)
public record MakeCredential(@Handle @Is(Tpmi.DH_OBJECT) int handle,
                             @Max(Limits.MAX_DIGEST_SIZE) Bytes credential,
                             @Max(Limits.NAME_SIZE) Bytes objectName) implements TpmCommand<MakeCredentialResponse> {}
