package dev.jtpm.crypto;

import java.math.BigInteger;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * The TPM_ECC_CURVE values (Part 2 §6.4; TCG Algorithm Registry) with their domain parameters.
 *
 * <p>Point arithmetic uses Bouncy Castle because the JDK offers none in its public API and its
 * providers know only P-256/384/521: NIST P-192/224 and SM2 P-256 use BC's named curves, the BN
 * curves (ISO/IEC 15946-5, the Algorithm Registry's BN_P256 and BN_P638) are built here from their
 * parameters, which a test checks (G on the curve, n prime, n·G = ∞).
 */
public enum EccCurve {
    NIST_P192(0x0001, "secp192r1", "secp192r1"),
    NIST_P224(0x0002, "secp224r1", "secp224r1"),
    NIST_P256(0x0003, "secp256r1", "secp256r1"),
    NIST_P384(0x0004, "secp384r1", "secp384r1"),
    NIST_P521(0x0005, "secp521r1", "secp521r1"),
    BN_P256(0x0010, null, null),
    BN_P638(0x0011, null, null),
    SM2_P256(0x0020, "sm2p256v1", null);

    /** The TPM_ECC_CURVE value. */
    public final int id;
    private final String bcName;
    /** The JCA (SunEC) name where the JDK can sign and agree on this curve, else null. */
    final String jcaName;
    private volatile ECDomainParameters domain;

    EccCurve(int id, String bcName, String jcaName) {
        this.id = id;
        this.bcName = bcName;
        this.jcaName = jcaName;
    }

    /** The curve with TPM_ECC_CURVE {@code id}, or null. */
    public static EccCurve of(int id) {
        for (EccCurve c : values()) if (c.id == id) return c;
        return null;
    }

    /** The domain parameters (built on first use). */
    public ECDomainParameters domain() {
        ECDomainParameters d = domain;
        if (d == null) domain = d = build();
        return d;
    }

    /** The order n of the base point. */
    public BigInteger order() { return domain().getN(); }

    /** The field prime p. */
    public BigInteger prime() { return domain().getCurve().getField().getCharacteristic(); }

    /** The size in octets of a coordinate (and of a TPM ECC parameter for this curve). */
    public int fieldBytes() { return (domain().getCurve().getFieldSize() + 7) / 8; }

    /** The size in octets of a scalar (r, s, d). */
    public int orderBytes() { return (order().bitLength() + 7) / 8; }

    /** d·G. */
    public ECPoint multiplyG(BigInteger d) {
        return new FixedPointCombMultiplier().multiply(domain().getG(), d).normalize();
    }

    /** The point (x, y), validated to lie on the curve; {@link IllegalArgumentException} otherwise. */
    public ECPoint point(BigInteger x, BigInteger y) {
        ECPoint q = domain().getCurve().createPoint(x, y);
        if (!q.isValid()) throw new IllegalArgumentException("point not on curve");
        return q;
    }

    /** True if (x, y) is a point of the curve (not the point at infinity). */
    public boolean isOnCurve(BigInteger x, BigInteger y) {
        try {
            return domain().getCurve().createPoint(x, y).isValid();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private ECDomainParameters build() {
        if (bcName != null) {
            X9ECParameters x9 = CustomNamedCurves.getByName(bcName);
            if (x9 == null) x9 = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName(bcName);
            return new ECDomainParameters(x9);
        }
        return switch (this) {
            case BN_P256 -> bn(
                    "FFFFFFFFFFFCF0CD46E5F25EEE71A49F0CDC65FB12980A82D3292DDBAED33013",
                    "3",
                    "FFFFFFFFFFFCF0CD46E5F25EEE71A49E0CDC65FB1299921AF62D536CD10B500D",
                    "1", "2");
            case BN_P638 -> bn(
                    "23FFFFFDC000000D7FFFFFB8000001D3FFFFF942D000165E3FFF94870000D52F"
                            + "FFFDD0E00008DE55C00086520021E55BFFFFF51FFFF4EB800000004C80015ACD"
                            + "FFFFFFFFFFFFECE00000000000000067",
                    "101",
                    "23FFFFFDC000000D7FFFFFB8000001D3FFFFF942D000165E3FFF94870000D52F"
                            + "FFFDD0E00008DE55600086550021E555FFFFF54FFFF4EAC000000049800154D9"
                            + "FFFFFFFFFFFFEDA00000000000000061",
                    "23FFFFFDC000000D7FFFFFB8000001D3FFFFF942D000165E3FFF94870000D52F"
                            + "FFFDD0E00008DE55C00086520021E55BFFFFF51FFFF4EB800000004C80015ACD"
                            + "FFFFFFFFFFFFECE00000000000000066",
                    "10");
            default -> throw new IllegalStateException(name());
        };
    }

    /** A BN curve y² = x³ + b over F_p with a = 0 and cofactor 1. */
    private static ECDomainParameters bn(String p, String b, String n, String gx, String gy) {
        BigInteger order = new BigInteger(n, 16);
        ECCurve curve = new ECCurve.Fp(new BigInteger(p, 16), BigInteger.ZERO, new BigInteger(b, 16), order, BigInteger.ONE);
        ECPoint g = curve.createPoint(new BigInteger(gx, 16), new BigInteger(gy, 16));
        return new ECDomainParameters(curve, g, order, BigInteger.ONE);
    }
}
