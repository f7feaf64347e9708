package dev.jtpm.engine.command.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.command.ClockSet;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.StartAuthSessionResponse;
import dev.jtpm.types.structure.TpmtSymDef;
import dev.jtpm.types.structure.TpmuSymKeyBits;
import dev.jtpm.types.structure.TpmuSymMode;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import static dev.jtpm.engine.command.session.ClientCrypto.hmac;
import static dev.jtpm.engine.command.session.ClientCrypto.sha256;

/**
 * Session parameter encryption (Part 1, 21), with the client side (KDFa, AES-CFB, XOR) written
 * here independently: a command parameter the engine decrypts wrongly, or a response it encrypts
 * wrongly, fails these tests.
 */
class ParameterEncryptionTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Bytes NONCE = Bytes.fromHex("0f0e0d0c0b0a09080706050403020100");

    /** KDFa with SHA-256 (SP 800-108 counter mode), independently of tpm-crypto. */
    private static byte[] kdfa(byte[] key, String label, byte[] u, byte[] v, int bits) throws Exception {
        byte[] out = new byte[bits / 8];
        int done = 0;
        for (int i = 1; done < out.length; i++) {
            byte[] block = hmac(key, new byte[] {0, 0, 0, (byte) i}, (label + "\0").getBytes(), u, v,
                    new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
            int n = Math.min(block.length, out.length - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        return out;
    }

    private static byte[] protect(String kind, byte[] data, byte[] newer, byte[] older, boolean decrypt) throws Exception {
        if (kind.equals("xor")) {
            byte[] mask = kdfa(new byte[0], "XOR", newer, older, data.length * 8);
            byte[] r = data.clone();
            for (int i = 0; i < r.length; i++) r[i] ^= mask[i];
            return r;
        }
        int keyBits = kind.equals("aes128") ? 128 : 256;
        byte[] kiv = kdfa(new byte[0], "CFB", newer, older, keyBits + 128);
        Cipher c = Cipher.getInstance("AES/CFB/NoPadding");
        c.init(decrypt ? Cipher.DECRYPT_MODE : Cipher.ENCRYPT_MODE, new SecretKeySpec(kiv, 0, keyBits / 8, "AES"),
                new IvParameterSpec(kiv, keyBits / 8, 16));
        return c.doFinal(data);
    }

    private static TpmtSymDef sym(String kind) {
        return switch (kind) {
            case "xor" -> new TpmtSymDef(TpmAlg.XOR, new TpmuSymKeyBits.Xor(TpmAlg.SHA256), new TpmuSymMode.Xor());
            case "aes128" -> new TpmtSymDef(TpmAlg.AES, new TpmuSymKeyBits.Aes(128), new TpmuSymMode.Block(TpmAlg.AES, TpmAlg.CFB));
            default -> new TpmtSymDef(TpmAlg.AES, new TpmuSymKeyBits.Aes(256), new TpmuSymMode.Block(TpmAlg.AES, TpmAlg.CFB));
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"aes128", "aes256", "xor"})
    void encryptedNewAuth_isDecryptedByTheTpm_andAnEncryptedResponseDecryptsToTheDigest(String kind) throws Exception {
        TestTpm t = TestTpm.started();
        StartAuthSessionResponse s = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, TpmSe.HMAC,
                sym(kind), TpmAlg.SHA256)).orThrow();
        // HierarchyChangeAuth(OWNER, "secret") with the parameter encrypted (attributes: continue | decrypt)
        byte[] secret = "secret".getBytes();
        byte[] enc = protect(kind, secret, NONCE.toArray(), s.nonceTPM().toArray(), false);
        byte[] params = new TpmWriter().sized(Bytes.wrap(enc)).toByteArray();
        int attrs = TpmSe.CONTINUE_SESSION | TpmSe.DECRYPT;
        byte[] cpHash = sha256(HEX.parseHex("00000129"), HEX.parseHex("40000001"), params);
        byte[] mac = hmac(new byte[0], cpHash, NONCE.toArray(), s.nonceTPM().toArray(), new byte[] {(byte) attrs});
        TpmWriter w = new TpmWriter();
        w.u16(TpmSt.SESSIONS).u32(0).u32(0x129).u32(0x40000001);
        w.u32(4 + 2 + NONCE.size() + 1 + 2 + mac.length);
        w.u32(s.sessionHandle()).sized(NONCE).u8(attrs).sized(Bytes.wrap(mac));
        w.bytes(params);
        w.patchU32(2, w.position());
        byte[] r = t.raw(w.toByteArray());
        assertThat(new TpmRc(new TpmReader(r, 6, 4).u32())).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new ClockSet(TpmRh.OWNER, 1L << 40), List.of(Bytes.wrap(secret))).ok()).isTrue();

        // Hash("abc") with the response encrypted (continue | encrypt), using the session's new nonceTPM
        TpmReader rd = new TpmReader(r, 10, r.length - 10);
        rd.bytes(rd.u32());
        Bytes nonceTpm = rd.bytes(rd.u16());
        byte[] hashParams = new TpmWriter().sized(Bytes.wrap("abc".getBytes())).u16(TpmAlg.SHA256).u32(TpmRh.NULL).toByteArray();
        int attrs2 = TpmSe.CONTINUE_SESSION | TpmSe.ENCRYPT;
        byte[] cp2 = sha256(HEX.parseHex("0000017d"), hashParams);
        byte[] mac2 = hmac(new byte[0], cp2, NONCE.toArray(), nonceTpm.toArray(), new byte[] {(byte) attrs2});
        TpmWriter w2 = new TpmWriter();
        w2.u16(TpmSt.SESSIONS).u32(0).u32(0x17d);
        w2.u32(4 + 2 + NONCE.size() + 1 + 2 + mac2.length);
        w2.u32(s.sessionHandle()).sized(NONCE).u8(attrs2).sized(Bytes.wrap(mac2));
        w2.bytes(hashParams);
        w2.patchU32(2, w2.position());
        byte[] r2 = t.raw(w2.toByteArray());
        assertThat(new TpmRc(new TpmReader(r2, 6, 4).u32())).isEqualTo(TpmRc.SUCCESS);
        TpmReader rd2 = new TpmReader(r2, 10, r2.length - 10);
        TpmReader p2 = rd2.slice(rd2.u32());
        byte[] encDigest = p2.bytes(p2.u16()).toArray();
        Bytes newNonce = rd2.bytes(rd2.u16());
        byte[] digest = protect(kind, encDigest, newNonce.toArray(), NONCE.toArray(), true);
        assertThat(digest).isEqualTo(sha256("abc".getBytes()));
    }

    @Test
    void decryptOnASessionWithoutCipher_returnsSymmetric_andBlockCipherOtherThanCfb_returnsMode() throws Exception {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, TpmSe.HMAC,
                new TpmtSymDef(TpmAlg.AES, new TpmuSymKeyBits.Aes(128), new TpmuSymMode.Block(TpmAlg.AES, TpmAlg.NULL)),
                TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.MODE.atParameter(4));
        StartAuthSessionResponse s = t.run(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, NONCE, Bytes.EMPTY, TpmSe.HMAC,
                TpmtSymDef.NULL, TpmAlg.SHA256)).orThrow();
        byte[] params = new TpmWriter().sized(Bytes.wrap("x".getBytes())).toByteArray();
        TpmWriter w = new TpmWriter();
        w.u16(TpmSt.SESSIONS).u32(0).u32(0x129).u32(0x40000001);
        w.u32(4 + 2 + NONCE.size() + 1 + 2 + 32);
        w.u32(s.sessionHandle()).sized(NONCE).u8(0x21).sized(Bytes.zeros(32));
        w.bytes(params);
        w.patchU32(2, w.position());
        byte[] r = t.raw(w.toByteArray());
        assertThat(new TpmRc(new TpmReader(r, 6, 4).u32())).isEqualTo(TpmRc.SYMMETRIC.atSession(1));
    }
}
