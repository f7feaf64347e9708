package dev.jtpm.interop;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tpm12.Ordinal;
import dev.jtpm.tpm12.Tpm12Client;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keys bound to PCRs on jtpm and on swtpm 0.7.1's TPM 1.2 (libtpms), the same requests on each: TPM_CreateWrapKey with
 * TPM_PCR_INFO (TPM_KEY) and TPM_PCR_INFO_LONG (TPM_KEY12) selecting PCR 16, with localityAtRelease, with
 * pcrIgnoredOnRead, and malformed (a zero locality, a four-octet selection, cut short); then TPM_LoadKey2, TPM_Sign and
 * TPM_GetPubKey before PCR 16 moves, after TPM_Extend, at another locality, and after TPM_PCR_Reset. Response codes
 * equal everywhere; the created keys' pcrInfo (digestAtCreation, localityAtCreation filled by the TPM) equal octet for
 * octet.
 */
@Timeout(600)
class Tpm12KeyPcrDifferentialTest {
    private static final int SRK = 0x40000000;
    private static final byte[] OWNER = fill(0x42), SRK_AUTH = new byte[20], KEY_AUTH = fill(0x0A);
    private static final byte[] SEL16 = params((short) 3, new byte[] {0, 0, 1}), NONE = params((short) 3, new byte[3]);
    private final List<String> diffs = new ArrayList<>();

    static byte[] fill(int v) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) v);
        return b;
    }

    /** One TPM's side: its client and the handles of the keys loaded on it. */
    static final class Side {
        final Tpm12Client c;
        final Map<String, Integer> keys = new LinkedHashMap<>();

        Side(Tpm12Client c) { this.c = c; }

        Tpm12Client.Response createWrapKey(byte[] keyInfo) throws Exception {
            return createWrapKey(4, SRK, SRK_AUTH, keyInfo);
        }

        Tpm12Client.Response createWrapKey(int entityType, int parent, byte[] parentAuth, byte[] keyInfo) throws Exception {
            Tpm12Client.Session s = c.osap(entityType, parent, parentAuth);
            return c.auth1(Ordinal.CreateWrapKey, params(parent),
                    params(Tpm12Client.encAuth(s, KEY_AUTH, Tpm12Client.nonceEven(s)), new byte[20], keyInfo), s, null, false);
        }

        Tpm12Client.Response sign(String key) throws Exception {
            return c.auth1(Ordinal.Sign, params(keys.get(key)), params(20, fill(0x33)), c.oiap(), KEY_AUTH, false);
        }

        Tpm12Client.Response getPubKey(String key) throws Exception {
            return c.auth1(Ordinal.GetPubKey, params(keys.get(key)), new byte[0], c.oiap(), KEY_AUTH, false);
        }
    }

    private static byte[] signingKey(boolean key12, int flags, byte[] pcrInfo) {
        byte[] rsa = params(1024, 2, 0);
        byte[] head = key12 ? params((short) 0x28, (short) 0) : params(0x01010000);
        return params(head, (short) 0x10, flags, (byte) 1, params(1, (short) 1, (short) 2, rsa.length, rsa), pcrInfo.length,
                pcrInfo, 0, 0);
    }

    /** Creates and loads a key under {@code parent} on both sides (asserting success), by the name given. */
    private static void makeBoth(Side j, Side s, String name, int parentType, String parent, byte[] parentAuth, byte[] keyInfo)
            throws Exception {
        for (Side side : List.of(j, s)) {
            int ph = parent == null ? SRK : side.keys.get(parent);
            Tpm12Client.Response r = side.createWrapKey(parentType, ph, parentAuth, keyInfo);
            assertThat(r.rc()).as("CreateWrapKey " + name).isZero();
            Tpm12Client.Response l = side.c.auth1Handles(Ordinal.LoadKey2, params(ph), r.body(), side.c.oiap(), parentAuth, false, 1);
            assertThat(l.rc()).as("LoadKey2 " + name).isZero();
            side.keys.put(name, ByteBuffer.wrap(l.body(), 0, 4).getInt());
        }
    }

    /**
     * TPM_CertifyKey and TPM_CertifyKey2 (AUTH2) of {@code key} by {@code certifier} on both: codes equal, and on
     * success the TPM_CERTIFY_INFO(2) equal octet for octet but pubkeyDigest (each TPM's modulus; at octet 35 in both
     * forms for these 1024-bit keys).
     */
    private void certify(Side j, Side s, String certifier, String key) throws Exception {
        for (int ord : new int[] {Ordinal.CertifyKey, Ordinal.CertifyKey2}) {
            String what = (ord == Ordinal.CertifyKey ? "CertifyKey " : "CertifyKey2 ") + key;
            byte[][] infos = new byte[2][];
            Tpm12Client.Response[] rs = new Tpm12Client.Response[2];
            int i = 0;
            for (Side side : List.of(j, s)) {
                int c = side.keys.get(certifier), k = side.keys.get(key);
                byte[] handles = ord == Ordinal.CertifyKey ? params(c, k) : params(k, c);
                byte[] p = ord == Ordinal.CertifyKey ? params(fill(0x77)) : params(fill(0x55), fill(0x77));
                rs[i] = side.c.auth2(ord, handles, p, side.c.oiap(), KEY_AUTH, side.c.oiap(), KEY_AUTH);
                if (rs[i].ok()) {
                    byte[] body = rs[i].body();
                    infos[i] = Arrays.copyOf(body, body.length - 4 - 128);
                    Arrays.fill(infos[i], 35, 55, (byte) 0);
                }
                i++;
            }
            sameRc(what, rs[0], rs[1]);
            if (rs[0].ok() && rs[1].ok() && !Arrays.equals(infos[0], infos[1])) {
                diffs.add(what + ": info\n  jtpm  " + HexFormat.of().formatHex(infos[0]) + "\n  swtpm " + HexFormat.of().formatHex(infos[1]));
            }
        }
    }

    private static byte[] pcrInfoLong(int locRelease, byte[] release, byte[] atRelease) {
        return params((short) 6, (byte) 0x1f, (byte) locRelease, SEL16, release, new byte[20], atRelease);
    }

    /** The pcrInfo of a TPM_KEY / TPM_KEY12 (after the header, usage, flags, authDataUsage and TPM_KEY_PARMS). */
    private static byte[] pcrInfoOf(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key);
        b.position(4 + 2 + 4 + 1 + 4 + 2 + 2);
        int parms = b.getInt();
        b.position(b.position() + parms);
        byte[] info = new byte[b.getInt()];
        b.get(info);
        return info;
    }

    private static String hex(int rc) { return "0x" + Integer.toHexString(rc); }

    private void sameRc(String what, Tpm12Client.Response j, Tpm12Client.Response s) {
        if (j.rc() != s.rc()) diffs.add(what + ": jtpm " + hex(j.rc()) + " swtpm " + hex(s.rc()));
    }

    private void signAndRead(Side j, Side s, String when) throws Exception {
        for (String key : j.keys.keySet()) {
            sameRc("Sign " + key + " " + when, j.sign(key), s.sign(key));
            sameRc("GetPubKey " + key + " " + when, j.getPubKey(key), s.getPubKey(key));
        }
    }

    @Test
    void pcrBoundKeys_answerAsSwtpm() throws Exception {
        try (Tpm12Pair p = new Tpm12Pair()) {
            Side j = new Side(new Tpm12Client(p.jtpmDevice, new Random(1))), s = new Side(new Tpm12Client(p.swtpmDevice, new Random(1)));
            byte[] pcr16 = null;
            for (Side side : List.of(j, s)) {
                assertThat(side.c.send(Ordinal.Startup, params((short) 1)).ok()).isTrue();
                Tpm12Client.Response ek = side.c.createEndorsementKeyPair();
                RSAPublicKey pub = Tpm12Client.pubkey(Arrays.copyOf(ek.body(), ek.body().length - 20));
                assertThat(side.c.takeOwnership(pub, OWNER, SRK_AUTH).rc()).isZero();
                assertThat(side.c.send(Ordinal.Extend, params(16, fill(0x16))).rc()).isZero();
                pcr16 = side.c.send(Ordinal.PcrRead, params(16)).body();
            }
            byte[] now = MessageDigest.getInstance("SHA-1").digest(params(SEL16, 20, pcr16));
            Map<String, byte[]> templates = new LinkedHashMap<>();
            templates.put("key12 PCR 16", signingKey(true, 0, pcrInfoLong(0x1f, SEL16, now)));
            templates.put("key12 PCR 16 stale", signingKey(true, 0, pcrInfoLong(0x1f, SEL16, new byte[20])));
            templates.put("key12 PCR 16 pcrIgnoredOnRead", signingKey(true, 0x08, pcrInfoLong(0x1f, SEL16, now)));
            templates.put("key12 stale pcrIgnoredOnRead", signingKey(true, 0x08, pcrInfoLong(0x1f, SEL16, new byte[20])));
            templates.put("key12 locality 3", signingKey(true, 0, pcrInfoLong(0x08, NONE, new byte[20])));
            templates.put("key12 locality 0 and 3, PCR 16", signingKey(true, 0, pcrInfoLong(0x09, SEL16, now)));
            templates.put("key PCR 16", signingKey(false, 0, params(SEL16, now, new byte[20])));
            templates.put("key12 nothing selected at creation", signingKey(true, 0,
                    params((short) 6, (byte) 0x1f, (byte) 0x1f, NONE, SEL16, new byte[20], now)));
            templates.put("key no PCR selected", signingKey(false, 0, params(NONE, new byte[20], new byte[20])));
            templates.put("key12 localityAtRelease 0", signingKey(true, 0,
                    params((short) 6, (byte) 0x1f, (byte) 0, SEL16, SEL16, new byte[20], now)));
            templates.put("key12 localityAtCreation 0x20", signingKey(true, 0,
                    params((short) 6, (byte) 0x20, (byte) 0x1f, SEL16, SEL16, new byte[20], now)));
            templates.put("key12 wrong tag", signingKey(true, 0, params((short) 7, (byte) 0x1f, (byte) 0x1f, SEL16, SEL16, new byte[20], now)));
            templates.put("key four-octet selection", signingKey(false, 0, params((short) 4, new byte[] {0, 0, 1, 0}, now, new byte[20])));
            templates.put("key cut short", signingKey(false, 0, params(SEL16, now)));
            templates.put("key12 with TPM_PCR_INFO", signingKey(true, 0, params(SEL16, now, new byte[20])));
            for (var t : templates.entrySet()) {
                Tpm12Client.Response jr = j.createWrapKey(t.getValue()), sr = s.createWrapKey(t.getValue());
                sameRc("CreateWrapKey " + t.getKey(), jr, sr);
                if (!jr.ok() || !sr.ok()) continue;
                byte[] ji = pcrInfoOf(jr.body()), si = pcrInfoOf(sr.body());
                if (!Arrays.equals(ji, si)) {
                    diffs.add("CreateWrapKey " + t.getKey() + ": pcrInfo\n  jtpm  " + HexFormat.of().formatHex(ji)
                            + "\n  swtpm " + HexFormat.of().formatHex(si));
                }
                Tpm12Client.Response jl = j.c.auth1Handles(Ordinal.LoadKey2, params(SRK), jr.body(), j.c.oiap(), SRK_AUTH, false, 1);
                Tpm12Client.Response sl = s.c.auth1Handles(Ordinal.LoadKey2, params(SRK), sr.body(), s.c.oiap(), SRK_AUTH, false, 1);
                sameRc("LoadKey2 " + t.getKey(), jl, sl);
                if (jl.ok() && sl.ok()) {
                    j.keys.put(t.getKey(), ByteBuffer.wrap(jl.body(), 0, 4).getInt());
                    s.keys.put(t.getKey(), ByteBuffer.wrap(sl.body(), 0, 4).getInt());
                }
            }
            assertThat(j.keys).hasSizeGreaterThanOrEqualTo(7);
            List<String> bound = List.copyOf(j.keys.keySet());
            makeBoth(j, s, "certifier", 4, null, SRK_AUTH, signingKey(true, 0, new byte[0]));
            byte[] rsa2048 = params(2048, 2, 0);
            makeBoth(j, s, "storage PCR 16", 4, null, SRK_AUTH, params((short) 0x28, (short) 0, (short) 0x11, 0, (byte) 1,
                    params(1, (short) 3, (short) 1, rsa2048.length, rsa2048), 0x36, pcrInfoLong(0x1f, SEL16, now), 0, 0));
            makeBoth(j, s, "child of storage PCR 16", 1, "storage PCR 16", KEY_AUTH, signingKey(true, 0, new byte[0]));
            for (String key : bound) certify(j, s, "certifier", key);
            certify(j, s, "certifier", "child of storage PCR 16");
            signAndRead(j, s, "at creation");
            for (Side side : List.of(j, s)) side.c.locality(3);
            signAndRead(j, s, "at locality 3");
            for (Side side : List.of(j, s)) {
                side.c.locality(0);
                assertThat(side.c.send(Ordinal.Extend, params(16, fill(0x17))).rc()).isZero();
            }
            signAndRead(j, s, "after Extend(16)");
            for (Side side : List.of(j, s)) {
                assertThat(side.c.send(Ordinal.PCR_Reset, SEL16).rc()).isZero();
                assertThat(side.c.send(Ordinal.Extend, params(16, fill(0x16))).rc()).isZero();
            }
            signAndRead(j, s, "after PCR_Reset(16) and the first Extend again");
            // the jtpm side must have seen both outcomes, or the comparison proves nothing
            assertThat(j.sign("key12 PCR 16").rc()).isZero();
            assertThat(j.sign("key12 PCR 16 stale").rc()).isNotZero();
        }
        assertThat(diffs).isEmpty();
    }
}
