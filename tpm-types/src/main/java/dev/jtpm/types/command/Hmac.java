package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_HMAC (Part 3, 15.5), or TPM2_MAC (15.6), which has the same command code and octets: computes an
 * HMAC with a keyed-hash key, or a CMAC with a symcipher key; handle is TPMI_DH_OBJECT (USER role), hashAlg
 * is MAC's inScheme, a TPMI_ALG_MAC_SCHEME+ (a hash or CMAC; NULL: the key's scheme), as libtpms 0.9
 * unmarshals it.
 */
@CommandCode(TpmCc.HMAC)
public record Hmac(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int handle,
                   @Max(Limits.MAX_DIGEST_BUFFER) Bytes buffer,
                   @U16 @Is(Tpmi.ALG_MAC_SCHEME_OR_NULL) int hashAlg) implements TpmCommand<HmacResponse> {}
