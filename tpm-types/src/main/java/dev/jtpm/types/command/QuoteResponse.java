package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_Quote (Part 3, 18.4). */
public record QuoteResponse(@Sized TpmsAttest quoted, TpmtSignature signature) {}
