package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TPM2_Load of objects whose private or public area has one octet changed — at every offset, and for
 * a sealed data object, an HMAC key and an ECC signing key under an ECC storage key — answers the
 * same response code on jtpm as on swtpm 0.7.1 (libtpms) for every offset. Each TPM loads its own
 * blobs (the keys differ), but the layout of a TPM2B_PRIVATE (integrity HMAC, then the encrypted
 * sensitive area) and the checks on it are the specification's, so the answer per offset must agree:
 * TPM_RC_INTEGRITY where the HMAC no longer matches, TPM_RC_SIZE where a size field breaks, and so on.
 */
class LoadTamperDifferentialTest {
    private static final int OWNER = 0x40000001, NULL = 0x0010, SHA256 = 0x000B;
    private static final int FIXED = (1 << 1) | (1 << 4) | (1 << 6);
    private static final int SDO = 1 << 5, RESTRICTED = 1 << 16, DECRYPT = 1 << 17, SIGN = 1 << 18;
    /** The ECC P-256 storage key (AES-128-CFB) every object is created under. */
    private static int storageKey(SwtpmSocketTransport t) throws IOException {
        byte[] template = cat(u16(0x0023, SHA256), u32(FIXED | SDO | RESTRICTED | DECRYPT), u16(0), u16(0x0006, 128, 0x0043),
                u16(NULL), u16(0x0003), u16(NULL), u16(0, 0));
        return createPrimary(t, OWNER, template, "the ECC storage key");
    }

    /** TPM2_Create under {@code parent}: the TPM2B_PRIVATE and TPM2B_PUBLIC octets (each with its size). */
    private static byte[][] create(SwtpmSocketTransport t, int parent, byte[] template, byte[] data) throws IOException {
        byte[] r = execute(t, authorized(0x153, parent, cat(sized(cat(u16(4), "pass".getBytes(), sized(data))), sized(template),
                u16(0), u32(0))));
        assertThat(rc(r)).isZero();
        int at = 14; // header, parameterSize
        int privateSize = ((r[at] & 0xFF) << 8) | (r[at + 1] & 0xFF);
        byte[] priv = Arrays.copyOfRange(r, at, at + 2 + privateSize);
        at += 2 + privateSize;
        int publicSize = ((r[at] & 0xFF) << 8) | (r[at + 1] & 0xFF);
        byte[] pub = Arrays.copyOfRange(r, at, at + 2 + publicSize);
        return new byte[][] {priv, pub};
    }

    /** TPM2_Load's code; a loaded object is flushed at once. */
    private static int load(SwtpmSocketTransport t, int parent, byte[] priv, byte[] pub) throws IOException {
        byte[] r = execute(t, authorized(0x157, parent, cat(priv, pub)));
        if (rc(r) == 0) assertThat(flush(t, u32At(r, 10))).isZero();
        return rc(r);
    }

    @Test
    void load_everyOneOctetChangeOfPrivateAndPublic_sameResponseCodeAsSwtpm() throws Exception {
        Tools.require("swtpm");
        List<byte[]> templates = List.of(
                cat(u16(0x0008, SHA256), u32(FIXED), u16(0), u16(NULL), u16(0)),                       // sealed data
                cat(u16(0x0008, SHA256), u32(FIXED | SDO | SIGN), u16(0), u16(0x0005, SHA256), u16(0)),   // HMAC key
                cat(u16(0x0023, SHA256), u32(FIXED | SDO | SIGN), u16(0), u16(NULL), u16(0x0018, SHA256), u16(0x0003),
                        u16(NULL), u16(0, 0)));                                                           // ECDSA key
        List<byte[]> data = List.of("sealed secret".getBytes(), new byte[0], new byte[0]);
        List<String> differences = new ArrayList<>();
        int cases = 0;
        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port());
             SwtpmSocketTransport s = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            int pj = storageKey(j), ps = storageKey(s);
            for (int k = 0; k < templates.size(); k++) {
                byte[][] bj = create(j, pj, templates.get(k), data.get(k)), bs = create(s, ps, templates.get(k), data.get(k));
                assertThat(bj[0].length).as("TPM2B_PRIVATE of template %d", k).isEqualTo(bs[0].length);
                assertThat(bj[1]).as("TPM2B_PUBLIC of template %d", k).hasSameSizeAs(bs[1]);
                assertThat(load(j, pj, bj[0], bj[1])).isZero();
                assertThat(load(s, ps, bs[0], bs[1])).isZero();
                for (int part = 0; part < 2; part++) {
                    for (int i = 0; i < bj[part].length; i++) {
                        for (int flip : new int[] {0x01, 0x80}) {
                            byte[][] tj = {bj[0].clone(), bj[1].clone()}, ts = {bs[0].clone(), bs[1].clone()};
                            tj[part][i] ^= (byte) flip;
                            ts[part][i] ^= (byte) flip;
                            if (part == 0 && i < 2) {
                                // a changed TPM2B_PRIVATE size moves the boundary: the private's last octet (random in
                                // each TPM's blob) becomes the first octet of TPM2B_PUBLIC's size, and a zero there is
                                // TPM_RC_SIZE where anything else reaches the type check. Give both the same octet.
                                tj[0][tj[0].length - 1] = 0x5A;
                                ts[0][ts[0].length - 1] = 0x5A;
                            }
                            int a = load(j, pj, tj[0], tj[1]), b = load(s, ps, ts[0], ts[1]);
                            cases++;
                            if (a != b) {
                                differences.add(String.format("template %d, %s octet %d ^ 0x%02x: jtpm 0x%03x, swtpm 0x%03x", k,
                                        part == 0 ? "private" : "public", i, flip, a, b));
                            }
                        }
                    }
                }
                for (SwtpmSocketTransport t : List.of(j, s)) { // both still serve: the untouched blob loads
                    byte[][] b = t == j ? bj : bs;
                    assertThat(load(t, t == j ? pj : ps, b[0], b[1])).isZero();
                }
            }
        }
        java.nio.file.Files.write(java.nio.file.Path.of("target", "load-tamper-differences.txt"), differences);
        assertThat(cases).isGreaterThan(500);
        assertThat(differences).as("%d of %d differ (all in target/load-tamper-differences.txt); first ones",
                differences.size(), cases).isEmpty();
    }
}
