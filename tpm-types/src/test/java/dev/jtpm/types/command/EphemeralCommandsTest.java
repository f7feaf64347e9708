package dev.jtpm.types.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.Wire.Auth;
import dev.jtpm.types.structure.TpmsEccPoint;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TPM2_EC_Ephemeral and TPM2_ZGen_2Phase (Part 3, 19.3 and 14.7): golden octets (the commands swtpm
 * 0.7.1 accepted when these records were written: tpm2_ecephemeral's, and a ZGen_2Phase with a password
 * session), the table entries, and the codes of bad parameters.
 */
class EphemeralCommandsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final CommandTable TABLE = new CommandTable(EcEphemeral.class, ZGen2Phase.class, Commit.class);
    private static final String X = "5c666ff433c3f714c3e6ec7603b41983adc6b5e3afb9afc616c658e22c77d1d8";
    private static final String Y = "4dab9cbc576c92b0878973c434b30192673d803dfca0fb250f3f908c2c97b7b9";
    private static final TpmsEccPoint P = new TpmsEccPoint(Bytes.fromHex(X), Bytes.fromHex(Y));

    private static TpmRc rcOf(Runnable r) {
        try {
            r.run();
        } catch (TpmFailure f) {
            return f.rc();
        }
        throw new AssertionError("no TpmFailure");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static TpmRc strictParams(Class<? extends Record> type, int[] handles, String params) {
        TpmCodec.RecordCodec codec = TpmCodec.of((Class) type);
        return rcOf(() -> codec.readCommand(handles, new TpmReader(HEX.parseHex(params.replace(" ", "")))));
    }

    @Test
    void ecEphemeral_goldenOctets() {
        assertThat(HEX.formatHex(CommandBytes.encode(new EcEphemeral(0x0003), List.of()))).isEqualTo("80010000000c0000018e0003");
        String rsp = "0044 0020" + X + "0020" + Y + "0001";
        assertThat(TpmCodec.decode(EcEphemeralResponse.class, HEX.parseHex(rsp.replace(" ", ""))))
                .isEqualTo(new EcEphemeralResponse(P, 1));
    }

    @Test
    void zgen2Phase_goldenOctets() {
        String point = "0044 0020" + X + "0020" + Y;
        String expected = ("8002 000000ab 0000018d 81000010 00000009 40000009 0000 01 0000" + point + point + "001d 0004")
                .replace(" ", "");
        assertThat(HEX.formatHex(CommandBytes.encode(new ZGen2Phase(0x81000010, P, P, TpmAlg.ECMQV, 4), List.of(Bytes.EMPTY))))
                .isEqualTo(expected);
        ZGen2PhaseResponse r = new ZGen2PhaseResponse(P, TpmsEccPoint.EMPTY);
        assertThat(HEX.formatHex(TpmCodec.encode(r))).isEqualTo((point + "0004 0000 0000").replace(" ", ""));
        assertThat(TpmCodec.decode(ZGen2PhaseResponse.class, TpmCodec.encode(r))).isEqualTo(r);
    }

    @Test
    void commandTable_followsPart3() {
        CommandTable.Entry e = TABLE.get(TpmCc.EC_EPHEMERAL);
        assertThat(e.authRoles()).isEmpty();
        assertThat(e.decrypt()).isFalse();      // curveID is not a TPM2B
        assertThat(e.encrypt()).isTrue();       // Q is
        CommandTable.Entry z = TABLE.get(TpmCc.ZGEN_2PHASE);
        assertThat(z.authRoles()).containsExactly(Auth.USER);
        assertThat(z.decrypt()).isTrue();
        assertThat(z.encrypt()).isTrue();
        assertThat(z.responseHandles()).isZero();
    }

    @Test
    void badParameters_giveTheSpecCodesWithTheirIndex() {
        assertThat(strictParams(EcEphemeral.class, new int[] {}, "0099")).isEqualTo(TpmRc.CURVE.atParameter(1));   // no such curve
        String pts = "0004 0000 0000 0004 0000 0000";
        assertThat(strictParams(ZGen2Phase.class, new int[] {0x80000000}, pts + "0010 0000")).isEqualTo(TpmRc.SCHEME.atParameter(3));
        assertThat(strictParams(ZGen2Phase.class, new int[] {0x80000000}, pts + "0018 0000")).isEqualTo(TpmRc.SCHEME.atParameter(3));
        assertThat(strictParams(ZGen2Phase.class, new int[] {0x80000000}, "0000" + pts.substring(4) + "0019 0000"))
                .isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(strictParams(ZGen2Phase.class, new int[] {0x80000000}, pts + "001d")).isEqualTo(TpmRc.INSUFFICIENT.atParameter(4));
    }
}
