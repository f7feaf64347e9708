package dev.jtpm.types;

/** TPM_CAP capability selectors (Part 2, 6.12). */
public final class TpmCap {
    private TpmCap() {}

    public static final int ALGS = 0, HANDLES = 1, COMMANDS = 2, PP_COMMANDS = 3, AUDIT_COMMANDS = 4, PCRS = 5,
            TPM_PROPERTIES = 6, PCR_PROPERTIES = 7, ECC_CURVES = 8, AUTH_POLICIES = 9, ACT = 10;
}
