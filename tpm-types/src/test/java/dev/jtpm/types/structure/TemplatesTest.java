package dev.jtpm.types.structure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes of the named templates, written out from the TCG EK Credential Profile facts in
 * {@code swtpm-protocol.md} §6.3 (the captured tpm2_createek traffic is checked against the same
 * presets in {@code SwtpmGoldenTest}).
 */
class TemplatesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String POLICY_A = "837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa";

    /** The template as a TPM2B_PUBLIC (size, then TPMT_PUBLIC). */
    private static String tpm2b(TpmtPublic t) {
        byte[] b = TpmCodec.encode(t);
        return String.format("%04x", b.length) + HEX.formatHex(b);
    }

    private static TpmRc rcOf(Runnable r) {
        try {
            r.run();
        } catch (TpmFailure f) {
            return f.rc();
        }
        throw new AssertionError("no TpmFailure");
    }

    @Test
    void ekRsa2048_L1_isThe0x013aOctetTemplateOfTheProfile() {
        String expected = "013a" + "0001" + "000b" + "000300b2" + "0020" + POLICY_A + "0006" + "0080" + "0043" + "0010"
                + "0800" + "00000000" + "0100" + "00".repeat(256);
        assertThat(tpm2b(Templates.EK_RSA_2048)).isEqualTo(expected);
    }

    @Test
    void ekEccP256_L2_isThe0x7aOctetTemplateOfTheProfile() {
        String expected = "007a" + "0023" + "000b" + "000300b2" + "0020" + POLICY_A + "0006" + "0080" + "0043" + "0010"
                + "0003" + "0010" + "0020" + "00".repeat(32) + "0020" + "00".repeat(32);
        assertThat(tpm2b(Templates.EK_ECC_P256)).isEqualTo(expected);
    }

    @Test
    void highRangeTemplates_addUserWithAuth_usePolicyB_andHaveAnEmptyUnique() {
        assertThat(tpm2b(Templates.EK_RSA_2048_HIGH)).isEqualTo("003a" + "0001" + "000b" + "000300f2" + "0020"
                + Templates.POLICY_B_SHA256.toHex() + "000600800043" + "0010" + "0800" + "00000000" + "0000");
        assertThat(tpm2b(Templates.EK_ECC_P384_HIGH)).isEqualTo("004a" + "0023" + "000c" + "000300f2" + "0030"
                + Templates.POLICY_B_SHA384.toHex() + "000601000043" + "0010" + "0004" + "0010" + "0000" + "0000");
        assertThat(Templates.EK_ECC_P256_HIGH.authPolicy()).isEqualTo(Templates.POLICY_B_SHA256);
        assertThat(Templates.EK_ECC_P521_HIGH.nameAlg()).isEqualTo(TpmAlg.SHA512);
        assertThat(Templates.EK_ECC_P521_HIGH.authPolicy().size()).isEqualTo(64);
        assertThat(((TpmsRsaParms) Templates.EK_RSA_3072_HIGH.parameters()).keyBits()).isEqualTo(3072);
        assertThat(((TpmsRsaParms) Templates.EK_RSA_4096_HIGH.parameters()).symmetric())
                .isEqualTo(TpmtSymDefObject.aes(256, TpmAlg.CFB));
        for (TpmtPublic t : new TpmtPublic[] {Templates.EK_RSA_2048_HIGH, Templates.EK_ECC_P256_HIGH,
                Templates.EK_ECC_P384_HIGH, Templates.EK_ECC_P521_HIGH, Templates.EK_RSA_3072_HIGH,
                Templates.EK_RSA_4096_HIGH}) {
            assertThat(t.objectAttributes().value()).isEqualTo(0x000300F2);
            assertThat(t.authPolicy().size()).isEqualTo(TpmAlg.digestSize(t.nameAlg()));
        }
    }

    @Test
    void srk_isTheProvisioningGuidanceTemplate() {
        assertThat(Templates.SRK_ATTRIBUTES.value()).isEqualTo(0x00030472);
        assertThat(tpm2b(Templates.RSA_2048_SRK)).isEqualTo("011a" + "0001" + "000b" + "00030472" + "0000"
                + "000600800043" + "0010" + "0800" + "00000000" + "0100" + "00".repeat(256));
        assertThat(tpm2b(Templates.ECC_P256_SRK)).isEqualTo("005a" + "0023" + "000b" + "00030472" + "0000"
                + "000600800043" + "0010" + "0003" + "0010" + "0020" + "00".repeat(32) + "0020" + "00".repeat(32));
    }

    @Test
    void templates_roundTrip_strictlyAndLeniently() {
        for (TpmtPublic t : new TpmtPublic[] {Templates.EK_RSA_2048, Templates.EK_ECC_P256, Templates.RSA_2048_SRK,
                Templates.ECC_P256_SRK, Templates.EK_ECC_P384_HIGH}) {
            byte[] b = TpmCodec.encode(t);
            assertThat(TpmCodec.decodeLenient(TpmtPublic.class, b)).isEqualTo(t);
            assertThat(TpmCodec.decode(TpmtPublic.class, b)).isEqualTo(t);
        }
    }

    @Test
    void ekPolicyA_isPolicySecretOfTheEndorsementHierarchy() throws Exception {
        // PolicySecret(TPM_RH_ENDORSEMENT) from the zero digest: H(H(0^32 || TPM_CC_PolicySecret || name(EH)) || "")
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(new byte[32]);
        sha.update(HEX.parseHex("00000151"));
        sha.update(HEX.parseHex("4000000b"));
        byte[] first = sha.digest();
        sha.update(first);
        assertThat(Bytes.wrap(sha.digest())).isEqualTo(Templates.POLICY_A_SHA256);
    }
}
