package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_ClockRateAdjust (Part 3, 29.3); auth is TPMI_RH_PROVISION. */
@CommandCode(TpmCc.CLOCK_RATE_ADJUST)
public record ClockRateAdjust(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PROVISION) int auth, @U8 int rateAdjust) implements TpmCommand<EmptyResponse> {}
