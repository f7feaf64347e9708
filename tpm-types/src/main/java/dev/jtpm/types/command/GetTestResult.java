package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_GetTestResult (Part 3, 10.4). */
@CommandCode(TpmCc.GET_TEST_RESULT)
public record GetTestResult() implements TpmCommand<GetTestResultResponse> {}
