package dev.jtpm.types.structure;

/**
 * TPMU_PUBLIC_PARMS (Part 2, 12.2.3.7): the algorithm parameters of an object, selected by its
 * type (TPMI_ALG_PUBLIC).
 */
public sealed interface TpmuPublicParms permits TpmsKeyedhashParms, TpmsSymcipherParms, TpmsRsaParms, TpmsEccParms {}
