package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_ECDH_ZGen (Part 3, 14.5). */
public record EcdhZGenResponse(@Sized TpmsEccPoint outPoint) {}
