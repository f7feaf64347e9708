package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_RSA_Decrypt (Part 3, 14.3): decrypts and unpads with the private part of an RSA key; keyHandle is
 * TPMI_DH_OBJECT (USER role).
 */
@CommandCode(TpmCc.RSA_DECRYPT)
public record RsaDecrypt(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int keyHandle,
                         @Max(Limits.MAX_RSA_KEY_BYTES) Bytes cipherText,
                         TpmtRsaDecrypt inScheme,
                         @Max(Limits.DATA_SIZE) Bytes label) implements TpmCommand<RsaDecryptResponse> {}
