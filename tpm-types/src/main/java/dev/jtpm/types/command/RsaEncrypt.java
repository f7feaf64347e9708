package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_RSA_Encrypt (Part 3, 14.2): pads and encrypts a message with the public part of an RSA key;
 * keyHandle is TPMI_DH_OBJECT (no authorization).
 */
@CommandCode(TpmCc.RSA_ENCRYPT)
public record RsaEncrypt(@Handle @Is(Tpmi.DH_OBJECT) int keyHandle,
                         @Max(Limits.MAX_RSA_KEY_BYTES) Bytes message,
                         TpmtRsaDecrypt inScheme,
                         @Max(Limits.DATA_SIZE) Bytes label) implements TpmCommand<RsaEncryptResponse> {}
