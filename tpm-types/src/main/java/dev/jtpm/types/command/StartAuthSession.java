package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;
import dev.jtpm.types.codec.Wire.U16;
import dev.jtpm.types.codec.Wire.U8;
import dev.jtpm.types.structure.TpmtSymDef;

/**
 * TPM2_StartAuthSession (Part 3, 11.1): tpmKey is TPMI_DH_OBJECT+ (the salt decryption key),
 * bind is TPMI_DH_ENTITY+.
 */
@CommandCode(TpmCc.START_AUTH_SESSION)
public record StartAuthSession(@Handle @Is(Tpmi.DH_OBJECT_OR_NULL) int tpmKey, @Handle @Is(Tpmi.DH_ENTITY_OR_NULL) int bind, @Max(64) Bytes nonceCaller,
                               Bytes encryptedSalt, @U8 int sessionType, TpmtSymDef symmetric,
                               @U16 @Is(Tpmi.ALG_HASH) int authHash) implements TpmCommand<StartAuthSessionResponse> {}
