package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_ReadClock (Part 3, 29.1). */
@CommandCode(TpmCc.READ_CLOCK)
public record ReadClock() implements TpmCommand<ReadClockResponse> {}
