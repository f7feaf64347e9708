package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_EncryptDecrypt (Part 3, 15.2): encrypts or decrypts with a symmetric cipher object; keyHandle is
 * TPMI_DH_OBJECT (USER role), mode a TPMI_ALG_CIPHER_MODE+ (TPM_RC_MODE). Superseded by
 * TPM2_EncryptDecrypt2, whose first parameter can be session-encrypted.
 */
@CommandCode(TpmCc.ENCRYPT_DECRYPT)
public record EncryptDecrypt(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int keyHandle,
                             boolean decrypt,
                             @U16 @Is(Tpmi.ALG_CIPHER_MODE_OR_NULL) int mode,
                             @Max(Limits.MAX_SYM_BLOCK_SIZE) Bytes ivIn,
                             @Max(Limits.MAX_DIGEST_BUFFER) Bytes inData)
        implements TpmCommand<EncryptDecryptResponse> {}
