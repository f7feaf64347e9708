package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_SelfTest (Part 3, 10.2). */
@CommandCode(TpmCc.SELF_TEST)
public record SelfTest(boolean fullTest) implements TpmCommand<EmptyResponse> {}
