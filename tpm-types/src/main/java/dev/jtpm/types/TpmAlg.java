package dev.jtpm.types;

/** TPM_ALG_ID values (Part 2, 6.3; TCG Algorithm Registry). */
public final class TpmAlg {
    private TpmAlg() {}

    public static final int ERROR = 0x0000, RSA = 0x0001, TDES = 0x0003, SHA1 = 0x0004, HMAC = 0x0005,
            AES = 0x0006, MGF1 = 0x0007, KEYEDHASH = 0x0008, XOR = 0x000A, SHA256 = 0x000B, SHA384 = 0x000C,
            SHA512 = 0x000D, NULL = 0x0010, SM3_256 = 0x0012, SM4 = 0x0013, RSASSA = 0x0014, RSAES = 0x0015,
            RSAPSS = 0x0016, OAEP = 0x0017, ECDSA = 0x0018, ECDH = 0x0019, ECDAA = 0x001A, SM2 = 0x001B,
            ECSCHNORR = 0x001C, ECMQV = 0x001D, KDF1_SP800_56A = 0x0020, KDF2 = 0x0021, KDF1_SP800_108 = 0x0022,
            ECC = 0x0023, SYMCIPHER = 0x0025, CAMELLIA = 0x0026, SHA3_256 = 0x0027, SHA3_384 = 0x0028,
            SHA3_512 = 0x0029, CMAC = 0x003F, CTR = 0x0040, OFB = 0x0041, CBC = 0x0042, CFB = 0x0043, ECB = 0x0044;

    /** Digest size in bytes of a hash algorithm, or 0 if {@code alg} is not a hash this TPM knows. */
    public static int digestSize(int alg) {
        return switch (alg) {
            case SHA1 -> 20;
            case SHA256, SM3_256, SHA3_256 -> 32;
            case SHA384, SHA3_384 -> 48;
            case SHA512, SHA3_512 -> 64;
            default -> 0;
        };
    }

    /** The JCA name of a hash algorithm, or null. */
    public static String jcaDigestName(int alg) {
        return switch (alg) {
            case SHA1 -> "SHA-1";
            case SHA256 -> "SHA-256";
            case SHA384 -> "SHA-384";
            case SHA512 -> "SHA-512";
            case SHA3_256 -> "SHA3-256";
            case SHA3_384 -> "SHA3-384";
            case SHA3_512 -> "SHA3-512";
            default -> null;
        };
    }
}
