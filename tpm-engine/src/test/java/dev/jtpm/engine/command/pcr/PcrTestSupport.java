package dev.jtpm.engine.command.pcr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.PcrRead;
import dev.jtpm.types.command.PcrReadResponse;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Helpers for the PCR tests; expected values are computed here, independently of the engine. */
final class PcrTestSupport {
    private PcrTestSupport() {}

    static final HexFormat HEX = HexFormat.of();

    /** PCR_Read of one PCR in one bank. */
    static Bytes read(TestTpm t, int alg, int pcr) {
        PcrReadResponse r = t.run(new PcrRead(new TpmlPcrSelection(List.of(TpmsPcrSelection.of(alg, pcr))))).orThrow();
        assertThat(r.pcrValues().digests()).as("PCR %d of bank 0x%04X is allocated", pcr, alg).hasSize(1);
        return r.pcrValues().digests().get(0);
    }

    /** pcrUpdateCounter as PCR_Read reports it. */
    static int updateCounter(TestTpm t) {
        return t.run(new PcrRead(new TpmlPcrSelection(List.of()))).orThrow().pcrUpdateCounter();
    }

    /** H(data) with the JCA digest of a TPM hash algorithm. */
    static Bytes hash(int alg, byte[]... parts) { return TestTpm.hash(alg, parts); }

    /** The value of a PCR after extending {@code digest} into {@code old}: H(old || digest). */
    static Bytes extended(int alg, Bytes old, Bytes digest) {
        return hash(alg, old.toArray(), digest.toArray());
    }

    /** A digest-sized value of zeros or of 0xFF. */
    static Bytes filled(int alg, int octet) {
        byte[] b = new byte[TpmAlgSizes.of(alg)];
        java.util.Arrays.fill(b, (byte) octet);
        return Bytes.wrap(b);
    }

    /** The response code of a raw response. */
    static TpmRc rcOf(byte[] response) {
        return new TpmRc(ByteBuffer.wrap(response, 6, 4).getInt());
    }

    /**
     * A raw command: tag, size (filled in), then {@code hex} (command code, handles, area, parameters).
     */
    static byte[] command(boolean sessions, String hex) {
        byte[] body = HEX.parseHex(hex.replace(" ", ""));
        ByteBuffer b = ByteBuffer.allocate(6 + body.length);
        b.putShort((short) (sessions ? 0x8002 : 0x8001)).putInt(6 + body.length).put(body);
        return b.array();
    }

    /** One empty password session as an authorization area (size included). */
    static final String PASSWORD_SESSION = "00000009 40000009 0000 01 0000";

    /** Digest sizes, written out independently of the engine's table. */
    static final class TpmAlgSizes {
        static int of(int alg) {
            return switch (alg) {
                case TpmAlg.SHA1 -> 20;
                case TpmAlg.SHA256 -> 32;
                case TpmAlg.SHA384 -> 48;
                case TpmAlg.SHA512 -> 64;
                default -> throw new IllegalArgumentException("hash " + alg);
            };
        }
    }
}
