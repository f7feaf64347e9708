package dev.jtpm.types.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Sized;
import dev.jtpm.types.codec.Wire.U16;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class LenientReaderTest {
    private static final HexFormat HEX = HexFormat.of();

    record Inner(@U16 @Is(Tpmi.ALG_HASH) int alg) {}

    record Outer(@U16 int before, @Sized Inner inner) {}

    @Test
    void interfaceCheck_appliesByDefault() {
        assertThatThrownBy(() -> TpmCodec.decode(Outer.class, HEX.parseHex("0001" + "0002" + "0099")))
                .isInstanceOfSatisfying(TpmFailure.class, f -> assertThat(f.rc()).isEqualTo(TpmRc.HASH));
    }

    @Test
    void lenientDecode_skipsInterfaceChecks_alsoInsideSizedStructures() {
        assertThat(TpmCodec.decodeLenient(Outer.class, HEX.parseHex("0001" + "0002" + "0099")))
                .isEqualTo(new Outer(1, new Inner(0x99)));
        assertThat(TpmReader.lenient(new byte[4]).slice(2).isLenient()).isTrue();
        assertThat(new TpmReader(new byte[4]).slice(2).isLenient()).isFalse();
    }

    @Test
    void lenientDecode_stillChecksSizes() {
        assertThatThrownBy(() -> TpmCodec.decodeLenient(Outer.class, HEX.parseHex("0001" + "0002" + "00")))
                .isInstanceOfSatisfying(TpmFailure.class, f -> assertThat(f.rc()).isEqualTo(TpmRc.INSUFFICIENT));
        assertThatThrownBy(() -> TpmCodec.decodeLenient(Outer.class, HEX.parseHex("0001" + "0002" + "009900")))
                .isInstanceOfSatisfying(TpmFailure.class, f -> assertThat(f.rc()).isEqualTo(TpmRc.SIZE));
    }
}
