package dev.jtpm.types.structure;

import dev.jtpm.types.codec.Wire.Selector;

/** TPMS_CAPABILITY_DATA (Part 2, 10.10.2): the capability selector comes from the arm. */
public record TpmsCapabilityData(@Selector(bits = 32) TpmuCapabilities data) {}
