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
 * TPM_SHA1Start/Update/Complete/CompleteExtend on jtpm and on swtpm 0.7.1's TPM 1.2, raw: whole responses equal
 * (maxNumBytes, digests, PCR values) and codes equal for every misuse (no thread, partial blocks, a final part above 64 octets, a
 * thread ended by another command or by an error, bad PCR index and locality, tags, before TPM_Startup); TPM_CAP_ORD
 * says TRUE for the four on both. The digest is also checked against the JDK's SHA-1.
 */
@Timeout(300)
class Tpm12HashDifferentialTest {
    private final List<String> diffs = new ArrayList<>();

    private static byte[] tagged(int tag, int ordinal, Object... parts) { return Tpm12Client.command(tag, ordinal, params(parts)); }

    private static byte[] cmd(int ordinal, Object... parts) { return tagged(0xC1, ordinal, parts); }

    private byte[] both(Tpm12Pair p, String what, byte[] command, int locality) throws Exception {
        byte[] j = p.jtpmDevice.execute(command, locality), s = p.swtpmDevice.execute(command, locality);
        if (!Arrays.equals(j, s)) diffs.add(what + "\n  jtpm  " + HexFormat.of().formatHex(j) + "\n  swtpm " + HexFormat.of().formatHex(s));
        return j;
    }

    private byte[] both(Tpm12Pair p, String what, byte[] command) throws Exception { return both(p, what, command, 0); }

    static byte[] data(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + 3);
        return b;
    }

    @Test
    void sha1Thread_answersAsSwtpm() throws Exception {
        try (Tpm12Pair p = new Tpm12Pair()) {
            both(p, "SHA1Start before Startup", cmd(Ordinal.SHA1Start));
            both(p, "Startup", cmd(Ordinal.Startup, (short) 1));
            for (int ord : new int[] {Ordinal.SHA1Start, Ordinal.SHA1Update, Ordinal.SHA1Complete, Ordinal.SHA1CompleteExtend}) {
                byte[] r = both(p, "TPM_CAP_ORD 0x" + Integer.toHexString(ord), cmd(Ordinal.GetCapability, 1, 4, ord));
                assertThat(r[r.length - 1]).as("TPM_CAP_ORD 0x" + Integer.toHexString(ord)).isEqualTo((byte) 1);
            }
            both(p, "Update without a thread", cmd(Ordinal.SHA1Update, 64, data(64)));
            both(p, "Complete without a thread", cmd(Ordinal.SHA1Complete, 0));
            both(p, "CompleteExtend without a thread", cmd(Ordinal.SHA1CompleteExtend, 16, 0));
            both(p, "Start with AUTH1 tag", tagged(0xC2, Ordinal.SHA1Start));
            both(p, "Start with a parameter", cmd(Ordinal.SHA1Start, 1));
            byte[] start = both(p, "Start", cmd(Ordinal.SHA1Start));
            int max = java.nio.ByteBuffer.wrap(start, 10, 4).getInt();
            both(p, "Update 64", cmd(Ordinal.SHA1Update, 64, data(64)));
            both(p, "Update 0", cmd(Ordinal.SHA1Update, 0));
            both(p, "Update maxNumBytes", cmd(Ordinal.SHA1Update, max, data(max)));
            byte[] done = both(p, "Complete 10", cmd(Ordinal.SHA1Complete, 10, data(10)));
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(data(64));
            md.update(data(max));
            md.update(data(10));
            assertThat(Arrays.copyOfRange(done, 10, 30)).isEqualTo(md.digest());
            both(p, "Complete again", cmd(Ordinal.SHA1Complete, 0));
            both(p, "Start", cmd(Ordinal.SHA1Start));
            both(p, "Update 63", cmd(Ordinal.SHA1Update, 63, data(63)));
            both(p, "Complete after a bad update", cmd(Ordinal.SHA1Complete, 0));
            // (maxNumBytes + 64 octets of data make a command above the servers' 4096-octet buffer: not sent)
            both(p, "Start", cmd(Ordinal.SHA1Start));
            both(p, "Complete 65", cmd(Ordinal.SHA1Complete, 65, data(65)));
            both(p, "Complete after 65", cmd(Ordinal.SHA1Complete, 0));
            both(p, "Start", cmd(Ordinal.SHA1Start));
            both(p, "PcrRead in a thread", cmd(Ordinal.PcrRead, 0));
            both(p, "Complete after another command", cmd(Ordinal.SHA1Complete, 0));
            both(p, "Start", cmd(Ordinal.SHA1Start));
            both(p, "Start again", cmd(Ordinal.SHA1Start));
            both(p, "Complete empty", cmd(Ordinal.SHA1Complete, 0));
            for (int[] pl : new int[][] {{16, 0}, {0, 0}, {23, 3}, {24, 0}, {-1, 0}, {17, 0}, {17, 4}, {18, 0}, {18, 2}, {10, 1}}) {
                both(p, "Start", cmd(Ordinal.SHA1Start));
                both(p, "Update before CompleteExtend", cmd(Ordinal.SHA1Update, 64, data(64)));
                both(p, "CompleteExtend PCR " + pl[0] + " at " + pl[1], cmd(Ordinal.SHA1CompleteExtend, pl[0], 5, data(5)), pl[1]);
                both(p, "PcrRead after CompleteExtend " + pl[0], cmd(Ordinal.PcrRead, Math.max(0, Math.min(23, pl[0]))));
                both(p, "Complete after CompleteExtend", cmd(Ordinal.SHA1Complete, 0));
            }
            both(p, "Start", cmd(Ordinal.SHA1Start));
            both(p, "CompleteExtend 65", cmd(Ordinal.SHA1CompleteExtend, 16, 65, data(65)));
        }
        assertThat(diffs).isEmpty();
    }
}
