package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_GetCapability (Part 3, 30.2). */
@CommandCode(TpmCc.GET_CAPABILITY)
public record GetCapability(int capability, int property, int propertyCount) implements TpmCommand<GetCapabilityResponse> {}
