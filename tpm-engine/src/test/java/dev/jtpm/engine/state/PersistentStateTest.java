package dev.jtpm.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.codec.TpmCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The persistent blob: round trip, and blobs of the earlier version (state directories written before it). */
class PersistentStateTest {

    private static PersistentState sample() {
        PersistentState s = PersistentState.manufacture(new Random(7), new int[] {0xFFFFFF, 0xFFFFFF, 0, 0});
        s.ownerAuth = Secret.of(new byte[] {1, 2, 3});
        s.failedTries = 2;
        s.clock = 123_456;
        s.persistentObjects.put(0x81000001, Bytes.of((byte) 9, (byte) 8));
        return s;
    }

    @Test
    void version2_roundTripsTheNewFields() {
        PersistentState s = sample();
        s.pcrPolicyAlg = TpmAlg.SHA256;
        s.pcrPolicy = Bytes.wrap(new byte[32]);
        s.auditHashAlg = TpmAlg.SHA384;
        s.auditCounter = 0x1_0000_0002L;
        s.auditCommands.add(TpmCc.GET_RANDOM);
        PersistentState back = PersistentState.deserialize(s.serialize());
        assertThat(back.pcrPolicyAlg).isEqualTo(TpmAlg.SHA256);
        assertThat(back.pcrPolicy).isEqualTo(s.pcrPolicy);
        assertThat(back.auditHashAlg).isEqualTo(TpmAlg.SHA384);
        assertThat(back.auditCounter).isEqualTo(0x1_0000_0002L);
        assertThat(back.auditCommands).containsExactly(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS, TpmCc.GET_RANDOM);
        assertThat(back.serialize()).isEqualTo(s.serialize());
    }

    /**
     * A version-1 blob, as jtpm wrote it before version 2: the current blob without its trailing V2 and V3 records
     * and with 1 in the version field (version 2 only appended). Checked against a fixed prefix of octets too.
     */
    @Test
    void version1Blob_loadsWithTheManufactureValuesOfTheVersion2Fields() {
        PersistentState s = sample();
        s.auditCounter = 5;               // not in a v1 blob: must come back as the default
        byte[] v2 = s.serialize();
        int tail = TpmCodec.encode(PersistentState.V2.of(s)).length + TpmCodec.encode(PersistentState.V3.of(s)).length
                + TpmCodec.encode(PersistentState.V4.DEFAULTS).length + TpmCodec.encode(PersistentState.V5.DEFAULTS).length;
        byte[] v1 = Arrays.copyOf(v2, v2.length - tail);
        ByteBuffer.wrap(v1).putInt(4, 1);
        assertThat(HexFormat.of().formatHex(v1, 0, 8)).isEqualTo("4a54504d00000001");

        PersistentState back = PersistentState.deserialize(v1);
        assertThat(back.ownerAuth).isEqualTo(s.ownerAuth);
        assertThat(back.failedTries).isEqualTo(2);
        assertThat(back.clock).isEqualTo(123_456);
        assertThat(back.persistentObjects).isEqualTo(s.persistentObjects);
        assertThat(back.pcrPolicyAlg).isEqualTo(TpmAlg.NULL);
        assertThat(back.pcrPolicy).isEqualTo(Bytes.EMPTY);
        assertThat(back.auditHashAlg).isEqualTo(TpmAlg.SHA512);
        assertThat(back.auditCounter).isZero();
        assertThat(back.auditCommands).containsExactly(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS);
        assertThat(back.ppCommands).containsExactly(TpmCc.PP_COMMANDS);
        assertThat(back.algorithmSet).isZero();
        assertThat(back.nvIndices).isEmpty();
        // and it is written back as the current version
        assertThat(ByteBuffer.wrap(back.serialize()).getInt(4)).isEqualTo(PersistentState.VERSION);
    }

    @Test
    void version3_roundTripsTheNewFields() {
        PersistentState s = sample();
        s.ppCommands.add(TpmCc.CLEAR);
        s.ppCommands.add(TpmCc.HIERARCHY_CONTROL);
        s.algorithmSet = 0xCAFE0001;
        PersistentState back = PersistentState.deserialize(s.serialize());
        assertThat(back.ppCommands).containsExactly(TpmCc.HIERARCHY_CONTROL, TpmCc.CLEAR, TpmCc.PP_COMMANDS);
        assertThat(back.algorithmSet).isEqualTo(0xCAFE0001);
        assertThat(back.serialize()).isEqualTo(s.serialize());
    }

    /** A version-2 blob (before TPM2_PP_Commands): the current blob without its V3 record, 2 in the version field. */
    @Test
    void version2Blob_loadsWithTheManufactureValuesOfTheVersion3Fields() {
        PersistentState s = sample();
        s.auditCounter = 5;
        s.ppCommands.add(TpmCc.CLEAR);    // not in a v2 blob: must come back as the default
        s.algorithmSet = 7;
        byte[] v3 = s.serialize();
        byte[] v2 = Arrays.copyOf(v3, v3.length - TpmCodec.encode(PersistentState.V3.of(s)).length
                - TpmCodec.encode(PersistentState.V4.DEFAULTS).length - TpmCodec.encode(PersistentState.V5.DEFAULTS).length);
        ByteBuffer.wrap(v2).putInt(4, 2);

        PersistentState back = PersistentState.deserialize(v2);
        assertThat(back.auditCounter).isEqualTo(5);
        assertThat(back.ppCommands).containsExactly(TpmCc.PP_COMMANDS);
        assertThat(back.algorithmSet).isZero();
        assertThat(ByteBuffer.wrap(back.serialize()).getInt(4)).isEqualTo(PersistentState.VERSION);
    }

    @Test
    void version5_roundTripsThePrimaryDerivations() {
        PersistentState s = sample();
        s.epsDerivation = PersistentState.DERIVATION_LIBTPMS_ORIGINAL;
        s.spsDerivation = PersistentState.DERIVATION_LIBTPMS;
        PersistentState back = PersistentState.deserialize(s.serialize());
        assertThat(back.epsDerivation).isEqualTo(PersistentState.DERIVATION_LIBTPMS_ORIGINAL);
        assertThat(back.spsDerivation).isEqualTo(PersistentState.DERIVATION_LIBTPMS);
        assertThat(back.ppsDerivation).isEqualTo(PersistentState.DERIVATION_JTPM);
        assertThat(back.serialize()).isEqualTo(s.serialize());
    }

    /** A version-4 blob (before imported libtpms state): every hierarchy keeps jtpm's own derivation. */
    @Test
    void version4Blob_loadsWithJtpmDerivation() {
        PersistentState s = sample();
        s.nvMaxCounter = 42;
        s.spsDerivation = PersistentState.DERIVATION_LIBTPMS; // not in a v4 blob
        byte[] v5 = s.serialize();
        byte[] v4 = Arrays.copyOf(v5, v5.length - TpmCodec.encode(PersistentState.V5.DEFAULTS).length);
        ByteBuffer.wrap(v4).putInt(4, 4);
        PersistentState back = PersistentState.deserialize(v4);
        assertThat(back.nvMaxCounter).isEqualTo(42);
        assertThat(back.spsDerivation).isEqualTo(PersistentState.DERIVATION_JTPM);
        assertThat(back.epsDerivation).isEqualTo(PersistentState.DERIVATION_JTPM);
    }

    @Test
    void version4_roundTripsNvIndices() {
        PersistentState s = sample();
        var pub = new dev.jtpm.types.structure.TpmsNvPublic(0x01000001, TpmAlg.SHA256,
                dev.jtpm.types.structure.TpmaNv.OWNERREAD | dev.jtpm.types.structure.TpmaNv.OWNERWRITE, Bytes.EMPTY, 4);
        s.nvIndices.put(0x01000001, new dev.jtpm.engine.state.NvIndex(pub, dev.jtpm.types.Secret.of(new byte[] {7}),
                Bytes.of((byte) 1, (byte) 2, (byte) 3, (byte) 4)));
        s.nvMaxCounter = 99;
        PersistentState back = PersistentState.deserialize(s.serialize());
        assertThat(back.nvIndices).isEqualTo(s.nvIndices);
        assertThat(back.nvMaxCounter).isEqualTo(99);
    }

    @Test
    void laterVersion_truncatedOrTrailingBytes_areFailure() {
        byte[] blob = sample().serialize();
        byte[] later = blob.clone();
        ByteBuffer.wrap(later).putInt(4, PersistentState.VERSION + 1);
        assertThatThrownBy(() -> PersistentState.deserialize(later)).isInstanceOf(TpmFailure.class);
        assertThatThrownBy(() -> PersistentState.deserialize(Arrays.copyOf(blob, blob.length - 1))).isInstanceOf(TpmFailure.class);
        assertThatThrownBy(() -> PersistentState.deserialize(Arrays.copyOf(blob, blob.length + 1))).isInstanceOf(TpmFailure.class);
        byte[] v1WithV2Tail = blob.clone();
        ByteBuffer.wrap(v1WithV2Tail).putInt(4, 1);       // a v1 blob cannot carry the v2 fields
        assertThatThrownBy(() -> PersistentState.deserialize(v1WithV2Tail)).isInstanceOf(TpmFailure.class);
    }
}
