package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_VerifySignature (Part 3, 20.1): checks a signature over a digest with a loaded key; keyHandle is
 * TPMI_DH_OBJECT (no authorization).
 */
@CommandCode(TpmCc.VERIFY_SIGNATURE)
public record VerifySignature(@Handle @Is(Tpmi.DH_OBJECT) int keyHandle,
                              @Max(Limits.MAX_DIGEST_SIZE) Bytes digest,
                              TpmtSignature signature) implements TpmCommand<VerifySignatureResponse> {}
