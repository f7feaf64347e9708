package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_Shutdown (Part 3, 9.4). */
@CommandCode(TpmCc.SHUTDOWN)
public record Shutdown(@U16 int shutdownType) implements TpmCommand<EmptyResponse> {}
