package dev.jtpm.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.structure.TpmiAlgHash;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AlgorithmsTest {

    @Test
    void table_isAscending_andHasTheHashes() {
        assertThat(Algorithms.all()).extracting(Algorithms.Entry::alg).isSorted()
                .contains(TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512);
    }

    @Test
    void pureHashEntries_agreeWithTpmiAlgHash() {
        assertThat(Algorithms.all().stream().filter(e -> e.attributes() == Algorithms.HASH)
                .mapToInt(Algorithms.Entry::alg).toArray())
                .containsExactlyInAnyOrder(Arrays.stream(TpmiAlgHash.IMPLEMENTED).toArray());
    }

    @Test
    void objectAlgorithms_haveLibtpmsAttributes_keySizesAndCurves() {
        assertThat(Algorithms.get(TpmAlg.RSA).attributes()).isEqualTo(0x009);
        assertThat(Algorithms.get(TpmAlg.ECC).attributes()).isEqualTo(0x009);
        assertThat(Algorithms.get(TpmAlg.KEYEDHASH).attributes()).isEqualTo(0x30C);
        assertThat(Algorithms.get(TpmAlg.SYMCIPHER).attributes()).isEqualTo(0x008);
        assertThat(Algorithms.get(TpmAlg.HMAC).attributes()).isEqualTo(0x104);
        assertThat(Algorithms.get(TpmAlg.RSA).keySizes()).containsExactly(1024, 2048, 3072, 4096);
        // swtpm 0.7.1: NIST P-192..P-521, BN P-256, BN P-638, SM2 P-256
        assertThat(Algorithms.eccCurves()).containsExactly(1, 2, 3, 4, 5, 0x10, 0x11, 0x20);
        // signing schemes came with TPM2_Sign (libtpms: asymmetric|signing), ECDAA with TPM2_Commit
        for (int alg : new int[] {TpmAlg.RSASSA, TpmAlg.RSAPSS, TpmAlg.ECDSA, TpmAlg.ECSCHNORR, TpmAlg.ECDAA}) {
            assertThat(Algorithms.get(alg).attributes()).isEqualTo(0x101);
        }
        // SM2 as libtpms reports it: asymmetric|signing|method
        assertThat(Algorithms.get(TpmAlg.SM2).attributes()).isEqualTo(0x501);
        // ECMQV came with TPM2_EC_Ephemeral and TPM2_ZGen_2Phase (swtpm: asymmetric|method, as ECDH)
        assertThat(Algorithms.get(TpmAlg.ECMQV).attributes()).isEqualTo(0x401);
    }

    @Test
    void encryptionSchemesAndModes_haveLibtpmsAttributes() {
        // TPM2_RSA_Encrypt/_Decrypt, TPM2_ECDH_KeyGen/_ZGen and TPM2_EncryptDecrypt(2) (Part 3, 14-15)
        assertThat(Algorithms.get(TpmAlg.RSAES).attributes()).isEqualTo(0x201);
        assertThat(Algorithms.get(TpmAlg.OAEP).attributes()).isEqualTo(0x201);
        assertThat(Algorithms.get(TpmAlg.MGF1).attributes()).isEqualTo(0x404);
        assertThat(Algorithms.get(TpmAlg.ECDH).attributes()).isEqualTo(0x401);
        for (int mode : new int[] {TpmAlg.CTR, TpmAlg.OFB, TpmAlg.CBC, TpmAlg.CFB, TpmAlg.ECB}) {
            assertThat(Algorithms.get(mode).attributes()).isEqualTo(0x202);
        }
        // CMAC: symmetric and signing, as swtpm reports it (a symcipher key's mode for TPM2_MAC)
        assertThat(Algorithms.get(TpmAlg.CMAC).attributes()).isEqualTo(0x102);
    }

    @Test
    void blockCiphers_haveLibtpmsKeySizes_andAes192() {
        assertThat(Algorithms.get(TpmAlg.AES).keySizes()).containsExactly(128, 192, 256); // 192: beyond libtpms 0.9
        assertThat(Algorithms.get(TpmAlg.CAMELLIA).keySizes()).containsExactly(128, 256);
        assertThat(Algorithms.get(TpmAlg.TDES).keySizes()).containsExactly(128, 192);
        for (int alg : new int[] {TpmAlg.TDES, TpmAlg.AES, TpmAlg.CAMELLIA}) assertThat(Algorithms.get(alg).attributes()).isEqualTo(0x002);
        for (int kdf : new int[] {TpmAlg.KDF1_SP800_56A, TpmAlg.KDF2, TpmAlg.KDF1_SP800_108}) {
            assertThat(Algorithms.get(kdf).attributes()).isEqualTo(0x404);
        }
        assertThat(Algorithms.isImplemented(TpmAlg.SM4)).isFalse();
    }

    @Test
    void sessionEncryptionAlgorithms_areImplemented() {
        assertThat(Algorithms.isImplemented(TpmAlg.XOR)).isTrue();
        assertThat(Algorithms.isImplemented(TpmAlg.CFB)).isTrue();
        assertThat(Algorithms.hasKeySize(TpmAlg.AES, 128)).isTrue();
        assertThat(Algorithms.hasKeySize(TpmAlg.AES, 256)).isTrue();
    }
}
