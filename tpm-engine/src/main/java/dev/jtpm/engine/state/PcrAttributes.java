package dev.jtpm.engine.state;

/**
 * The PC Client platform's PCR attributes (PC Client Platform TPM Profile, Table "PCR
 * Attributes"): which PCRs survive Shutdown(STATE), and from which localities each PCR may be
 * reset or extended (bit n = locality n). The values are those of ms-tpm-20-ref's and libtpms'
 * {@code s_initAttributes} table (PCR.c), which TPM_CAP_PCR_PROPERTIES reports.
 */
public final class PcrAttributes {
    private PcrAttributes() {}

    /** IMPLEMENTATION_PCR. */
    public static final int COUNT = 24;

    private static final int ALL = 0x1F;

    /** True if the PCR is saved by Shutdown(STATE) and restored by Startup(STATE). */
    public static boolean stateSave(int pcr) { return pcr < 16; }

    /** Localities (bit map) allowed to reset the PCR with TPM2_PCR_Reset; 0 = none. */
    public static int resetLocalities(int pcr) {
        return switch (pcr) {
            case 16, 23 -> 0x0F;
            case 17, 18, 19 -> 0x10;
            case 20, 21, 22 -> 0x14;
            default -> 0;
        };
    }

    /** Localities (bit map) allowed to extend the PCR. */
    public static int extendLocalities(int pcr) {
        return switch (pcr) {
            case 17, 18 -> 0x1C;
            case 19 -> 0x0C;
            case 20 -> 0x0E;
            case 21, 22 -> 0x04;
            default -> ALL;
        };
    }

    /**
     * True if a change of the PCR does not increment pcrUpdateCounter (TPM_PT_PCR_NO_INCREMENT):
     * PCRs 16, 21, 22 and 23, libtpms' "TCB group" (PCRBelongsTCBGroup, changed there for the PC
     * Client profile; ms-tpm-20-ref's own sample uses 20..22). Measured on swtpm 0.7.1 (libtpms
     * 0.9) with TPM2_PCR_Extend, TPM2_PCR_Event and TPM2_PCR_Reset at every locality that may
     * change the PCR: these four never count, PCR 20 and every other PCR do, whatever the locality;
     * TPM_CAP_PCR_PROPERTIES reports NO_INCREMENT as 00 00 e1.
     */
    public static boolean noIncrement(int pcr) { return pcr == 16 || (pcr >= 21 && pcr <= 23); }

    /** D-RTM PCRs (17..22) start as all-ones after _TPM_Init and are reset by _TPM_Hash_Start. */
    public static boolean isDrtm(int pcr) { return pcr >= 17 && pcr <= 22; }

    /**
     * True if the PCR belongs to the authorization group whose authValue TPM2_PCR_SetAuthValue sets: PCRs
     * 20..22 (ms-tpm's and libtpms' PCRBelongsAuthGroup, one group, NUM_AUTHVALUE_PCR_GROUP = 1).
     */
    public static boolean authGroup(int pcr) { return pcr >= 20 && pcr <= 22; }

    /**
     * True if the PCR belongs to the policy group whose authPolicy TPM2_PCR_SetAuthPolicy sets: PCRs 20..22
     * (PCRBelongsPolicyGroup, one group, NUM_POLICY_PCR_GROUP = 1).
     */
    public static boolean policyGroup(int pcr) { return pcr >= 20 && pcr <= 22; }
}
