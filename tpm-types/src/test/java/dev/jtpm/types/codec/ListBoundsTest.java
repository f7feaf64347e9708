package dev.jtpm.types.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.PolicyCounterTimer;
import dev.jtpm.types.command.PolicyOr;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code @Min} on a list count, {@code @Max} on a {@code List<Bytes>} element, and TPM_EO (Tpmi.EO). */
class ListBoundsTest {
    private static final int SESSION = 0x03000000;

    private static TpmRc readRc(Class<? extends Record> type, Record value) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TpmCodec.RecordCodec<Record> codec = (TpmCodec.RecordCodec) TpmCodec.of(type);
        TpmWriter w = new TpmWriter();
        codec.writeParameters(w, value);
        try {
            codec.readCommand(new int[] {SESSION}, new TpmReader(w.toByteArray()));
            return TpmRc.SUCCESS;
        } catch (TpmFailure f) {
            return f.rc();
        }
    }

    @Test
    void policyOr_twoToEightDigestsOfAtMost64Octets() {
        Bytes d = Bytes.zeros(32);
        assertThat(readRc(PolicyOr.class, new PolicyOr(SESSION, List.of(d, d)))).isEqualTo(TpmRc.SUCCESS);
        assertThat(readRc(PolicyOr.class, new PolicyOr(SESSION, Collections.nCopies(8, d)))).isEqualTo(TpmRc.SUCCESS);
        assertThat(readRc(PolicyOr.class, new PolicyOr(SESSION, List.of(d)))).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(readRc(PolicyOr.class, new PolicyOr(SESSION, Collections.nCopies(9, d)))).isEqualTo(TpmRc.SIZE.atParameter(1));
        assertThat(readRc(PolicyOr.class, new PolicyOr(SESSION, List.of(d, Bytes.zeros(64))))).isEqualTo(TpmRc.SUCCESS);
        assertThat(readRc(PolicyOr.class, new PolicyOr(SESSION, List.of(d, Bytes.zeros(65))))).isEqualTo(TpmRc.SIZE.atParameter(1));
    }

    @Test
    void tpmEo_elevenIsTheLastOperation() {
        assertThat(readRc(PolicyCounterTimer.class, new PolicyCounterTimer(SESSION, Bytes.EMPTY, 0, 11))).isEqualTo(TpmRc.SUCCESS);
        assertThat(readRc(PolicyCounterTimer.class, new PolicyCounterTimer(SESSION, Bytes.EMPTY, 0, 12)))
                .isEqualTo(TpmRc.VALUE.atParameter(3));
    }
}
