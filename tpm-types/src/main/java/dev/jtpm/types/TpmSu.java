package dev.jtpm.types;

/** TPM_SU startup types (Part 2, 6.10). */
public final class TpmSu {
    private TpmSu() {}

    public static final int CLEAR = 0x0000, STATE = 0x0001;
}
