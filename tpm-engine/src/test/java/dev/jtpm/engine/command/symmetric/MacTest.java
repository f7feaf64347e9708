package dev.jtpm.engine.command.symmetric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.Hmac;
import dev.jtpm.types.command.HmacStart;
import dev.jtpm.types.command.SequenceComplete;
import dev.jtpm.types.command.SequenceUpdate;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuSymKeyBits;
import dev.jtpm.types.structure.TpmuSymMode;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

/**
 * TPM2_MAC and TPM2_MAC_Start (Part 3, 15.6, 17.3) with symcipher CMAC keys, at TPM2_HMAC's and
 * TPM2_HMAC_Start's command codes as libtpms 0.9 has them: the CMAC equals Bouncy Castle's, and each response
 * code of the handlers' javadoc that a symcipher key can cause.
 */
class MacTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final byte[] KEY = HexFormat.of().parseHex("2b7e151628aed2a6abf7158809cf4f3c");
    private static final TpmaObject SIGN = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);

    private static int key(TestTpm t, TpmaObject a, int mode) {
        TpmtSymDefObject sym = new TpmtSymDefObject(TpmAlg.AES, new TpmuSymKeyBits.Aes(128), new TpmuSymMode.Block(TpmAlg.AES, mode));
        TpmtPublic template = TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsSymcipherParms(sym));
        Secret data = a.sensitiveDataOrigin() ? Secret.EMPTY : Secret.of(KEY);
        return t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, data), template,
                Bytes.EMPTY, NO_PCRS)).orThrow().objectHandle();
    }

    private static byte[] bcCmac(byte[] data) throws Exception {
        Mac m = Mac.getInstance("AESCMAC", new BouncyCastleProvider());
        m.init(new SecretKeySpec(KEY, "AES"));
        return m.doFinal(data);
    }

    @Test
    void mac_andMacSequence_withACmacKey_areTheCmac() throws Exception {
        TestTpm t = TestTpm.started();
        int k = key(t, SIGN, TpmAlg.CMAC);
        byte[] data = new byte[70];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 5);
        assertThat(t.run(new Hmac(k, Bytes.wrap(data), TpmAlg.NULL)).orThrow().outHMAC().toArray()).isEqualTo(bcCmac(data));
        assertThat(t.run(new Hmac(k, Bytes.wrap(data), TpmAlg.CMAC)).orThrow().outHMAC().toArray()).isEqualTo(bcCmac(data));
        int seq = t.run(new HmacStart(k, Secret.EMPTY, TpmAlg.NULL)).orThrow().sequenceHandle();
        t.run(new SequenceUpdate(seq, Bytes.wrap(Arrays.copyOf(data, 33)))).orThrow();
        var done = t.run(new SequenceComplete(seq, Bytes.wrap(Arrays.copyOfRange(data, 33, 70)), TpmRh.OWNER)).orThrow();
        assertThat(done.result().toArray()).isEqualTo(bcCmac(data));
        assertThat(done.validation().hierarchy()).isEqualTo(TpmRh.NULL);   // MAC sequences give no ticket
        // a key without a mode takes CMAC from the command
        int nullMode = key(t, SIGN, TpmAlg.NULL);
        assertThat(t.run(new Hmac(nullMode, Bytes.wrap(data), TpmAlg.CMAC)).orThrow().outHMAC().toArray()).isEqualTo(bcCmac(data));
    }

    @Test
    void mac_symcipherResponseCodes_asLibtpms() {
        TestTpm t = TestTpm.started();
        Bytes abc = Bytes.wrap("abc".getBytes());
        int cmac = key(t, SIGN, TpmAlg.CMAC);
        // another algorithm than the key's: VALUE; a hash for a CMAC key when the key has no mode: SCHEME
        assertThat(t.run(new Hmac(cmac, abc, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(t.run(new HmacStart(cmac, Secret.EMPTY, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        int nullMode = key(t, SIGN, TpmAlg.NULL);
        assertThat(t.run(new Hmac(nullMode, abc, TpmAlg.NULL)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        assertThat(t.run(new Hmac(nullMode, abc, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
        t.run(new dev.jtpm.types.command.FlushContext(nullMode)).orThrow();
        // a cipher-mode key cannot MAC: SCHEME
        int cfb = key(t, SIGN, TpmAlg.CFB);
        assertThat(t.run(new Hmac(cfb, abc, TpmAlg.NULL)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(new Hmac(cfb, abc, TpmAlg.CMAC)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        t.run(new dev.jtpm.types.command.FlushContext(cfb)).orThrow();
        // restricted: ATTRIBUTES after the scheme checks; not a MAC scheme at all: SYMMETRIC while unmarshalling
        TpmaObject restricted = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.SIGN_ENCRYPT, TpmaObject.RESTRICTED, TpmaObject.SENSITIVE_DATA_ORIGIN);
        int r = key(t, restricted, TpmAlg.CMAC);
        assertThat(t.run(new Hmac(r, abc, TpmAlg.NULL)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        assertThat(t.run(new Hmac(r, abc, TpmAlg.SHA256)).rc()).isEqualTo(TpmRc.VALUE.atParameter(2));
        byte[] raw = CommandBytes.encode(new Hmac(cmac, abc, TpmAlg.CMAC));
        raw[raw.length - 1] = (byte) TpmAlg.CFB;   // inScheme = TPM_ALG_CFB
        assertThat(new TpmRc(java.nio.ByteBuffer.wrap(t.raw(raw), 6, 4).getInt())).isEqualTo(TpmRc.SYMMETRIC.atParameter(2));
        // a decrypting CMAC key cannot be made
        TpmaObject decrypt = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.DECRYPT);
        TpmtSymDefObject sym = new TpmtSymDefObject(TpmAlg.AES, new TpmuSymKeyBits.Aes(128), new TpmuSymMode.Block(TpmAlg.AES, TpmAlg.CMAC));
        assertThat(t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(KEY)),
                TpmtPublic.of(TpmAlg.SHA256, decrypt, Bytes.EMPTY, new TpmsSymcipherParms(sym)), Bytes.EMPTY, NO_PCRS)).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
    }
}
