package dev.jtpm.types.structure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TpmaObjectTest {
    private static final HexFormat HEX = HexFormat.of();

    private static TpmRc rcOf(Runnable r) {
        try {
            r.run();
        } catch (TpmFailure f) {
            return f.rc();
        }
        throw new AssertionError("no TpmFailure");
    }

    @Test
    void accessors_nameTheBitsOfPart2() {
        TpmaObject ek = new TpmaObject(0x000300B2);
        assertThat(ek.fixedTpm()).isTrue();
        assertThat(ek.fixedParent()).isTrue();
        assertThat(ek.sensitiveDataOrigin()).isTrue();
        assertThat(ek.adminWithPolicy()).isTrue();
        assertThat(ek.restricted()).isTrue();
        assertThat(ek.decrypt()).isTrue();
        assertThat(ek.userWithAuth()).isFalse();
        assertThat(ek.stClear()).isFalse();
        assertThat(ek.noDa()).isFalse();
        assertThat(ek.encryptedDuplication()).isFalse();
        assertThat(ek.signEncrypt()).isFalse();
        assertThat(ek.x509Sign()).isFalse();
        assertThat(ek.hasReservedBits()).isFalse();
        assertThat(ek.toString()).contains("fixedTPM", "adminWithPolicy", "restricted", "decrypt");
    }

    @Test
    void eachNamedBit_isTheOneOfPart2() {
        assertThat(TpmaObject.FIXED_TPM).isEqualTo(0x2);
        assertThat(TpmaObject.ST_CLEAR).isEqualTo(0x4);
        assertThat(TpmaObject.FIXED_PARENT).isEqualTo(0x10);
        assertThat(TpmaObject.SENSITIVE_DATA_ORIGIN).isEqualTo(0x20);
        assertThat(TpmaObject.USER_WITH_AUTH).isEqualTo(0x40);
        assertThat(TpmaObject.ADMIN_WITH_POLICY).isEqualTo(0x80);
        assertThat(TpmaObject.NO_DA).isEqualTo(0x400);
        assertThat(TpmaObject.ENCRYPTED_DUPLICATION).isEqualTo(0x800);
        assertThat(TpmaObject.RESTRICTED).isEqualTo(0x10000);
        assertThat(TpmaObject.DECRYPT).isEqualTo(0x20000);
        assertThat(TpmaObject.SIGN_ENCRYPT).isEqualTo(0x40000);
        assertThat(TpmaObject.X509_SIGN).isEqualTo(0x80000);
        int named = TpmaObject.FIXED_TPM | TpmaObject.ST_CLEAR | TpmaObject.FIXED_PARENT | TpmaObject.SENSITIVE_DATA_ORIGIN
                | TpmaObject.USER_WITH_AUTH | TpmaObject.ADMIN_WITH_POLICY | TpmaObject.NO_DA
                | TpmaObject.ENCRYPTED_DUPLICATION | TpmaObject.RESTRICTED | TpmaObject.DECRYPT | TpmaObject.SIGN_ENCRYPT
                | TpmaObject.X509_SIGN;
        assertThat(named | TpmaObject.RESERVED).isEqualTo(-1);
        assertThat(named & TpmaObject.RESERVED).isZero();
    }

    @Test
    void withAndWithout_changeOnlyTheGivenBits() {
        TpmaObject a = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.SIGN_ENCRYPT);
        assertThat(a.value()).isEqualTo(0x40002);
        assertThat(a.with(TpmaObject.NO_DA).noDa()).isTrue();
        assertThat(a.without(TpmaObject.SIGN_ENCRYPT).value()).isEqualTo(0x2);
    }

    @Test
    void reservedBits_areKept_andReportedForTheEngine() {
        TpmaObject r = new TpmaObject(0x000300B2 | 0x1 | 0x100 | 0x80000000);
        assertThat(r.hasReservedBits()).isTrue();
        assertThat(r.reservedBits()).isEqualTo(0x80000101);
        assertThat(r.value()).isEqualTo(0x800301B3);
        byte[] wire = TpmCodec.encode(r);
        assertThat(HEX.formatHex(wire)).isEqualTo("800301b3");
        assertThat(TpmCodec.decodeLenient(TpmaObject.class, wire)).isEqualTo(r);
    }

    @Test
    void reservedBits_whileUnmarshallingStrictly_areReservedBits() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmaObject.class, HEX.parseHex("00000001")))).isEqualTo(TpmRc.RESERVED_BITS);
        assertThat(rcOf(() -> TpmCodec.decode(TpmaObject.class, HEX.parseHex("00100000")))).isEqualTo(TpmRc.RESERVED_BITS);
        assertThat(TpmCodec.decode(TpmaObject.class, HEX.parseHex("000f0cf6")).value()).isEqualTo(0x000F0CF6);
    }

    @Test
    void truncated_isInsufficient() {
        assertThat(rcOf(() -> TpmCodec.decode(TpmaObject.class, HEX.parseHex("000300")))).isEqualTo(TpmRc.INSUFFICIENT);
    }
}
