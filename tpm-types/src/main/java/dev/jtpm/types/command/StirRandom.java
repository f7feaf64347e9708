package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_StirRandom (Part 3, 16.2). */
@CommandCode(TpmCc.STIR_RANDOM)
public record StirRandom(@Max(128) Bytes inData) implements TpmCommand<EmptyResponse> {}
