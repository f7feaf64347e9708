package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;

/**
 * TPM2_EvictControl (Part 3, 28.5): makes a transient object persistent or evicts a persistent one; auth
 * is TPMI_RH_PROVISION (USER role), objectHandle TPMI_DH_OBJECT, persistentHandle TPMI_DH_PERSISTENT.
 */
@CommandCode(TpmCc.EVICT_CONTROL)
public record EvictControl(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PROVISION) int auth,
                           @Handle @Is(Tpmi.DH_OBJECT) int objectHandle,
                           @Is(Tpmi.DH_PERSISTENT) int persistentHandle) implements TpmCommand<EmptyResponse> {}
