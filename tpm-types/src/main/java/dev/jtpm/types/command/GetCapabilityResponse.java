package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** Response of TPM2_GetCapability. */
public record GetCapabilityResponse(boolean moreData, TpmsCapabilityData capabilityData) {}
