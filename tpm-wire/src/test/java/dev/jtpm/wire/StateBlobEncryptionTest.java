package dev.jtpm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StateBlobEncryptionTest {
    static final HexFormat HEX = HexFormat.of();
    static final StateKey K128 = StateKey.of(HEX.parseHex("00112233445566778899aabbccddeeff"));
    static final StateKey K256 = StateKey.of(HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    static final StateKey OTHER = StateKey.of(new byte[32]);

    static int ptm(Throwable e) { return ((StateBlobException) e).ptmResult(); }

    @Test
    void file256_hasSwtpmsLayoutAndPadding_checkedWithTheJdk() throws Exception {
        byte[] payload = new byte[1299]; // 1299 % 32 = 19 → pad 13, as the verified swtpm file
        Arrays.fill(payload, (byte) 0x5a);
        byte[] f = StateBlob.encodeFile(payload, Optional.of(K256));
        assertThat(BigEndian.u16(f, 4)).isEqualTo(0x09);
        StateBlob b = StateBlob.decode(f);
        assertThat(b.tlvs()).extracting(StateBlob.Tlv::tag).containsExactly(2, 3, 6);
        byte[] ct = b.find(2).value(), mac = b.find(3).value(), iv = b.find(6).value();
        assertThat(ct).hasSize(1312);
        assertThat(mac).hasSize(32);
        assertThat(iv).hasSize(32);
        Mac h = Mac.getInstance("HmacSHA256");
        h.init(new SecretKeySpec(K256.bytes(), "HmacSHA256"));
        h.update(ct);
        assertThat(h.doFinal(iv)).isEqualTo(mac);
        Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(K256.bytes(), "AES"), new IvParameterSpec(iv, 0, 16));
        byte[] p = c.doFinal(ct);
        assertThat(Arrays.copyOf(p, 1299)).isEqualTo(payload);
        for (int i = 1299; i < 1312; i++) assertThat(p[i]).isEqualTo((byte) 13);
        assertThat(StateBlob.decodeFile(f, Optional.of(K256))).isEqualTo(payload);
    }

    @Test
    void file128_isPkcs7Padded() throws Exception {
        byte[] payload = new byte[32];
        byte[] f = StateBlob.encodeFile(payload, Optional.of(K128));
        assertThat(BigEndian.u16(f, 4)).isEqualTo(0x01);
        assertThat(StateBlob.decode(f).find(2).value()).hasSize(48);
        assertThat(StateBlob.decode(f).find(6).value()).hasSize(16);
        assertThat(StateBlob.decodeFile(f, Optional.of(K128))).isEqualTo(payload);
    }

    @Test
    void file_errors_haveDistinctMessages() throws Exception {
        byte[] payload = {1, 2, 3};
        byte[] enc = StateBlob.encodeFile(payload, Optional.of(K256));
        assertThatThrownBy(() -> StateBlob.decodeFile(enc, Optional.empty()))
                .hasMessage("state is encrypted but no key was given").extracting(StateBlobEncryptionTest::ptm)
                .isEqualTo(Ptm.TPM_KEYNOTFOUND);
        assertThatThrownBy(() -> StateBlob.decodeFile(enc, Optional.of(OTHER)))
                .hasMessage("wrong key or corrupted state (HMAC mismatch)").extracting(StateBlobEncryptionTest::ptm)
                .isEqualTo(Ptm.TPM_DECRYPT_ERROR);
        assertThatThrownBy(() -> StateBlob.decodeFile(enc, Optional.of(K128)))
                .hasMessageContaining("needs a 256-bit key").extracting(StateBlobEncryptionTest::ptm)
                .isEqualTo(Ptm.TPM_BAD_KEY_PROPERTY);
        byte[] tampered = enc.clone();
        tampered[20] ^= 1;
        assertThatThrownBy(() -> StateBlob.decodeFile(tampered, Optional.of(K256)))
                .hasMessage("wrong key or corrupted state (HMAC mismatch)");
        byte[] plain = StateBlob.encodeFile(payload, Optional.empty());
        assertThat(StateBlob.decodeFile(plain, Optional.empty())).isEqualTo(payload);
        assertThatThrownBy(() -> StateBlob.decodeFile(plain, Optional.of(K256)))
                .hasMessage("state is not encrypted but a key was given");
    }

    /** jtpm's AES-GCM mode: the JDK opens what it wrote; a flipped bit, another key or a changed tag fails; no TLV 3. */
    @Test
    void gcm_fileAndMigration_roundTrip_andAuthenticate() throws Exception {
        byte[] payload = HEX.parseHex("00030ab3647230" + "55".repeat(100));
        for (StateKey k : List.of(K128.withGcm(true), K256.withGcm(true))) {
            byte[] file = StateBlob.encodeFile(payload, Optional.of(k));
            List<StateBlob.Tlv> tlvs = StateBlob.decode(file).tlvs();
            assertThat(tlvs.stream().map(StateBlob.Tlv::tag).toList()).containsExactly(StateBlob.TAG_JTPM_CIPHER, 2, 6);
            assertThat(BigEndian.u16(file, 4)).isEqualTo(k.is256() ? 0x09 : 0x01);
            byte[] nonce = tlvs.get(2).value(), ct = tlvs.get(1).value();
            javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
            c.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(k.bytes(), "AES"),
                    new javax.crypto.spec.GCMParameterSpec(128, nonce));
            c.updateAAD(new byte[] {'j', 't', 'p', 'm', 0, 2, (byte) k.length()});
            assertThat(c.doFinal(ct)).as("the JDK opens it").isEqualTo(payload);
            assertThat(StateBlob.decodeFile(file, Optional.of(k))).isEqualTo(payload);
            assertThat(StateBlob.decodeFile(file, Optional.of(k.withGcm(false)))).as("the file names its cipher").isEqualTo(payload);
            byte[] flipped = file.clone();
            flipped[flipped.length - 20] ^= 1;
            assertThatThrownBy(() -> StateBlob.decodeFile(flipped, Optional.of(k))).hasMessageContaining("AES-GCM tag mismatch");
            StateKey other = StateKey.of(new byte[k.length()]).withGcm(true);
            assertThatThrownBy(() -> StateBlob.decodeFile(file, Optional.of(other))).hasMessageContaining("AES-GCM tag mismatch");
            byte[] blob = StateBlob.encodeMigration(payload, Optional.of(k), Optional.of(k), false);
            assertThat(StateBlob.decodeMigration(blob, true, Optional.of(k), Optional.of(k))).isEqualTo(payload);
        }
    }

    @Test
    void migration_allCombinationsRoundTrip() throws Exception {
        byte[] payload = HEX.parseHex("00030ab3647230");
        for (Optional<StateKey> fk : List.of(Optional.<StateKey>empty(), Optional.of(K128), Optional.of(K256))) {
            for (Optional<StateKey> mk : List.of(Optional.<StateKey>empty(), Optional.of(K128), Optional.of(K256))) {
                for (boolean decrypted : new boolean[] {false, true}) {
                    byte[] blob = StateBlob.encodeMigration(payload, fk, mk, decrypted);
                    int flags = BigEndian.u16(blob, 4);
                    boolean still = fk.isPresent() && !decrypted;
                    assertThat(flags & 0x04).isEqualTo(0x04);
                    assertThat((flags & 0x01) != 0).isEqualTo(still);
                    assertThat((flags & 0x08) != 0).isEqualTo(still && fk.get().is256());
                    assertThat((flags & 0x02) != 0).isEqualTo(mk.isPresent());
                    assertThat((flags & 0x10) != 0).isEqualTo(mk.isPresent() && mk.get().is256());
                    List<Integer> tags = StateBlob.decode(blob).tlvs().stream().map(StateBlob.Tlv::tag).toList();
                    assertThat(tags).isEqualTo(mk.isPresent() ? List.of(5, 3, 7) : List.of(4));
                    assertThat(StateBlob.decodeMigration(blob, still, fk, mk)).isEqualTo(payload);
                }
            }
        }
    }

    @Test
    void migration_plainShape_isSwtpms() {
        byte[] blob = StateBlob.encodeMigration(new byte[0x513], Optional.empty(), Optional.empty(), false);
        assertThat(blob).isEqualTo(StateBlob.plainMigration(new byte[0x513]).encode());
    }

    @Test
    void migration_errors() throws Exception {
        byte[] payload = {9, 9};
        byte[] blob = StateBlob.encodeMigration(payload, Optional.empty(), Optional.of(K256), false);
        assertThatThrownBy(() -> StateBlob.decodeMigration(blob, false, Optional.empty(), Optional.empty()))
                .extracting(StateBlobEncryptionTest::ptm).isEqualTo(Ptm.TPM_KEYNOTFOUND);
        assertThatThrownBy(() -> StateBlob.decodeMigration(blob, false, Optional.empty(), Optional.of(OTHER)))
                .hasMessage("wrong key or corrupted migration blob (HMAC mismatch)");
        byte[] fileEnc = StateBlob.encodeMigration(payload, Optional.of(K128), Optional.empty(), false);
        assertThatThrownBy(() -> StateBlob.decodeMigration(fileEnc, true, Optional.empty(), Optional.empty()))
                .extracting(StateBlobEncryptionTest::ptm).isEqualTo(Ptm.TPM_KEYNOTFOUND);
        // a plain blob is taken even when a migration key is set
        byte[] plain = StateBlob.encodeMigration(payload, Optional.empty(), Optional.empty(), false);
        assertThat(StateBlob.decodeMigration(plain, false, Optional.empty(), Optional.of(K256))).isEqualTo(payload);
        assertThat(StateBlob.decodeMigration(HEX.parseHex("0201000a00040000000a"), false, Optional.empty(),
                Optional.empty())).isEmpty();
    }

    @Test
    void versionOne_encrypted_isRead() throws Exception {
        byte[] data = "libtpms state".getBytes();
        byte[] hashed = new byte[32 + data.length];
        System.arraycopy(java.security.MessageDigest.getInstance("SHA-256").digest(data), 0, hashed, 0, 32);
        System.arraycopy(data, 0, hashed, 32, data.length);
        int pad = 16 - hashed.length % 16;
        byte[] padded = Arrays.copyOf(hashed, hashed.length + pad);
        Arrays.fill(padded, hashed.length, padded.length, (byte) pad);
        Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(K128.bytes(), "AES"), new IvParameterSpec(new byte[16]));
        byte[] ct = c.doFinal(padded);
        byte[] v1 = new byte[10 + ct.length];
        v1[0] = 1;
        v1[1] = 1;
        BigEndian.put16(v1, 2, 10);
        BigEndian.put32(v1, 6, v1.length);
        System.arraycopy(ct, 0, v1, 10, ct.length);
        assertThat(StateBlob.decodeFile(v1, Optional.of(K128))).isEqualTo(data);
        assertThatThrownBy(() -> StateBlob.decodeFile(v1, Optional.of(StateKey.of(new byte[16]))))
                .isInstanceOf(StateBlobException.class);
    }
}
