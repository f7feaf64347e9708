package dev.jtpm.engine.command.symmetric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EncryptDecrypt;
import dev.jtpm.types.command.EncryptDecrypt2;
import dev.jtpm.types.command.EncryptDecryptResponse;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSymDefObject;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TPM2_EncryptDecrypt and TPM2_EncryptDecrypt2 (Part 3, 15.2-15.3) with AES keys whose octets the test
 * chose, cross-checked with the JDK's AES in each mode, and every response code of the handlers' javadoc.
 */
class EncryptDecryptTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] IV = HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    private static final TpmaObject BOTH = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.USER_WITH_AUTH, TpmaObject.DECRYPT, TpmaObject.SIGN_ENCRYPT);

    private static int key(TestTpm t, TpmaObject a, int mode) {
        TpmtPublic template = TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsSymcipherParms(TpmtSymDefObject.aes(128, mode)));
        return t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(KEY)), template,
                Bytes.EMPTY, NO_PCRS)).orThrow().objectHandle();
    }

    private static byte[] jdk(String mode, int cipherMode, byte[] iv, byte[] data) throws Exception {
        Cipher c = Cipher.getInstance("AES/" + mode + "/NoPadding");
        if (mode.equals("ECB")) c.init(cipherMode, new SecretKeySpec(KEY, "AES"));
        else c.init(cipherMode, new SecretKeySpec(KEY, "AES"), new IvParameterSpec(iv));
        return c.doFinal(data);
    }

    private static int alg(String mode) {
        return switch (mode) {
            case "CFB" -> TpmAlg.CFB;
            case "CBC" -> TpmAlg.CBC;
            case "ECB" -> TpmAlg.ECB;
            case "OFB" -> TpmAlg.OFB;
            default -> TpmAlg.CTR;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"CFB", "CBC", "ECB", "OFB", "CTR"})
    void encryptDecrypt_eachMode_matchesJdk_andRoundTrips(String mode) throws Exception {
        TestTpm t = TestTpm.started();
        int k = key(t, BOTH, TpmAlg.NULL);
        byte[] data = new byte[64];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
        Bytes iv = mode.equals("ECB") ? Bytes.EMPTY : Bytes.wrap(IV);
        EncryptDecryptResponse enc = t.run(new EncryptDecrypt(k, false, alg(mode), iv, Bytes.wrap(data))).orThrow();
        assertThat(enc.outData().toArray()).isEqualTo(jdk(mode, Cipher.ENCRYPT_MODE, IV, data));
        EncryptDecryptResponse dec = t.run(new EncryptDecrypt2(k, enc.outData(), true, alg(mode), iv)).orThrow();
        assertThat(dec.outData().toArray()).isEqualTo(data);
        assertThat(dec.ivOut()).isEqualTo(enc.ivOut());
        // ivOut chains: two halves give the same ciphertext as the whole
        byte[] half = java.util.Arrays.copyOf(data, 32);
        EncryptDecryptResponse first = t.run(new EncryptDecrypt(k, false, alg(mode), iv, Bytes.wrap(half))).orThrow();
        EncryptDecryptResponse second = t.run(new EncryptDecrypt(k, false, alg(mode), first.ivOut(),
                Bytes.wrap(java.util.Arrays.copyOfRange(data, 32, 64)))).orThrow();
        assertThat(second.outData().toArray()).isEqualTo(java.util.Arrays.copyOfRange(enc.outData().toArray(), 32, 64));
        if (mode.equals("ECB")) assertThat(enc.ivOut()).isEqualTo(Bytes.EMPTY);
        if (mode.equals("CBC") || mode.equals("CFB")) {
            assertThat(enc.ivOut().toArray()).isEqualTo(java.util.Arrays.copyOfRange(enc.outData().toArray(), 48, 64));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"CFB", "OFB", "CTR"})
    void encrypt_streamModes_anyLength(String mode) throws Exception {
        TestTpm t = TestTpm.started();
        int k = key(t, BOTH, alg(mode));
        byte[] data = "seventeen octets!".getBytes();
        byte[] out = t.run(new EncryptDecrypt(k, false, TpmAlg.NULL, Bytes.wrap(IV), Bytes.wrap(data))).orThrow().outData().toArray();
        Cipher c = Cipher.getInstance("AES/" + mode + "/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new IvParameterSpec(IV));
        assertThat(out).isEqualTo(c.doFinal(data));
    }

    @Test
    void responseCodes_encryptDecrypt() {
        TestTpm t = TestTpm.started();
        int srk = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.ECC_P256_SRK, Bytes.EMPTY, NO_PCRS))
                .orThrow().objectHandle();
        int cbc = key(t, BOTH, TpmAlg.CBC);
        int decryptOnly = key(t, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.DECRYPT), TpmAlg.NULL);
        Bytes iv = Bytes.wrap(IV), block = Bytes.zeros(16);
        // not a symmetric key
        assertThat(t.run(new EncryptDecrypt(srk, false, TpmAlg.CFB, iv, block)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
        // encryption needs sign, decryption needs decrypt
        assertThat(t.run(new EncryptDecrypt(decryptOnly, false, TpmAlg.CFB, iv, block)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        assertThat(t.run(new EncryptDecrypt(decryptOnly, true, TpmAlg.CFB, iv, block)).ok()).isTrue();
        // the key's mode and the command's differ; both NULL
        assertThat(t.run(new EncryptDecrypt(cbc, false, TpmAlg.CFB, iv, block)).rc()).isEqualTo(TpmRc.MODE.atParameter(2));
        assertThat(t.run(new EncryptDecrypt(cbc, false, TpmAlg.CBC, iv, block)).ok()).isTrue();
        assertThat(t.run(new EncryptDecrypt(decryptOnly, true, TpmAlg.NULL, iv, block)).rc()).isEqualTo(TpmRc.MODE.atParameter(2));
        // ivIn not one block; not empty for ECB
        assertThat(t.run(new EncryptDecrypt(cbc, false, TpmAlg.NULL, Bytes.zeros(8), block)).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(3));
        assertThat(t.run(new EncryptDecrypt(decryptOnly, true, TpmAlg.ECB, iv, block)).rc()).isEqualTo(TpmRc.SIZE.atParameter(3));
        // CBC and ECB need whole blocks
        assertThat(t.run(new EncryptDecrypt(cbc, false, TpmAlg.NULL, iv, Bytes.zeros(17))).rc()).isEqualTo(TpmRc.SIZE.atParameter(4));
        assertThat(t.run(new EncryptDecrypt(decryptOnly, true, TpmAlg.ECB, Bytes.EMPTY, Bytes.zeros(15))).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(4));
        // a mode that is not a cipher mode: the codec
        assertThat(t.run(new EncryptDecrypt(cbc, false, TpmAlg.CMAC, iv, block)).rc()).isEqualTo(TpmRc.MODE.atParameter(2));
    }

    @Test
    void responseCodes_encryptDecrypt2_useItsOwnIndices() {
        TestTpm t = TestTpm.started();
        int cbc = key(t, BOTH, TpmAlg.CBC);
        Bytes iv = Bytes.wrap(IV), block = Bytes.zeros(16);
        assertThat(t.run(new EncryptDecrypt2(cbc, block, false, TpmAlg.CFB, iv)).rc()).isEqualTo(TpmRc.MODE.atParameter(3));
        assertThat(t.run(new EncryptDecrypt2(cbc, block, false, TpmAlg.NULL, Bytes.zeros(15))).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(4));
        assertThat(t.run(new EncryptDecrypt2(cbc, Bytes.zeros(3), false, TpmAlg.NULL, iv)).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void restrictedSymmetricKey_refused() {
        TestTpm t = TestTpm.started();
        TpmtPublic template = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.DECRYPT, TpmaObject.RESTRICTED),
                Bytes.EMPTY, new TpmsSymcipherParms(TpmtSymDefObject.aes(128, TpmAlg.CFB)));
        int k = t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS))
                .orThrow().objectHandle();
        assertThat(t.run(new EncryptDecrypt(k, true, TpmAlg.NULL, Bytes.wrap(IV), Bytes.zeros(16))).rc())
                .isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
    }
}
