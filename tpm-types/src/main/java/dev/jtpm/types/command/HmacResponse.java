package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_HMAC (Part 3, 15.5). */
public record HmacResponse(@Max(Limits.MAX_DIGEST_SIZE) Bytes outHMAC) {}
