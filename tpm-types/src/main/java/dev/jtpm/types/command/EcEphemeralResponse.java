package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_EC_Ephemeral (Part 3, 19.3): Q = [r]G (TPM2B_ECC_POINT) and the commit counter's low 16 bits. */
public record EcEphemeralResponse(@Sized TpmsEccPoint q, @U16 int counter) {}
