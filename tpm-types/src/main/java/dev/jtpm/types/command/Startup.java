package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_Startup (Part 3, 9.3). */
@CommandCode(TpmCc.STARTUP)
public record Startup(@U16 int startupType) implements TpmCommand<EmptyResponse> {}
