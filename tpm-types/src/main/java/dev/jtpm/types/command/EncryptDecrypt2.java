package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_EncryptDecrypt2 (Part 3, 15.3): TPM2_EncryptDecrypt with inData first; keyHandle is TPMI_DH_OBJECT
 * (USER role).
 */
@CommandCode(TpmCc.ENCRYPT_DECRYPT2)
public record EncryptDecrypt2(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int keyHandle,
                              @Max(Limits.MAX_DIGEST_BUFFER) Bytes inData,
                              boolean decrypt,
                              @U16 @Is(Tpmi.ALG_CIPHER_MODE_OR_NULL) int mode,
                              @Max(Limits.MAX_SYM_BLOCK_SIZE) Bytes ivIn)
        implements TpmCommand<EncryptDecryptResponse> {}
