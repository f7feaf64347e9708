package dev.jtpm.types.structure;

import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.codec.Wire.Arm;

/** TPMS_KEYEDHASH_PARMS (Part 2, 12.2.3.3): the parameters of a keyed-hash object (HMAC key, sealed data). */
@Arm(TpmAlg.KEYEDHASH)
public record TpmsKeyedhashParms(TpmtKeyedhashScheme scheme) implements TpmuPublicParms {}
