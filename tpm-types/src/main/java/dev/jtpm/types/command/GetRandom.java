package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_GetRandom (Part 3, 16.1). */
@CommandCode(TpmCc.GET_RANDOM)
public record GetRandom(@U16 int bytesRequested) implements TpmCommand<GetRandomResponse> {}
