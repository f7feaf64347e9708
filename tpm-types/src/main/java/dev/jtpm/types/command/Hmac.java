package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_HMAC (Part 3, 15.5): computes an HMAC over a buffer with a keyed-hash key; handle is TPMI_DH_OBJECT
 * (USER role), hashAlg TPMI_ALG_HASH+ (NULL: the key's scheme).
 */
@CommandCode(TpmCc.HMAC)
public record Hmac(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int handle,
                   @Max(Limits.MAX_DIGEST_BUFFER) Bytes buffer,
                   @U16 @Is(Tpmi.ALG_HASH_OR_NULL) int hashAlg) implements TpmCommand<HmacResponse> {}
