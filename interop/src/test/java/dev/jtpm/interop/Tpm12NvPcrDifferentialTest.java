package dev.jtpm.interop;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tpm12.Ordinal;
import dev.jtpm.tpm12.Tpm12Client;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * NV indices bound to PCRs on jtpm and on swtpm 0.7.1's TPM 1.2, raw, whole responses compared: pcrInfoRead and
 * pcrInfoWrite selecting PCR 16 with the digest of its value at definition, localityAtRelease restricting the
 * localities, illegal locality selections at definition, reads and writes before and after PCR 16 moves, at each
 * locality, the TPM_NV_DATA_PUBLIC TPM_GetCapability reports.
 */
@Timeout(300)
class Tpm12NvPcrDifferentialTest {
    private final List<String> diffs = new ArrayList<>();

    private static byte[] cmd(int ordinal, Object... parts) { return Tpm12Client.command(0xC1, ordinal, params(parts)); }

    private byte[] both(Tpm12Pair p, String what, byte[] command, int locality) throws Exception {
        byte[] j = p.jtpmDevice.execute(command, locality), s = p.swtpmDevice.execute(command, locality);
        if (!Arrays.equals(j, s)) diffs.add(what + "\n  jtpm  " + HexFormat.of().formatHex(j) + "\n  swtpm " + HexFormat.of().formatHex(s));
        return j;
    }

    private byte[] both(Tpm12Pair p, String what, byte[] command) throws Exception { return both(p, what, command, 0); }

    /** TPM_PCR_INFO_SHORT selecting PCR 16 (or nothing) with localityAtRelease and digestAtRelease. */
    private static byte[] info(boolean pcr16, int locality, byte[] digest) {
        return params((short) 3, new byte[] {0, 0, (byte) (pcr16 ? 1 : 0)}, (byte) locality, digest);
    }

    private static byte[] define(int index, byte[] read, byte[] write, int attributes) {
        return cmd(Ordinal.NV_DefineSpace, params((short) 0x18, index, read, write, (short) 0x17, attributes, (byte) 0, (byte) 0,
                (byte) 0, 8), new byte[20]);
    }

    @Test
    void pcrBoundIndices_answerAsSwtpm() throws Exception {
        int ppRead = 0x00010000, ppWrite = 0x00000001;
        try (Tpm12Pair p = new Tpm12Pair()) {
            both(p, "Startup", cmd(Ordinal.Startup, (short) 1));
            both(p, "PP cmd enable", cmd(Ordinal.TSC_PhysicalPresence, (short) 0x20));
            both(p, "PP present", cmd(Ordinal.TSC_PhysicalPresence, (short) 0x08));
            both(p, "NV lock", define(0xFFFFFFFF, info(false, 0x1F, new byte[20]), info(false, 0x1F, new byte[20]), 0));
            // the digest of PCR 16 (all zeros after Startup) as TPM_PCR_COMPOSITE: selection, size, value
            byte[] d0 = MessageDigest.getInstance("SHA-1").digest(params((short) 3, new byte[] {0, 0, 1}, 20, new byte[20]));
            byte[] none = info(false, 0x1F, new byte[20]);
            both(p, "define read-bound", define(0x10, info(true, 0x1F, d0), none, ppRead | ppWrite));
            both(p, "define write-bound, no write attribute", define(0x17, none, info(true, 0x1F, d0), ppRead));
            both(p, "define write-bound", define(0x11, none, info(true, 0x1F, d0), ppRead | ppWrite));
            both(p, "define read at locality 1", define(0x12, info(false, 0x02, new byte[20]), none, ppRead | ppWrite));
            both(p, "define write at localities 3,4", define(0x13, none, info(false, 0x18, new byte[20]), ppRead | ppWrite));
            both(p, "define wrong digest", define(0x14, info(true, 0x1F, new byte[20]), none, ppRead | ppWrite));
            both(p, "define locality 0", define(0x15, info(false, 0, new byte[20]), none, ppRead | ppWrite));
            both(p, "define locality 0x20", define(0x16, none, info(false, 0x20, new byte[20]), ppRead | ppWrite));
            for (int i : new int[] {0x10, 0x11, 0x12, 0x13, 0x14}) both(p, "NV_INDEX " + i, cmd(Ordinal.GetCapability, 0x11, 4, i));
            for (int loc = 0; loc <= 4; loc++) {
                for (int i : new int[] {0x10, 0x11, 0x12, 0x13, 0x14}) {
                    both(p, "write " + i + " at " + loc, cmd(Ordinal.NV_WriteValue, i, 0, 4, new byte[] {1, 2, 3, (byte) loc}), loc);
                    both(p, "read " + i + " at " + loc, cmd(Ordinal.NV_ReadValue, i, 0, 4), loc);
                }
            }
            both(p, "Extend PCR 16", cmd(Ordinal.Extend, 16, new byte[20]));
            for (int i : new int[] {0x10, 0x11, 0x12, 0x13, 0x14}) {
                both(p, "write " + i + " after the extend", cmd(Ordinal.NV_WriteValue, i, 0, 4, new byte[] {9, 9, 9, 9}));
                both(p, "read " + i + " after the extend", cmd(Ordinal.NV_ReadValue, i, 0, 4));
            }
            byte[] r = both(p, "NV list", cmd(Ordinal.GetCapability, 0x0D, 0));
            assertThat(r.length).as("indices defined").isGreaterThan(14);
        }
        assertThat(diffs).isEmpty();
    }
}
