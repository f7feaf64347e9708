package dev.jtpm.bench;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.Hash;
import dev.jtpm.types.command.PcrExtend;
import dev.jtpm.types.command.PcrRead;
import dev.jtpm.types.structure.TpmlDigestValues;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmtHa;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The measured commands, as the raw bytes a client (QEMU, a TSS) would send. The JMH benchmarks and
 * the side-by-side runner send exactly these bytes, so their numbers describe the same work.
 */
public enum BenchCommand {
    /** TPM2_GetRandom of 8 bytes (no sessions). */
    GET_RANDOM_8("GetRandom(8)", CommandBytes.encode(new GetRandom(8))),
    /** TPM2_PCR_Extend of one SHA-256 digest into PCR 16, authorized by an empty-password session. */
    PCR_EXTEND("PCR_Extend (SHA-256, PCR 16, password session)", CommandBytes.encode(new PcrExtend(16,
            new TpmlDigestValues(List.of(new TpmtHa(TpmAlg.SHA256, Bytes.wrap(sha256("jtpm bench")))))))),
    /** TPM2_PCR_Read of PCRs 0..7 of the SHA-256 bank. */
    PCR_READ("PCR_Read (SHA-256, PCR 0..7)", CommandBytes.encode(new PcrRead(new TpmlPcrSelection(
            List.of(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7)))))),
    /** TPM2_Hash of 1 KiB with SHA-256 in the owner hierarchy (so a ticket is produced). */
    HASH_1K("Hash (1 KiB, SHA-256, owner)", CommandBytes.encode(new Hash(Bytes.wrap(pattern(1024)), TpmAlg.SHA256,
            TpmRh.OWNER)));

    private final String label;
    private final byte[] bytes;

    BenchCommand(String label, byte[] bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    /** How the command is named in reports. */
    public String label() { return label; }

    /** The command bytes (a fresh copy). */
    public byte[] bytes() { return bytes.clone(); }

    /** The response code of a response (its bytes 6..9), or -1 when shorter than a header. */
    public static int responseCode(byte[] response) {
        if (response.length < 10) return -1;
        return ((response[6] & 0xFF) << 24) | ((response[7] & 0xFF) << 16) | ((response[8] & 0xFF) << 8)
                | (response[9] & 0xFF);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + 7);
        return b;
    }
}
