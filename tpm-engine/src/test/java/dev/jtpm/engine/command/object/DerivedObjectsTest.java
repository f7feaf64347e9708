package dev.jtpm.engine.command.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreateLoaded;
import dev.jtpm.types.command.CreateLoadedResponse;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EncryptDecrypt;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsDerive;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtDerivedTemplate;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuSchemeKeyedhash;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * TPM2_CreateLoaded under a derivation parent (Part 1, 27.1; Part 3, 12.9): the derived key is KDFa's, written
 * here from Part 1 §11.4.10.2, the same label and context give the same object, and each derivation code of the
 * handler's javadoc. (SymmetricAlgorithmsInteropTest compares every octet with swtpm.)
 */
class DerivedObjectsTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final byte[] BITS = new byte[32];
    /** fixedParent | userWithAuth | sign | decrypt: what a derived symmetric key may have (fixedTPM as its parent). */
    private static final TpmaObject DERIVED = TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
            TpmaObject.SIGN_ENCRYPT, TpmaObject.DECRYPT);

    static {
        for (int i = 0; i < BITS.length; i++) BITS[i] = (byte) (i * 3);
    }

    /** A XOR/KDF1_SP800_108 derivation parent with BITS (duplicable, so its data may be given). */
    private static int derivationParent(TestTpm t) {
        TpmaObject a = TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.RESTRICTED, TpmaObject.DECRYPT);
        TpmtKeyedhashScheme xor = new TpmtKeyedhashScheme(TpmAlg.XOR, new TpmuSchemeKeyedhash.Xor(TpmAlg.SHA256, TpmAlg.KDF1_SP800_108));
        TpmtPublic template = TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsKeyedhashParms(xor));
        return t.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.EMPTY, Secret.of(BITS)), template,
                Bytes.EMPTY, NO_PCRS)).orThrow().objectHandle();
    }

    private static Bytes aesTemplate(TpmaObject a, String label, String context) {
        return TpmtDerivedTemplate.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsSymcipherParms(TpmtSymDefObject.aes(128, TpmAlg.ECB)),
                new TpmsDerive(Bytes.wrap(label.getBytes()), Bytes.wrap(context.getBytes()))).toTemplate();
    }

    private static byte[] kdfa(byte[] key, String label, String context, int bytes) throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] out = new byte[bytes];
        for (int i = 1, done = 0; done < bytes; i++, done += 32) {
            m.update(new byte[] {0, 0, 0, (byte) i});
            m.update((label + "\0").getBytes());
            m.update(context.getBytes());
            m.update(new byte[] {0, 0, 0x20, 0});
            System.arraycopy(m.doFinal(), 0, out, done, Math.min(32, bytes - done));
        }
        return out;
    }

    @Test
    void derivedAesKey_isKdfaOfTheParentsBits_andTheSameLabelGivesTheSameObject() throws Exception {
        TestTpm t = TestTpm.started();
        int parent = derivationParent(t);
        CreateLoadedResponse a = t.run(new CreateLoaded(parent, TpmsSensitiveCreate.EMPTY, aesTemplate(DERIVED, "lab", "ctx"))).orThrow();
        assertThat(a.outPrivate()).isEqualTo(Bytes.EMPTY);
        byte[] enc = t.run(new EncryptDecrypt(a.objectHandle(), false, TpmAlg.ECB, Bytes.EMPTY, Bytes.zeros(16))).orThrow()
                .outData().toArray();
        Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kdfa(BITS, "lab", "ctx", 16), "AES"));
        assertThat(enc).isEqualTo(c.doFinal(new byte[16]));
        t.run(new FlushContext(a.objectHandle())).orThrow();
        // the same label and context again: the same Name; the label given in inSensitive.data instead: the same too
        CreateLoadedResponse b = t.run(new CreateLoaded(parent, TpmsSensitiveCreate.EMPTY, aesTemplate(DERIVED, "lab", "ctx"))).orThrow();
        assertThat(b.name()).isEqualTo(a.name());
        t.run(new FlushContext(b.objectHandle())).orThrow();
        Secret given = Secret.of(TpmCodec.encode(new TpmsDerive(Bytes.wrap("lab".getBytes()), Bytes.EMPTY)));
        CreateLoadedResponse d = t.run(new CreateLoaded(parent, new TpmsSensitiveCreate(Secret.EMPTY, given),
                aesTemplate(DERIVED, "", "ctx"))).orThrow();
        assertThat(d.name()).isEqualTo(a.name());
        t.run(new FlushContext(d.objectHandle())).orThrow();
        CreateLoadedResponse other = t.run(new CreateLoaded(parent, TpmsSensitiveCreate.EMPTY, aesTemplate(DERIVED, "lab", "other")))
                .orThrow();
        assertThat(other.name()).isNotEqualTo(a.name());
    }

    @Test
    void derivation_responseCodes_asLibtpms() {
        TestTpm t = TestTpm.started();
        int parent = derivationParent(t);
        // an RSA template: TYPE on inPublic
        Bytes rsa = TpmtDerivedTemplate.of(TpmAlg.SHA256, DERIVED, Bytes.EMPTY,
                new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.NULL, 2048, 0), new TpmsDerive(Bytes.EMPTY, Bytes.EMPTY)).toTemplate();
        assertThat(t.run(new CreateLoaded(parent, TpmsSensitiveCreate.EMPTY, rsa)).rc()).isEqualTo(TpmRc.TYPE.atParameter(2));
        // sensitiveDataOrigin: ATTRIBUTES without an index; fixedTPM unlike the parent: ATTRIBUTES on inPublic
        TpmaObject sdo = TpmaObject.of(TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT,
                TpmaObject.DECRYPT, TpmaObject.SENSITIVE_DATA_ORIGIN);
        assertThat(t.run(new CreateLoaded(parent, TpmsSensitiveCreate.EMPTY, aesTemplate(sdo, "l", "c"))).rc()).isEqualTo(TpmRc.ATTRIBUTES);
        TpmaObject fixedTpm = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT, TpmaObject.USER_WITH_AUTH,
                TpmaObject.SIGN_ENCRYPT, TpmaObject.DECRYPT);
        assertThat(t.run(new CreateLoaded(parent, TpmsSensitiveCreate.EMPTY, aesTemplate(fixedTpm, "l", "c"))).rc())
                .isEqualTo(TpmRc.ATTRIBUTES.atParameter(2));
        // a malformed TPMS_DERIVE in inSensitive.data: its unmarshalling code, without an index
        Secret malformed = Secret.of(new byte[] {0, 5, 'a'});
        assertThat(t.run(new CreateLoaded(parent, new TpmsSensitiveCreate(Secret.EMPTY, malformed), aesTemplate(DERIVED, "", ""))).rc())
                .isEqualTo(TpmRc.INSUFFICIENT);
        // TPM2_Create does not derive: a derivation parent is no storage parent
        TpmtPublic plain = TpmtPublic.of(TpmAlg.SHA256, DERIVED, Bytes.EMPTY, new TpmsSymcipherParms(TpmtSymDefObject.aes(128, TpmAlg.ECB)));
        assertThat(t.run(new Create(parent, TpmsSensitiveCreate.EMPTY, plain, Bytes.EMPTY, NO_PCRS)).rc()).isEqualTo(TpmRc.TYPE.atHandle(1));
    }
}
