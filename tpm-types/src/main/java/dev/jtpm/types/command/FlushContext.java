package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;

/** TPM2_FlushContext (Part 3, 28.4): the handle travels in the parameter area. */
@CommandCode(TpmCc.FLUSH_CONTEXT)
public record FlushContext(int flushHandle) implements TpmCommand<EmptyResponse> {}
