package dev.jtpm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class StateBlobTest {
    static final HexFormat HEX = HexFormat.of();

    @Test
    void plainFile_hasTheVerifiedHeaderShape() throws Exception {
        byte[] payload = new byte[0x4b4];
        byte[] b = StateBlob.plainFile(payload).encode();
        assertThat(HEX.formatHex(b, 0, 16)).isEqualTo("0201000a0000000004c40001000004b4");
        assertThat(StateBlob.decode(b).plainPayload()).isEqualTo(payload);
    }

    @Test
    void plainMigration_nestsTlv1InTlv4() throws Exception {
        byte[] payload = new byte[0x513];
        byte[] b = StateBlob.plainMigration(payload).encode();
        assertThat(HEX.formatHex(b, 0, 22)).isEqualTo("0201000a0004000005290004000005190001" + "00000513");
        assertThat(b).hasSize(0x529);
        assertThat(StateBlob.decode(b).plainPayload()).isEqualTo(payload);
    }

    @Test
    void decode_checksHeaderLikeSwtpm() {
        byte[] good = StateBlob.plainFile(new byte[] {1, 2, 3}).encode();
        byte[] totlen = good.clone();
        totlen[9]++;
        assertThatThrownBy(() -> StateBlob.decode(totlen)).extracting(e -> ((StateBlobException) e).ptmResult())
                .isEqualTo(Ptm.TPM_BAD_DATASIZE);
        byte[] minVersion = good.clone();
        minVersion[1] = 3;
        assertThatThrownBy(() -> StateBlob.decode(minVersion)).extracting(e -> ((StateBlobException) e).ptmResult())
                .isEqualTo(Ptm.TPM_BAD_VERSION);
        byte[] hdrsize = good.clone();
        hdrsize[3] = 12;
        assertThatThrownBy(() -> StateBlob.decode(hdrsize)).extracting(e -> ((StateBlobException) e).ptmResult())
                .isEqualTo(Ptm.TPM_BAD_DATASIZE);
        assertThatThrownBy(() -> StateBlob.decode(new byte[5])).isInstanceOf(StateBlobException.class);
    }

    @Test
    void decode_truncatedTlv_isRejected() {
        byte[] good = StateBlob.plainFile(new byte[] {1, 2, 3}).encode();
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 1);
        BigEndian.put32(cut, 6, cut.length);
        assertThatThrownBy(() -> StateBlob.decode(cut)).isInstanceOf(StateBlobException.class);
    }

    @Test
    void versionOne_isReadAsPlainPayload() throws Exception {
        byte[] v1 = HEX.parseHex("0101000a00000000000d" + "aabbcc");
        assertThat(StateBlob.decode(v1).plainPayload()).containsExactly(0xaa, 0xbb, 0xcc);
    }

    @Test
    void encrypted_isRefusedForNow() {
        StateBlob enc = new StateBlob(StateBlob.BLOB_FLAG_ENCRYPTED,
                java.util.List.of(new StateBlob.Tlv(StateBlob.TAG_ENCRYPTED_DATA, new byte[16])));
        assertThatThrownBy(enc::plainPayload).isInstanceOf(StateBlobException.class);
    }
}
