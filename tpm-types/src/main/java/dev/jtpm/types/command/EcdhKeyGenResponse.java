package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_ECDH_KeyGen (Part 3, 14.4). Both are TPM2B_ECC_POINTs. */
public record EcdhKeyGenResponse(@Sized TpmsEccPoint zPoint, @Sized TpmsEccPoint pubPoint) {}
