package dev.jtpm.types.structure;

import dev.jtpm.types.codec.Wire.U16;

/** TPMS_ALG_PROPERTY (Part 2, 10.8.1): an algorithm and its TPMA_ALGORITHM bits. */
public record TpmsAlgProperty(@U16 int alg, int algProperties) {}
