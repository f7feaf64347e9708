package dev.jtpm.types.structure;

/**
 * TPMU_ATTEST (Part 2, 10.12.11): what an attestation structure attests, selected by its
 * TPMI_ST_ATTEST type.
 */
public sealed interface TpmuAttest permits TpmsCertifyInfo, TpmsCreationInfo, TpmsQuoteInfo, TpmsCommandAuditInfo,
        TpmsSessionAuditInfo, TpmsTimeAttestInfo, TpmsNvCertifyInfo, TpmsNvDigestCertifyInfo {}
