package dev.jtpm.types.command;

import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_HMAC_Start (Part 3, 17.2), or TPM2_MAC_Start (17.3), which has the same command code and octets:
 * starts an HMAC sequence with a keyed-hash key, or a CMAC sequence with a symcipher key; handle is
 * TPMI_DH_OBJECT (USER role), auth the sequence's authValue, hashAlg MAC_Start's inScheme
 * (TPMI_ALG_MAC_SCHEME+).
 */
@CommandCode(TpmCc.HMAC_START)
public record HmacStart(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int handle,
                        @Max(Limits.MAX_DIGEST_SIZE) Secret auth,
                        @U16 @Is(Tpmi.ALG_MAC_SCHEME_OR_NULL) int hashAlg) implements TpmCommand<HmacStartResponse> {}
