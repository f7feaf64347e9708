package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_IncrementalSelfTest (Part 3, 10.3). */
@CommandCode(TpmCc.INCREMENTAL_SELF_TEST)
public record IncrementalSelfTest(@U16 @Max(64) List<Integer> toTest) implements TpmCommand<IncrementalSelfTestResponse> {}
