package dev.jtpm.server;

/**
 * What CMD_GET_INFO reports about the TPM: the same JSON shape as swtpm/libtpms, with jtpm's own
 * vendor identity instead of IBM's ({@code id:00001014}).
 */
public final class TpmIdentity {
    private TpmIdentity() {}

    /** TPM_PT_MANUFACTURER: "JTPM" in ASCII. */
    public static final int MANUFACTURER = 0x4A54504D;
    /** The model string. */
    public static final String MODEL = "jtpm";
    /** The firmware version reported, as swtpm formats it (an 8-hex-digit id). */
    public static final int FIRMWARE_VERSION = 0x00010000;
    /** TPM specification family. */
    public static final String SPEC_FAMILY = "2.0";
    /** TPM specification level. */
    public static final int SPEC_LEVEL = 0;
    /** TPM specification revision (×100). */
    public static final int SPEC_REVISION = 164;

    /** The JSON for SWTPM_INFO_* flags; bits other than 1 and 2 are ignored, as swtpm 0.7.1 does. */
    public static String infoJson(long flags) {
        return infoJson(flags, true);
    }

    /** {@link #infoJson(long)} for a TPM 2.0 or (without {@code tpm2}) a TPM 1.2: family "1.2", level 2, revision 116. */
    public static String infoJson(long flags, boolean tpm2) {
        StringBuilder s = new StringBuilder("{");
        if ((flags & 1) != 0) {
            s.append("\"TPMSpecification\":{\"family\":\"").append(tpm2 ? SPEC_FAMILY : "1.2").append("\",\"level\":")
                    .append(tpm2 ? SPEC_LEVEL : 2).append(",\"revision\":").append(tpm2 ? SPEC_REVISION : 116).append('}');
        }
        if ((flags & 2) != 0) {
            if (s.length() > 1) s.append(',');
            s.append("\"TPMAttributes\":{\"manufacturer\":\"id:").append(String.format("%08X", MANUFACTURER))
                    .append("\",\"version\":\"id:").append(String.format("%08X", FIRMWARE_VERSION))
                    .append("\",\"model\":\"").append(MODEL).append("\"}");
        }
        return s.append('}').toString();
    }
}
