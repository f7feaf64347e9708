package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_ZGen_2Phase (Part 3, 14.7): the second phase of a two-phase key exchange with the static key
 * keyA (TPMI_DH_OBJECT, USER role) and the ephemeral key of TPM2_EC_Ephemeral named by counter.
 * inQsB and inQeB are TPM2B_ECC_POINTs, inScheme is TPMI_ECC_KEY_EXCHANGE (no TPM_ALG_NULL).
 */
@CommandCode(TpmCc.ZGEN_2PHASE)
public record ZGen2Phase(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int keyA,
                         @Sized TpmsEccPoint inQsB,
                         @Sized TpmsEccPoint inQeB,
                         @U16 @Is(Tpmi.ECC_KEY_EXCHANGE) int inScheme,
                         @U16 int counter) implements TpmCommand<ZGen2PhaseResponse> {}
