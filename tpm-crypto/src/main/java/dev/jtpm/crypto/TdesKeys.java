package dev.jtpm.crypto;

import dev.jtpm.types.Secret;

import java.util.Arrays;

/**
 * TDES keys as the TPM makes and accepts them (Part 1 §11.4.6; the rules of ms-tpm-20-ref's CryptDes.c,
 * which libtpms keeps): a 128-bit key is two DES keys K1‖K2 (keying option 2, K3 = K1), a 192-bit key
 * three. A key is valid when, with odd parity set in every octet, no DES key is one of the 64 weak,
 * semi-weak or possibly weak keys of SP 800-67 / FIPS 74, K1 ≠ K2, and for three keys K2 ≠ K3 (K1 = K3 is
 * allowed). The parity bits themselves are ignored. Generated keys have odd parity and are drawn again
 * until valid.
 */
public final class TdesKeys {
    private TdesKeys() {}

    /** The weak (4), semi-weak (12) and possibly weak (48) DES keys, with odd parity. */
    private static final long[] WEAK = {
            0x0101010101010101L, 0xFEFEFEFEFEFEFEFEL, 0xE0E0E0E0F1F1F1F1L, 0x1F1F1F1F0E0E0E0EL,
            0x011F011F010E010EL, 0x1F011F010E010E01L, 0x01E001E001F101F1L, 0xE001E001F101F101L,
            0x01FE01FE01FE01FEL, 0xFE01FE01FE01FE01L, 0x1FE01FE00EF10EF1L, 0xE01FE01FF10EF10EL,
            0x1FFE1FFE0EFE0EFEL, 0xFE1FFE1FFE0EFE0EL, 0xE0FEE0FEF1FEF1FEL, 0xFEE0FEE0FEF1FEF1L,
            0x01011F1F01010E0EL, 0x1F1F01010E0E0101L, 0xE0E01F1FF1F10E0EL, 0x0101E0E00101F1F1L,
            0x1F1FE0E00E0EF1F1L, 0xE0E0FEFEF1F1FEFEL, 0x0101FEFE0101FEFEL, 0x1F1FFEFE0E0EFEFEL,
            0xE0FE011FF1FE010EL, 0x011F1F01010E0E01L, 0x1FE001FE0EF101FEL, 0xE0FE1F01F1FE0E01L,
            0x011FE0FE010EF1FEL, 0x1FE0E01F0EF1F10EL, 0xE0FEFEE0F1FEFEF1L, 0x011FFEE0010EFEF1L,
            0x1FE0FE010EF1FE01L, 0xFE0101FEFE0101FEL, 0x01E01FFE01F10EFEL, 0x1FFE01E00EFE01F1L,
            0xFE011FE0FE010EF1L, 0xFE01E01FFE01F10EL, 0x1FFEE0010EFEF101L, 0xFE1F01E0FE0E01F1L,
            0x01E0E00101F1F101L, 0x1FFEFE1F0EFEFE0EL, 0xFE1FE001FE0EF101L, 0x01E0FE1F01F1FE0EL,
            0xE00101E0F10101F1L, 0xFE1F1FFEFE0E0EFEL, 0x01FE1FE001FE0EF1L, 0xE0011FFEF1010EFEL,
            0xFEE0011FFEF1010EL, 0x01FEE01F01FEF10EL, 0xE001FE1FF101FE0EL, 0xFEE01F01FEF10E01L,
            0x01FEFE0101FEFE01L, 0xE01F01FEF10E01FEL, 0xFEE0E0FEFEF1F1FEL, 0x1F01011F0E01010EL,
            0xE01F1FE0F10E0EF1L, 0xFEFE0101FEFE0101L, 0x1F01E0FE0E01F1FEL, 0xE01FFE01F10EFE01L,
            0xFEFE1F1FFEFE0E0EL, 0x1F01FEE00E01FEF1L, 0xE0E00101F1F10101L, 0xFEFEE0E0FEFEF1F1L};

    /** Sets odd parity in every octet: the low bit becomes the complement of the parity of the other seven. */
    static byte oddParity(byte b) {
        int high = b & 0xFE;
        return (byte) (Integer.bitCount(high) % 2 == 0 ? high | 1 : high);
    }

    /** The key with odd parity set in every octet. */
    public static byte[] withOddParity(byte[] key) {
        byte[] k = key.clone();
        for (int i = 0; i < k.length; i++) k[i] = oddParity(k[i]);
        return k;
    }

    private static long desKey(byte[] key, int index) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | oddParity(key[index * 8 + i]) & 0xFF;
        return v;
    }

    /**
     * True if {@code key} is a usable TDES key: 16 or 24 octets, no weak DES key, K1 ≠ K2, and for three
     * keys K2 ≠ K3 (parity ignored). TPM2_Create, CreatePrimary and Load refuse others with TPM_RC_KEY.
     */
    public static boolean isValid(byte[] key) {
        if (key.length != 16 && key.length != 24) return false;
        int n = key.length / 8;
        long[] k = new long[n];
        for (int i = 0; i < n; i++) {
            k[i] = desKey(key, i);
            for (long w : WEAK) if (k[i] == w) return false;
        }
        if (k[0] == k[1]) return false;
        return n == 2 || k[1] != k[2];
    }

    /** A valid key of {@code keyBits} (128 or 192) bits with odd parity, drawn from {@code random} until valid. */
    public static Secret generate(RandomBits random, int keyBits) {
        if (keyBits != 128 && keyBits != 192) throw new IllegalArgumentException("TDES key bits: " + keyBits);
        byte[] k;
        do {
            byte[] raw = random.next(keyBits / 8);
            k = withOddParity(raw);
            Arrays.fill(raw, (byte) 0);
        } while (!isValid(k));
        try {
            return Secret.of(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }
}
