package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Auth;
import dev.jtpm.types.codec.Wire.Handle;
import dev.jtpm.types.codec.Wire.Is;

/**
 * TPM2_DictionaryAttackParameters (Part 3, 25.3): lockHandle is TPMI_RH_LOCKOUT; times are in
 * seconds.
 */
@CommandCode(TpmCc.DICTIONARY_ATTACK_PARAMETERS)
public record DictionaryAttackParameters(@Handle(auth = Auth.USER) @Is(Tpmi.RH_LOCKOUT) int lockHandle,
                                         int newMaxTries, int newRecoveryTime, int lockoutRecovery)
        implements TpmCommand<EmptyResponse> {}
