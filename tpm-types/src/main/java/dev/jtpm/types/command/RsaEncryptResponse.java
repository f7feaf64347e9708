package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_RSA_Encrypt (Part 3, 14.2). */
public record RsaEncryptResponse(@Max(Limits.MAX_RSA_KEY_BYTES) Bytes outData) {}
