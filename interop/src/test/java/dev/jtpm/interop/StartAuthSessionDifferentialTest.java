package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TPM2_StartAuthSession over a grid — salt keys (none, RSA and ECC storage keys, a signing key, an HMAC
 * key), salts (none, malformed, too long), bind entities, nonce sizes around 16 and the digest size, every
 * session type, symmetric definitions (CFB, other modes, XOR) and hashes — answers the same response codes
 * on jtpm as on swtpm 0.7.1 (libtpms), parameter and handle index included; where both start a session,
 * nonceTPM has the same size. Raw octets; each started session is flushed at once. AES-192 is left out: jtpm
 * implements it, libtpms 0.9 does not (TPM_RC_SYMMETRIC there).
 */
class StartAuthSessionDifferentialTest {
    private static final int OWNER = 0x40000001, NULL_HANDLE = 0x40000007, ALG_NULL = 0x0010;
    private static final int SHA1 = 0x0004, SHA256 = 0x000B, SHA384 = 0x000C, SHA512 = 0x000D;
    private static final int AES = 0x0006, CAMELLIA = 0x0026, XOR = 0x000A, CFB = 0x0043, CBC = 0x0042;
    private static final int FIXED = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6);
    private static final int RESTRICTED = 1 << 16, DECRYPT = 1 << 17, SIGN = 1 << 18;

    private static byte[] rsaStorage() {
        return cat(u16(0x0001, SHA256), u32(FIXED | RESTRICTED | DECRYPT), u16(0), u16(AES, 128, CFB), u16(ALG_NULL),
                u16(2048), u32(0), u16(0));
    }

    private static byte[] eccStorage() {
        return cat(u16(0x0023, SHA256), u32(FIXED | RESTRICTED | DECRYPT), u16(0), u16(AES, 128, CFB), u16(ALG_NULL),
                u16(0x0003), u16(ALG_NULL), u16(0), u16(0));
    }

    private static byte[] eccSigner() {
        return cat(u16(0x0023, SHA256), u32(FIXED | SIGN), u16(0), u16(ALG_NULL), u16(0x0018, SHA256),
                u16(0x0003), u16(ALG_NULL), u16(0), u16(0));
    }

    private static byte[] hmacKey() {
        return cat(u16(0x0008, SHA256), u32(FIXED | SIGN), u16(0), u16(0x0005, SHA256), u16(0));
    }

    /** One case: tpmKey (a name from the keys or "null"), bind, nonce size, salt, type, symmetric, hash. */
    private record Case(String tpmKey, String bind, int nonceSize, byte[] salt, int type, byte[] symmetric, int hash) {
        String describe() {
            return String.format("tpmKey %s, bind %s, nonce %d, salt %d octets, type %d, sym %s, hash 0x%x", tpmKey, bind,
                    nonceSize, salt.length, type, java.util.HexFormat.of().formatHex(symmetric), hash);
        }
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        byte[] aes = u16(AES, 128, CFB);
        Case base = new Case("null", "null", 16, new byte[0], 0, aes, SHA256);
        cases.add(base);
        for (String key : List.of("rsa", "ecc", "signer", "hmac")) {
            for (byte[] salt : List.of(new byte[0], new byte[1], filled(68, 7), filled(256, 1), filled(300, 1))) {
                cases.add(new Case(key, "null", 16, salt, 0, aes, SHA256));
            }
        }
        cases.add(new Case("null", "null", 16, filled(32, 1), 0, aes, SHA256));
        for (String bind : List.of("owner", "rsa", "signer", "null")) cases.add(new Case("null", bind, 16, new byte[0], 1, aes, SHA256));
        for (int hash : new int[] {SHA1, SHA256, SHA384, SHA512, ALG_NULL, 0x1234}) {
            for (int n : new int[] {0, 15, 16, 20, 21, 32, 33, 48, 64}) cases.add(new Case("null", "null", n, new byte[0], 0, aes, hash));
        }
        for (int type : new int[] {0, 1, 2, 3, 0xFF}) cases.add(new Case("null", "null", 16, new byte[0], type, aes, SHA256));
        for (byte[] sym : List.of(u16(ALG_NULL), u16(AES, 128, CBC), u16(AES, 256, CFB), u16(AES, 64, CFB),
                u16(AES, 128, ALG_NULL), u16(CAMELLIA, 128, CFB), u16(CAMELLIA, 256, CFB), u16(XOR, SHA256), u16(XOR, ALG_NULL),
                u16(XOR, 0x1234), u16(0x0025, 128, CFB), u16(0x4444))) {
            for (int type : new int[] {0, 1}) cases.add(new Case("null", "null", 16, new byte[0], type, sym, SHA256));
        }
        return cases;
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    private static String run(SwtpmSocketTransport t, Map<String, Integer> handles, Case c) throws IOException {
        int tpmKey = handles.getOrDefault(c.tpmKey(), NULL_HANDLE), bind = handles.getOrDefault(c.bind(), NULL_HANDLE);
        byte[] nonce = filled(c.nonceSize(), 0x5A);
        byte[] r = execute(t, command(0x176, cat(u32(tpmKey), u32(bind), sized(nonce), sized(c.salt()), new byte[] {(byte) c.type()},
                c.symmetric(), u16(c.hash()))));
        if (rc(r) != 0) return String.format("0x%03x", rc(r));
        int session = u32At(r, 10);
        int nonceTpm = ((r[14] & 0xFF) << 8) | (r[15] & 0xFF);
        flush(t, session);
        return "session type " + (session >>> 24) + ", nonceTPM " + nonceTpm;
    }

    @Test
    void startAuthSession_everySaltBindNonceTypeSymmetricAndHash_sameOutcomeAsSwtpm() throws Exception {
        Tools.require("swtpm");
        List<String> differences = new ArrayList<>();
        List<Case> cases = cases();
        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port());
             SwtpmSocketTransport s = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            Map<String, Integer> hj = new LinkedHashMap<>(), hs = new LinkedHashMap<>();
            hj.put("owner", OWNER);
            hs.put("owner", OWNER);
            hj.put("rsa", createPrimary(j, OWNER, rsaStorage(), "rsa"));
            hs.put("rsa", createPrimary(s, OWNER, rsaStorage(), "rsa"));
            hj.put("ecc", createPrimary(j, OWNER, eccStorage(), "ecc"));
            hs.put("ecc", createPrimary(s, OWNER, eccStorage(), "ecc"));
            // three object slots: the signer and the HMAC key take the third in turn
            for (var third : List.of(Map.entry("signer", eccSigner()), Map.entry("hmac", hmacKey()))) {
                hj.put(third.getKey(), createPrimary(j, OWNER, third.getValue(), third.getKey()));
                hs.put(third.getKey(), createPrimary(s, OWNER, third.getValue(), third.getKey()));
                for (Case c : cases) {
                    boolean usesHmac = c.tpmKey().equals("hmac") || c.bind().equals("hmac");
                    if (usesHmac != third.getKey().equals("hmac")) continue;
                    String a = run(j, hj, c), b = run(s, hs, c);
                    if (!a.equals(b)) differences.add(c.describe() + ": jtpm " + a + ", swtpm " + b);
                }
                flush(j, hj.remove(third.getKey()));
                flush(s, hs.remove(third.getKey()));
            }
        }
        assertThat(differences).as("of %d cases", cases.size()).isEmpty();
    }
}
