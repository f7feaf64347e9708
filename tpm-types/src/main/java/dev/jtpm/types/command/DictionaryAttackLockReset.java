package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Auth;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;

/** TPM2_DictionaryAttackLockReset (Part 3, 25.2); lockHandle is TPMI_RH_LOCKOUT. */
@CommandCode(TpmCc.DICTIONARY_ATTACK_LOCK_RESET)
public record DictionaryAttackLockReset(@Handle(auth = Auth.USER) @Is(Tpmi.RH_LOCKOUT) int lockHandle)
        implements TpmCommand<EmptyResponse> {}
