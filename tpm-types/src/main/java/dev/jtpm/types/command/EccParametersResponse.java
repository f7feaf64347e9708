package dev.jtpm.types.command;

import dev.jtpm.types.structure.*;

/** Response of TPM2_ECC_Parameters (Part 3, 14.6). */
public record EccParametersResponse(TpmsAlgorithmDetailEcc parameters) {}
