package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_ClockSet (Part 3, 29.2); auth is TPMI_RH_PROVISION. */
@CommandCode(TpmCc.CLOCK_SET)
public record ClockSet(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PROVISION) int auth, long newTime) implements TpmCommand<EmptyResponse> {}
