package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TPM2_Quote, TPM2_Certify, TPM2_CertifyCreation and TPM2_GetTime on raw octets answer the same response code on jtpm
 * as on swtpm 0.7.1 (libtpms), index included: a grid of signing, decryption, restricted and NULL-scheme keys (and
 * TPM_RH_NULL) crossed with inSchemes (none, the key's, differing ones, ECDAA without a commitment, not signing
 * schemes), then bad PCR selections, qualifyingData up to one octet too long, and creation tickets that are valid,
 * forged, NULL, of another hierarchy or badly tagged. Each TPM's own creation hash and ticket are used for it.
 */
class AttestationDifferentialTest {
    private static final int OWNER = 0x40000001, ENDORSEMENT = 0x4000000B, RH_NULL = 0x40000007;
    private static final int NULL = 0x0010, SHA1 = 0x0004, SHA256 = 0x000B, SHA384 = 0x000C;
    private static final int FIXED = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6); // fixedTPM, fixedParent, sensitiveDataOrigin, userWithAuth
    private static final int RESTRICTED = 1 << 16, DECRYPT = 1 << 17, SIGN = 1 << 18;
    private static final byte[] PCRS_SHA256 = cat(u32(1), u16(SHA256), new byte[] {3, 1, 0, 0});

    /** The keys of the grid. */
    private static Map<String, byte[]> keys() {
        Map<String, byte[]> k = new LinkedHashMap<>();
        byte[] aesCfb = u16(0x0006, 128, 0x0043), p256 = u16(0x0003), emptyPoint = u16(0, 0);
        k.put("ECC sign, no scheme", ecc(FIXED | SIGN, u16(NULL), u16(NULL), p256, emptyPoint));
        k.put("ECC sign ECDSA-SHA256", ecc(FIXED | SIGN, u16(NULL), u16(0x0018, SHA256), p256, emptyPoint));
        k.put("ECC restricted sign ECDSA-SHA384", ecc(FIXED | SIGN | RESTRICTED, u16(NULL), u16(0x0018, SHA384), p256, emptyPoint));
        k.put("ECC sign ECDAA-SHA256", ecc(FIXED | SIGN, u16(NULL), u16(0x001A, SHA256, 0), p256, emptyPoint));
        k.put("ECC decrypt ECDH", ecc(FIXED | DECRYPT, u16(NULL), u16(0x0019, SHA256), p256, emptyPoint));
        k.put("ECC storage parent", ecc(FIXED | DECRYPT | RESTRICTED, aesCfb, u16(NULL), p256, emptyPoint));
        k.put("HMAC key SHA256", cat(u16(0x0008, SHA256), u32(FIXED | SIGN), u16(0), u16(0x0005, SHA256), u16(0)));
        k.put("HMAC key sign+decrypt, no scheme", cat(u16(0x0008, SHA256), u32(FIXED | SIGN | DECRYPT), u16(0), u16(NULL), u16(0)));
        k.put("HMAC restricted SHA256", cat(u16(0x0008, SHA256), u32(FIXED | SIGN | RESTRICTED), u16(0), u16(0x0005, SHA256), u16(0)));
        k.put("RSA-1024 sign RSASSA-SHA256", rsa(FIXED | SIGN, u16(0x0014, SHA256)));
        k.put("RSA-1024 sign, no scheme", rsa(FIXED | SIGN, u16(NULL)));
        k.put("RSA-1024 restricted sign RSAPSS-SHA1", rsa(FIXED | SIGN | RESTRICTED, u16(0x0016, SHA1)));
        k.put("RSA-1024 decrypt OAEP", rsa(FIXED | DECRYPT, u16(0x0017, SHA256)));
        k.put("AES-128 CFB sign", cat(u16(0x0025, SHA256), u32(FIXED | SIGN), u16(0), aesCfb, u16(0)));
        return k;
    }

    private static byte[] ecc(int attributes, byte[] sym, byte[] scheme, byte[] curve, byte[] unique) {
        return cat(u16(0x0023, SHA256), u32(attributes), u16(0), sym, scheme, curve, u16(NULL), unique);
    }

    private static byte[] rsa(int attributes, byte[] scheme) {
        return cat(u16(0x0001, SHA256), u32(attributes), u16(0), u16(NULL), scheme, u16(1024), u32(0), u16(0));
    }

    /** The inScheme values of the grid (TPMT_SIG_SCHEME with details). */
    private static List<byte[]> inSchemes() {
        List<byte[]> r = new ArrayList<>(List.of(u16(NULL)));
        for (int h : new int[] {SHA1, SHA256, SHA384}) r.add(u16(0x0018, h));
        r.add(u16(0x001C, SHA256));
        r.add(u16(0x001B, SHA256));
        r.add(u16(0x001A, SHA256, 0));
        for (int h : new int[] {SHA1, SHA256}) r.add(u16(0x0014, h));
        r.add(u16(0x0016, SHA1));
        r.add(u16(0x0016, SHA256));
        for (int h : new int[] {SHA256, SHA1}) r.add(u16(0x0005, h));
        r.add(u16(0x0015));            // RSAES: no signature scheme
        r.add(u16(0x0014, 0x0099));    // no hash
        return r;
    }

    /** One TPM: its transport and, per key, its handle, creation hash and creation ticket (marshalled). */
    private record Key(int handle, byte[] creationHash, byte[] ticket) {}

    private static Key create(SwtpmSocketTransport t, int hierarchy, byte[] publicArea, String what) throws IOException {
        byte[] r = execute(t, authorized(0x131, hierarchy, cat(sized(cat(u16(0), u16(0))), sized(publicArea), u16(0), u32(0))));
        if (rc(r) != 0) throw new IllegalStateException("CreatePrimary of " + what + ": 0x" + Integer.toHexString(rc(r)));
        int at = 18;
        at += 2 + u16At(r, at);                              // outPublic
        at += 2 + u16At(r, at);                              // creationData
        byte[] hash = Arrays.copyOfRange(r, at + 2, at + 2 + u16At(r, at));
        at += 2 + hash.length;
        int ticketSize = 2 + 4 + 2 + u16At(r, at + 6);
        return new Key(u32At(r, 10), hash, Arrays.copyOfRange(r, at, at + ticketSize));
    }

    private static int u16At(byte[] r, int at) { return ((r[at] & 0xFF) << 8) | (r[at + 1] & 0xFF); }

    private static byte[] twoSessions(int code, int h1, int h2, byte[] params) {
        byte[] body = cat(u32(h1), u32(h2), u32(2 * PASSWORD_SESSION.length), PASSWORD_SESSION, PASSWORD_SESSION, params);
        return cat(u16(0x8002), u32(10 + body.length), u32(code), body);
    }

    static byte[] quote(int key, byte[] qualifying, byte[] scheme, byte[] pcrs) {
        return authorized(0x158, key, cat(sized(qualifying), scheme, pcrs));
    }

    static byte[] certify(int object, int key, byte[] qualifying, byte[] scheme) {
        return twoSessions(0x148, object, key, cat(sized(qualifying), scheme));
    }

    static byte[] getTime(int key, byte[] qualifying, byte[] scheme) {
        return twoSessions(0x14C, ENDORSEMENT, key, cat(sized(qualifying), scheme));
    }

    static byte[] certifyCreation(int key, int object, byte[] qualifying, byte[] hash, byte[] scheme, byte[] ticket) {
        byte[] body = cat(u32(key), u32(object), u32(PASSWORD_SESSION.length), PASSWORD_SESSION, sized(qualifying), sized(hash),
                scheme, ticket);
        return cat(u16(0x8002), u32(10 + body.length), u32(0x14A), body);
    }

    /** A command built for one side from that side's keys. */
    private interface Case { byte[] build(Key key, Key object); }

    private final List<String> differences = new ArrayList<>();
    private int cases, successes;

    private void compare(String what, SwtpmSocketTransport j, Key kj, Key oj, SwtpmSocketTransport s, Key ks, Key os, Case c)
            throws IOException {
        int a = rc(execute(j, c.build(kj, oj))), b = rc(execute(s, c.build(ks, os)));
        cases++;
        if (b == 0) successes++;
        if (a != b) differences.add(String.format("%s: jtpm 0x%03x, swtpm 0x%03x", what, a, b));
    }

    @Test
    void attestationCommands_keysSchemesSelectionsDataAndTickets_sameResponseCodeAsSwtpm() throws Exception {
        Tools.require("swtpm");
        HexFormat hex = HexFormat.of();
        try (JtpmServer jtpm = JtpmServer.started(JtpmServer.Protocol.SWTPM);
             SwtpmReference ref = new SwtpmReference();
             SwtpmSocketTransport j = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port());
             SwtpmSocketTransport s = SwtpmSocketTransport.tcp("127.0.0.1", ref.port())) {
            // TPMA_CC of the attestation commands (GetCapability(TPM_CAP_COMMANDS, cc, 1))
            for (int cc : new int[] {0x148, 0x14A, 0x158, 0x14C, 0x133, 0x14D}) {
                byte[] cap = command(0x17A, cat(u32(2), u32(cc), u32(1)));
                String a = hex.formatHex(execute(j, cap)), b = hex.formatHex(execute(s, cap));
                if (!a.equals(b)) differences.add(String.format("TPMA_CC of 0x%x: jtpm %s, swtpm %s", cc, a, b));
            }
            // the object certified when the signer is TPM_RH_NULL, and whose creation ticket is checked
            byte[] objectArea = rsa(FIXED | SIGN, u16(0x0014, SHA256));
            Key oj = create(j, OWNER, objectArea, "jtpm object"), os = create(s, OWNER, objectArea, "swtpm object");
            Key nullKey = new Key(RH_NULL, new byte[0], new byte[0]);

            Map<String, byte[]> grid = keys();
            grid.put("TPM_RH_NULL", null);
            for (Map.Entry<String, byte[]> e : grid.entrySet()) {
                Key kj = e.getValue() == null ? nullKey : create(j, OWNER, e.getValue(), "jtpm " + e.getKey());
                Key ks = e.getValue() == null ? nullKey : create(s, OWNER, e.getValue(), "swtpm " + e.getKey());
                byte[] q = "nonce".getBytes();
                for (byte[] scheme : inSchemes()) {
                    String w = e.getKey() + ", inScheme " + hex.formatHex(scheme);
                    compare("Quote " + w, j, kj, oj, s, ks, os, (k, o) -> quote(k.handle(), q, scheme, PCRS_SHA256));
                    compare("Quote two banks " + w, j, kj, oj, s, ks, os, (k, o) -> quote(k.handle(), q, scheme,
                            cat(u32(2), u16(SHA1), new byte[] {3, (byte) 0xff, 0, 0}, u16(SHA384), new byte[] {3, 0, 0, (byte) 0x80})));
                    compare("Certify " + w, j, kj, oj, s, ks, os, (k, o) -> certify(o.handle(), k.handle(), q, scheme));
                    compare("GetTime " + w, j, kj, oj, s, ks, os, (k, o) -> getTime(k.handle(), q, scheme));
                    compare("CertifyCreation " + w, j, kj, oj, s, ks, os,
                            (k, o) -> certifyCreation(k.handle(), o.handle(), q, o.creationHash(), scheme, o.ticket()));
                    compare("CertifyCreation forged ticket " + w, j, kj, oj, s, ks, os, (k, o) -> certifyCreation(k.handle(),
                            o.handle(), q, o.creationHash(), scheme, cat(u16(0x8021), u32(OWNER), sized(new byte[64]))));
                }
                if (e.getValue() != null) {
                    assertThat(flush(j, kj.handle())).isZero();
                    assertThat(flush(s, ks.handle())).isZero();
                }
            }

            // a signer with a scheme of its own, for the parameter checks
            byte[] signerArea = rsa(FIXED | SIGN | RESTRICTED, u16(0x0014, SHA256));
            Key kj = create(j, ENDORSEMENT, signerArea, "jtpm signer"), ks = create(s, ENDORSEMENT, signerArea, "swtpm signer");
            Map<String, byte[]> selections = new LinkedHashMap<>();
            selections.put("none", u32(0));
            selections.put("hash NULL", cat(u32(1), u16(NULL), new byte[] {3, 1, 0, 0}));
            selections.put("hash not implemented", cat(u32(1), u16(0x0099), new byte[] {3, 1, 0, 0}));
            selections.put("SM3 (not implemented)", cat(u32(1), u16(0x0012), new byte[] {3, 1, 0, 0}));
            selections.put("sizeofSelect 0", cat(u32(1), u16(SHA256), new byte[] {0}));
            selections.put("sizeofSelect 1", cat(u32(1), u16(SHA256), new byte[] {1, 1}));
            selections.put("sizeofSelect 2", cat(u32(1), u16(SHA256), new byte[] {2, 1, 0}));
            selections.put("sizeofSelect 4", cat(u32(1), u16(SHA256), new byte[] {4, 1, 0, 0, 0}));
            selections.put("sizeofSelect 5", cat(u32(1), u16(SHA256), new byte[] {5, 1, 0, 0, 0, 0}));
            selections.put("same bank twice", cat(u32(2), u16(SHA256), new byte[] {3, 1, 0, 0}, u16(SHA256), new byte[] {3, 2, 0, 0}));
            byte[] five = u32(5);
            for (int i = 0; i < 5; i++) five = cat(five, u16(SHA256), new byte[] {3, 1, 0, 0});
            selections.put("five selections", five);
            selections.put("count 0x10000", cat(u32(0x10000), u16(SHA256), new byte[] {3, 1, 0, 0}));
            selections.put("truncated", cat(u32(1), u16(SHA256), new byte[] {3, 1}));
            for (Map.Entry<String, byte[]> sel : selections.entrySet()) {
                compare("Quote selection " + sel.getKey(), j, kj, oj, s, ks, os,
                        (k, o) -> quote(k.handle(), new byte[0], u16(NULL), sel.getValue()));
                compare("Quote TPM_RH_NULL selection " + sel.getKey(), j, kj, oj, s, ks, os,
                        (k, o) -> quote(RH_NULL, new byte[0], u16(NULL), sel.getValue()));
            }
            for (int size : new int[] {0, 1, 32, 64, 66, 67, 100}) {
                byte[] q = new byte[size];
                Arrays.fill(q, (byte) 0x3C);
                compare("Quote qualifyingData " + size, j, kj, oj, s, ks, os, (k, o) -> quote(k.handle(), q, u16(NULL), PCRS_SHA256));
                compare("Certify qualifyingData " + size, j, kj, oj, s, ks, os, (k, o) -> certify(o.handle(), k.handle(), q, u16(NULL)));
                compare("GetTime qualifyingData " + size, j, kj, oj, s, ks, os, (k, o) -> getTime(k.handle(), q, u16(NULL)));
                compare("CertifyCreation qualifyingData " + size, j, kj, oj, s, ks, os,
                        (k, o) -> certifyCreation(k.handle(), o.handle(), q, o.creationHash(), u16(NULL), o.ticket()));
            }
            Map<String, Case> tickets = new LinkedHashMap<>();
            tickets.put("valid", (k, o) -> certifyCreation(k.handle(), o.handle(), new byte[0], o.creationHash(), u16(NULL), o.ticket()));
            tickets.put("another object's", (k, o) -> certifyCreation(k.handle(), k.handle(), new byte[0], o.creationHash(), u16(NULL),
                    o.ticket()));
            tickets.put("its own, of the signer", (k, o) -> certifyCreation(k.handle(), k.handle(), new byte[0], k.creationHash(),
                    u16(NULL), k.ticket()));
            tickets.put("creation hash changed", (k, o) -> {
                byte[] h = o.creationHash().clone();
                h[0] ^= 1;
                return certifyCreation(k.handle(), o.handle(), new byte[0], h, u16(NULL), o.ticket());
            });
            tickets.put("creation hash empty", (k, o) -> certifyCreation(k.handle(), o.handle(), new byte[0], new byte[0], u16(NULL),
                    o.ticket()));
            tickets.put("creation hash 65 octets", (k, o) -> certifyCreation(k.handle(), o.handle(), new byte[0], new byte[65],
                    u16(NULL), o.ticket()));
            tickets.put("hierarchy endorsement", (k, o) -> {
                byte[] t = o.ticket().clone();
                System.arraycopy(u32(ENDORSEMENT), 0, t, 2, 4);
                return certifyCreation(k.handle(), o.handle(), new byte[0], o.creationHash(), u16(NULL), t);
            });
            tickets.put("hierarchy NULL", (k, o) -> {
                byte[] t = o.ticket().clone();
                System.arraycopy(u32(RH_NULL), 0, t, 2, 4);
                return certifyCreation(k.handle(), o.handle(), new byte[0], o.creationHash(), u16(NULL), t);
            });
            tickets.put("hierarchy lockout", (k, o) -> {
                byte[] t = o.ticket().clone();
                System.arraycopy(u32(0x4000000A), 0, t, 2, 4);
                return certifyCreation(k.handle(), o.handle(), new byte[0], o.creationHash(), u16(NULL), t);
            });
            tickets.put("tag hashcheck", (k, o) -> {
                byte[] t = o.ticket().clone();
                t[1] = 0x24;
                return certifyCreation(k.handle(), o.handle(), new byte[0], o.creationHash(), u16(NULL), t);
            });
            tickets.put("tag not a TPM_ST", (k, o) -> {
                byte[] t = o.ticket().clone();
                t[0] = 0x7f;
                return certifyCreation(k.handle(), o.handle(), new byte[0], o.creationHash(), u16(NULL), t);
            });
            tickets.put("NULL ticket", (k, o) -> certifyCreation(k.handle(), o.handle(), new byte[0], o.creationHash(), u16(NULL),
                    cat(u16(0x8021), u32(RH_NULL), u16(0))));
            tickets.put("digest truncated", (k, o) -> {
                byte[] t = Arrays.copyOf(o.ticket(), o.ticket().length - 1);
                t[7]--;
                return certifyCreation(k.handle(), o.handle(), new byte[0], o.creationHash(), u16(NULL), t);
            });
            tickets.put("digest 65 octets", (k, o) -> certifyCreation(k.handle(), o.handle(), new byte[0], o.creationHash(), u16(NULL),
                    cat(u16(0x8021), u32(OWNER), sized(new byte[65]))));
            tickets.put("TPM_RH_NULL signer, valid", (k, o) -> certifyCreation(RH_NULL, o.handle(), new byte[0], o.creationHash(),
                    u16(NULL), o.ticket()));
            tickets.put("object TPM_RH_NULL", (k, o) -> certifyCreation(k.handle(), RH_NULL, new byte[0], o.creationHash(), u16(NULL),
                    o.ticket()));
            for (Map.Entry<String, Case> c : tickets.entrySet()) {
                compare("CertifyCreation ticket " + c.getKey(), j, kj, oj, s, ks, os, c.getValue());
            }
            compare("Certify object TPM_RH_NULL", j, kj, oj, s, ks, os, (k, o) -> certify(RH_NULL, k.handle(), new byte[0], u16(NULL)));
            compare("Certify object not loaded", j, kj, oj, s, ks, os, (k, o) -> certify(0x80000010, k.handle(), new byte[0], u16(NULL)));
            // an object with adminWithPolicy in Certify's ADMIN role, given a password session; a signer without
            // userWithAuth in the USER role
            byte[] policy = new byte[32];
            Arrays.fill(policy, (byte) 0x11);
            byte[] adminArea = cat(u16(0x0001, SHA256), u32(FIXED | SIGN | (1 << 7)), sized(policy), u16(NULL), u16(0x0014, SHA256),
                    u16(1024), u32(0), u16(0));
            byte[] noUserArea = cat(u16(0x0001, SHA256), u32((FIXED & ~(1 << 6)) | SIGN), sized(policy), u16(NULL),
                    u16(0x0014, SHA256), u16(1024), u32(0), u16(0));
            Key aj = create(j, OWNER, adminArea, "jtpm admin"), as = create(s, OWNER, adminArea, "swtpm admin");
            compare("Certify adminWithPolicy object, password", j, kj, aj, s, ks, as,
                    (k, o) -> certify(o.handle(), k.handle(), new byte[0], u16(NULL)));
            compare("Certify adminWithPolicy signer (USER role), password", j, kj, aj, s, ks, as,
                    (k, o) -> certify(k.handle(), o.handle(), new byte[0], u16(NULL)));
            assertThat(flush(j, aj.handle())).isZero();
            assertThat(flush(s, as.handle())).isZero();
            Key uj = create(j, OWNER, noUserArea, "jtpm no user"), us = create(s, OWNER, noUserArea, "swtpm no user");
            compare("Certify signer without userWithAuth, password", j, kj, uj, s, ks, us,
                    (k, o) -> certify(k.handle(), o.handle(), new byte[0], u16(NULL)));
            compare("Quote signer without userWithAuth, password", j, kj, uj, s, ks, us,
                    (k, o) -> quote(o.handle(), new byte[0], u16(NULL), PCRS_SHA256));
            assertThat(flush(j, uj.handle())).isZero();
            assertThat(flush(s, us.handle())).isZero();
            compare("GetTime privacy owner", j, kj, oj, s, ks, os, (k, o) -> twoSessions(0x14C, OWNER, k.handle(),
                    cat(sized(new byte[0]), u16(NULL))));
        }
        java.nio.file.Files.write(java.nio.file.Path.of("target", "attestation-differences.txt"), differences);
        assertThat(cases).isGreaterThan(1_000);
        assertThat(successes).as("attestations swtpm made").isGreaterThanOrEqualTo(100);
        assertThat(differences).as("%d of %d differ (all in target/attestation-differences.txt); first ones", differences.size(), cases)
                .isEmpty();
    }
}
