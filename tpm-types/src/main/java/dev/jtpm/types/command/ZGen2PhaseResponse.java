package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_ZGen_2Phase (Part 3, 14.7): outZ1 and outZ2 (TPM2B_ECC_POINTs; outZ2 empty for ECMQV and SM2). */
public record ZGen2PhaseResponse(@Sized TpmsEccPoint outZ1, @Sized TpmsEccPoint outZ2) {}
