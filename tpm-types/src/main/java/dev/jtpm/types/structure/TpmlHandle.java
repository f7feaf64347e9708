package dev.jtpm.types.structure;

import dev.jtpm.types.TpmCap;
import dev.jtpm.types.codec.Wire.Arm;
import java.util.List;

/** TPML_HANDLE (Part 2, 10.9.4). */
@Arm(TpmCap.HANDLES)
public record TpmlHandle(List<Integer> handle) implements TpmuCapabilities {}
