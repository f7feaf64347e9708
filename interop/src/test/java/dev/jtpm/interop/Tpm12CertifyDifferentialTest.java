package dev.jtpm.interop;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tpm12.Ordinal;
import dev.jtpm.tpm12.Tpm12Client;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TPM_CertifyKey, TPM_CertifyKey2 and TPM_TickStampBlob on jtpm and on swtpm 0.7.1's TPM 1.2 (libtpms), the same
 * keys made on each:
 * every authorization form (AUTH2, AUTH1, none) with right and wrong secrets, certifying and certified keys of each
 * usage and scheme, unknown handles and the EK. Codes equal everywhere; on success TPM_CERTIFY_INFO(2) equal octet for
 * octet but the key digest (each TPM's key), that digest the SHA-1 of the certified key's modulus, and each signature
 * verified with the JDK (SHA1withRSA) under the certifying key's TPM_PUBKEY; TickStampBlob's signature over
 * TPM_SIGN_INFO ("TSTP", antiReplay, digest ‖ TPM_CURRENT_TICKS) likewise. TPM_GetCapabilitySigned is TPM_BAD_ORDINAL on
 * both (libtpms is built without it).
 */
@Timeout(600)
class Tpm12CertifyDifferentialTest {
    private static final int SRK = 0x40000000, KH_EK = 0x40000006;
    private static final byte[] OWNER = fill(0x42), SRK_AUTH = new byte[20], A = fill(0x0A), B = fill(0x0B);
    private final List<String> diffs = new ArrayList<>();
    private int certified;

    static byte[] fill(int v) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) v);
        return b;
    }

    /** One TPM's side: its client and the handles of the keys made on it. */
    static final class Side {
        final Tpm12Client c;
        final java.util.Map<String, Integer> keys = new java.util.HashMap<>();
        final java.util.Map<String, RSAPublicKey> pubs = new java.util.HashMap<>();

        Side(Tpm12Client c) { this.c = c; }

        void make(String name, int usage, int enc, int sig, int authUsage, byte[] auth) throws Exception {
            byte[] rsa = params(2048, 2, 0);
            byte[] keyInfo = params((short) 0x28, (short) 0, (short) usage, 0, (byte) authUsage, params(1, (short) enc, (short) sig,
                    rsa.length, rsa), 0, 0, 0);
            Tpm12Client.Session s = c.osap(4, SRK, SRK_AUTH);
            Tpm12Client.Response r = c.auth1(Ordinal.CreateWrapKey, params(SRK),
                    params(Tpm12Client.encAuth(s, auth, Tpm12Client.nonceEven(s)), new byte[20], keyInfo), s, null, false);
            assertThat(r.rc()).as("CreateWrapKey " + name).isZero();
            Tpm12Client.Response l = c.auth1Handles(Ordinal.LoadKey2, params(SRK), r.body(), c.oiap(), SRK_AUTH, false, 1);
            assertThat(l.rc()).as("LoadKey2 " + name).isZero();
            int h = java.nio.ByteBuffer.wrap(l.body(), 0, 4).getInt();
            keys.put(name, h);
            Tpm12Client.Response p = authUsage == 0 ? c.send(Ordinal.GetPubKey, params(h))
                    : c.auth1(Ordinal.GetPubKey, params(h), new byte[0], c.oiap(), auth, false);
            assertThat(p.rc()).as("GetPubKey " + name).isZero();
            pubs.put(name, Tpm12Client.pubkey(p.body()));
        }

        int h(String name) { return name.startsWith("0x") ? Integer.parseUnsignedInt(name.substring(2), 16) : keys.get(name); }
    }

    /** A certification on one side: ordinal, first and second key (in the command's handle order), sessions and secrets. */
    private static Tpm12Client.Response certify(Side s, int ordinal, String first, String second, int sessions, byte[] s1, byte[] s2)
            throws Exception {
        byte[] nonce = fill(0x77);
        byte[] p = ordinal == Ordinal.CertifyKey ? params(nonce) : params(fill(0x55), nonce);
        byte[] handles = params(s.h(first), s.h(second));
        Tpm12Client c = s.c;
        return switch (sessions) {
            case 2 -> c.auth2(ordinal, handles, p, c.oiap(), s1, c.oiap(), s2);
            case 1 -> {
                Tpm12Client.Session x = c.oiap();
                Tpm12Client.Response r = c.auth1(ordinal, handles, p, x, s1, false);
                yield r.ok() ? new Tpm12Client.Response(r.tag(), 0, r.body()) : r;
            }
            default -> c.raw(Tpm12Client.command(0xC1, ordinal, params(handles, p)));
        };
    }

    private Tpm12Client.Response tickStamp(Side side, String key, boolean session) throws Exception {
        byte[] p = params(fill(0x71), fill(0x72));
        Tpm12Client c = side.c;
        if (session) return c.auth1(Ordinal.TickStampBlob, params(side.h(key)), p, c.oiap(), secret(key), false);
        return c.raw(Tpm12Client.command(0xC1, Ordinal.TickStampBlob, params(side.h(key), p)));
    }

    /** TPM_TickStampBlob on both: codes equal; on success TPM_CURRENT_TICKS' tag and the signature over TPM_SIGN_INFO. */
    private void tickStamp(Side j, Side s, String key, boolean session) throws Exception {
        flush(j);
        flush(s);
        String what = "TickStampBlob " + key + (session ? " AUTH1" : " no session");
        Tpm12Client.Response jr = tickStamp(j, key, session), sr = tickStamp(s, key, session);
        if (jr.rc() != sr.rc()) {
            diffs.add(what + ": jtpm 0x" + Integer.toHexString(jr.rc()) + " swtpm 0x" + Integer.toHexString(sr.rc()));
            return;
        }
        if (!jr.ok()) return;
        certified++;
        for (var pair : List.of(new Object[] {j, jr, "jtpm"}, new Object[] {s, sr, "swtpm"})) {
            byte[] b = ((Tpm12Client.Response) pair[1]).body();
            byte[] ticks = Arrays.copyOf(b, 32);
            if (ticks[0] != 0 || ticks[1] != 0x14) diffs.add(what + ": TPM_CURRENT_TICKS tag on " + pair[2]);
            byte[] sig = Arrays.copyOfRange(b, 36, b.length);
            byte[] info = params((short) 5, "TSTP".getBytes(), fill(0x71), 52, fill(0x72), ticks);
            Signature v = Signature.getInstance("SHA1withRSA");
            v.initVerify(((Side) pair[0]).pubs.get(key));
            v.update(info);
            if (!v.verify(sig)) diffs.add(what + ": signature does not verify on " + pair[2]);
        }
    }

    /** Flushes the side's authorization sessions (a command refused before its trailers leaves them open). */
    private static void flush(Side side) throws Exception {
        byte[] r = side.c.send(Ordinal.GetCapability, params(0x14, 4, 2)).body();
        int n = java.nio.ByteBuffer.wrap(r, 4, 2).getShort();
        for (int i = 0; i < n; i++) side.c.send(Ordinal.FlushSpecific, params(java.nio.ByteBuffer.wrap(r, 6 + 4 * i, 4).getInt(), 2));
    }

    /** The secret of a key made here. */
    private static byte[] secret(String name) {
        if (name.startsWith("0x")) return SRK_AUTH;
        return name.startsWith("signer") || name.equals("legacy") ? A : B;
    }

    private void compare(Side j, Side s, String what, int ordinal, String first, String second, int sessions, byte[] s1, byte[] s2)
            throws Exception {
        flush(j);
        flush(s);
        Tpm12Client.Response jr = certify(j, ordinal, first, second, sessions, s1, s2);
        Tpm12Client.Response sr = certify(s, ordinal, first, second, sessions, s1, s2);
        if (jr.rc() != sr.rc()) {
            diffs.add(what + ": jtpm 0x" + Integer.toHexString(jr.rc()) + " swtpm 0x" + Integer.toHexString(sr.rc()));
            return;
        }
        if (!jr.ok()) return;
        certified++;
        String cert = ordinal == Ordinal.CertifyKey ? first : second, target = ordinal == Ordinal.CertifyKey ? second : first;
        int digestAt = ordinal == Ordinal.CertifyKey ? 4 + 2 + 4 + 1 + 24 : 2 + 1 + 1 + 2 + 4 + 1 + 24;
        byte[][] infos = new byte[2][];
        int i = 0;
        for (var pair : List.of(new Object[] {j, jr}, new Object[] {s, sr})) {
            Side side = (Side) pair[0];
            byte[] body = ((Tpm12Client.Response) pair[1]).body();
            int sigLen = java.nio.ByteBuffer.wrap(body, body.length - 256 - 4, 4).getInt();
            assertThat(sigLen).isEqualTo(256);
            byte[] info = Arrays.copyOf(body, body.length - 260);
            byte[] sig = Arrays.copyOfRange(body, body.length - 256, body.length);
            Signature v = Signature.getInstance("SHA1withRSA");
            v.initVerify(side.pubs.get(cert));
            v.update(info);
            if (!v.verify(sig)) diffs.add(what + ": signature does not verify on " + (i == 0 ? "jtpm" : "swtpm"));
            byte[] modulus = Tpm12Client.modulus(side.pubs.get(target));
            if (!Arrays.equals(Arrays.copyOfRange(info, digestAt, digestAt + 20), MessageDigest.getInstance("SHA-1").digest(modulus)))
                diffs.add(what + ": pubkeyDigest is not the key's on " + (i == 0 ? "jtpm" : "swtpm"));
            Arrays.fill(info, digestAt, digestAt + 20, (byte) 0);
            infos[i++] = info;
        }
        if (!Arrays.equals(infos[0], infos[1]))
            diffs.add(what + ": info differs\n  jtpm  " + HexFormat.of().formatHex(infos[0]) + "\n  swtpm " + HexFormat.of().formatHex(infos[1]));
    }

    @Test
    void certifyKeyAndCertifyKey2_answerAsSwtpm() throws Exception {
        try (Tpm12Pair p = new Tpm12Pair()) {
            Side j = new Side(new Tpm12Client(p.jtpmDevice, new Random(1))), s = new Side(new Tpm12Client(p.swtpmDevice, new Random(1)));
            for (Side side : List.of(j, s)) {
                assertThat(side.c.send(Ordinal.Startup, params((short) 1)).ok()).isTrue();
                Tpm12Client.Response ek = side.c.createEndorsementKeyPair();
                RSAPublicKey pub = Tpm12Client.pubkey(Arrays.copyOf(ek.body(), ek.body().length - 20));
                assertThat(side.c.takeOwnership(pub, OWNER, SRK_AUTH).rc()).isZero();
                Tpm12Client.Response srk = side.c.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(SRK), side.c.oiap(), OWNER, false);
                side.pubs.put("0x40000000", Tpm12Client.pubkey(srk.body()));
                side.make("signer", 0x10, 1, 2, 1, A);
                side.make("signerNever", 0x10, 1, 2, 0, A);
                side.make("signerInfo", 0x10, 1, 4, 1, A);
                side.make("signerDer", 0x10, 1, 3, 1, A);
                side.make("legacy", 0x15, 3, 2, 1, A);
                side.make("storage", 0x11, 3, 1, 1, B);
                side.make("bindNever", 0x14, 3, 1, 0, B);
                side.make("bindPriv", 0x14, 3, 1, 3, B);
            }
            // right secrets first: more than five failed authorizations lock both TPMs out (TPM_DEFEND_LOCK_RUNNING)
            for (int ord : new int[] {Ordinal.CertifyKey, Ordinal.CertifyKey2}) {
                boolean one = ord == Ordinal.CertifyKey;
                String n = one ? "CertifyKey " : "CertifyKey2 ";
                // (certifier, certified), put in the command's handle order; the secrets in the trailers' order
                for (String[] k : new String[][] {{"signer", "storage"}, {"signer", "signerNever"}, {"signerInfo", "bindPriv"},
                        {"legacy", "signer"}, {"signer", "bindNever"}, {"signer", "0x40000000"}}) {
                    String first = one ? k[0] : k[1], second = one ? k[1] : k[0];
                    compare(j, s, n + "AUTH2 " + Arrays.toString(k), ord, first, second, 2, secret(first), secret(second));
                }
                // AUTH1: the one session is the certified key's (CertifyKey) or the certifier's (CertifyKey2)
                compare(j, s, n + "AUTH1 ALWAYS certifier", ord, one ? "signer" : "storage", one ? "storage" : "signer", 1, one ? B : A, null);
                compare(j, s, n + "AUTH1 NEVER certifier", ord, one ? "signerNever" : "storage", one ? "storage" : "signerNever", 1,
                        one ? B : A, null);
                compare(j, s, n + "AUTH1 NEVER both", ord, one ? "signerNever" : "bindNever", one ? "bindNever" : "signerNever", 1,
                        one ? B : A, null);
                compare(j, s, n + "AUTH1 certifying key ALWAYS, key NEVER", ord, one ? "signer" : "bindNever",
                        one ? "bindNever" : "signer", 1, one ? B : A, null);
                // no session
                compare(j, s, n + "none, both NEVER", ord, one ? "signerNever" : "bindNever", one ? "bindNever" : "signerNever", 0, null, null);
                compare(j, s, n + "none, PRIV_USE_ONLY key", ord, one ? "signerNever" : "bindPriv", one ? "bindPriv" : "signerNever", 0, null, null);
                compare(j, s, n + "none, ALWAYS key", ord, one ? "signerNever" : "storage", one ? "storage" : "signerNever", 0, null, null);
                compare(j, s, n + "none, ALWAYS certifier", ord, one ? "signer" : "bindNever", one ? "bindNever" : "signer", 0, null, null);
                // schemes, usages, handles
                compare(j, s, n + "DER certifier", ord, one ? "signerDer" : "storage", one ? "storage" : "signerDer", 2, one ? A : B, one ? B : A);
                compare(j, s, n + "storage certifier", ord, "storage", "storage", 2, B, B);
                compare(j, s, n + "bind certifier", ord, "bindNever", "bindNever", 0, null, null);
                compare(j, s, n + "unknown certifier", ord, one ? "0x12345678" : "storage", one ? "storage" : "0x12345678", 2, B, B);
                compare(j, s, n + "owner handle certified", ord, one ? "signerNever" : "0x40000001", one ? "0x40000001" : "signerNever", 0,
                        null, null);
                compare(j, s, n + "EK certified", ord, one ? "signerNever" : "0x40000006", one ? "0x40000006" : "signerNever", 0, null, null);
            }
            // TPM_TickStampBlob with the same keys
            for (String[] t : new String[][] {{"signer", "1"}, {"signerNever", "0"}, {"signerInfo", "1"}, {"legacy", "1"},
                    {"signer", "0"}, {"storage", "1"}, {"signerDer", "1"}, {"bindNever", "0"}, {"0x12345678", "0"}}) {
                tickStamp(j, s, t[0], t[1].equals("1"));
            }
            // TPM_GetCapabilitySigned: libtpms (swtpm 0.7.1) is built without it, and so is jtpm
            for (Side side : List.of(j, s)) {
                Tpm12Client.Response r = side.c.raw(Tpm12Client.command(0xC1, 0x64, params(side.h("signerNever"), fill(0x73), 1, 4, 0x64)));
                assertThat(r.rc()).as("GetCapabilitySigned").isEqualTo(0x0A);
                Tpm12Client.Response ord = side.c.send(Ordinal.GetCapability, params(1, 4, 0x64));
                assertThat(ord.body()[ord.body().length - 1]).as("TPM_CAP_ORD GetCapabilitySigned").isZero();
            }
            // wrong secrets: five failures in all
            for (int ord : new int[] {Ordinal.CertifyKey, Ordinal.CertifyKey2}) {
                boolean one = ord == Ordinal.CertifyKey;
                String n = one ? "CertifyKey " : "CertifyKey2 ";
                String first = one ? "signer" : "storage", second = one ? "storage" : "signer";
                compare(j, s, n + "AUTH2 wrong first", ord, first, second, 2, OWNER, secret(second));
                compare(j, s, n + "AUTH2 wrong second", ord, first, second, 2, secret(first), OWNER);
            }
            compare(j, s, "CertifyKey AUTH1 wrong", Ordinal.CertifyKey, "signerNever", "storage", 1, OWNER, null);
        }
        assertThat(diffs).isEmpty();
        assertThat(certified).as("certifications that succeeded on both").isGreaterThanOrEqualTo(16);
    }
}
