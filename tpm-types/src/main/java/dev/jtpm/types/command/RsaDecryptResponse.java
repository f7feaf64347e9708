package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_RSA_Decrypt (Part 3, 14.3). */
public record RsaDecryptResponse(@Max(Limits.MAX_RSA_KEY_BYTES) Bytes message) {}
