package dev.jtpm.engine.command.capability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.TestParms;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublicParms;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuPublicParms;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TPM2_TestParms: it reads the algorithm table through the codec's TPMI checks. */
class TestParmsTest {

    private static TpmRc rcOf(byte[] response) { return new TpmRc(ByteBuffer.wrap(response, 6, 4).getInt()); }

    @Test
    void everyObjectType_withImplementedParameters_succeeds() {
        TestTpm t = TestTpm.started();
        List<TpmuPublicParms> parms = List.of(
                new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.NULL, 2048, 0),
                new TpmsRsaParms(TpmtSymDefObject.aes(128, TpmAlg.CFB), TpmtRsaScheme.NULL, 4096, 0),
                new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.NULL, 0x0003, TpmtKdfScheme.NULL),
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL),
                new TpmsKeyedhashParms(TpmtKeyedhashScheme.hmac(TpmAlg.SHA256)),
                new TpmsSymcipherParms(TpmtSymDefObject.aes(128, TpmAlg.CFB)));
        for (TpmuPublicParms p : parms) {
            assertThat(t.run(new TestParms(TpmtPublicParms.of(p))).rc()).as(p.toString()).isEqualTo(TpmRc.SUCCESS);
        }
    }

    @Test
    void unimplementedKeySizeCurveAndScheme_returnTheirCodesOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(t.run(new TestParms(TpmtPublicParms.of(new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.NULL,
                512, 0)))).rc()).isEqualTo(TpmRc.VALUE.atParameter(1));
        assertThat(t.run(new TestParms(TpmtPublicParms.of(new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.NULL,
                0x0006, TpmtKdfScheme.NULL)))).rc()).isEqualTo(TpmRc.CURVE.atParameter(1));
        // ECDSA came with TPM2_Sign, SM2 with the SM2 curve (libtpms allows it on every curve)
        assertThat(t.run(new TestParms(TpmtPublicParms.of(new TpmsEccParms(TpmtSymDefObject.NULL,
                TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), 0x0003, TpmtKdfScheme.NULL)))).rc())
                .isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(new TestParms(TpmtPublicParms.of(new TpmsEccParms(TpmtSymDefObject.NULL,
                TpmtEccScheme.of(TpmAlg.SM2, TpmAlg.SHA256), 0x0003, TpmtKdfScheme.NULL)))).rc())
                .isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void unknownType_returnsTypeOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(rcOf(t.raw(HexFormat.of().parseHex("80010000000c0000018a" + "0004")))).isEqualTo(TpmRc.TYPE.atParameter(1));
    }

    @Test
    void truncatedParameters_returnInsufficientOnParameter1() {
        TestTpm t = TestTpm.started();
        assertThat(rcOf(t.raw(HexFormat.of().parseHex("80010000000a0000018a")))).isEqualTo(TpmRc.INSUFFICIENT.atParameter(1));
        assertThat(rcOf(t.raw(HexFormat.of().parseHex("80010000000b0000018a" + "00")))).isEqualTo(TpmRc.INSUFFICIENT.atParameter(1));
    }
}
