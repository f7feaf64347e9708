package dev.jtpm.engine.command.signature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.crypto.EccCurve;
import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Create;
import dev.jtpm.types.command.CreateLoaded;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.CreatePrimaryResponse;
import dev.jtpm.types.command.CreateResponse;
import dev.jtpm.types.command.EccParameters;
import dev.jtpm.types.command.EcdhKeyGen;
import dev.jtpm.types.command.EcdhKeyGenResponse;
import dev.jtpm.types.command.EcdhZGen;
import dev.jtpm.types.command.Hash;
import dev.jtpm.types.command.HashResponse;
import dev.jtpm.types.command.Load;
import dev.jtpm.types.command.LoadExternal;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.Sign;
import dev.jtpm.types.command.TestParms;
import dev.jtpm.types.command.VerifySignature;
import dev.jtpm.types.command.VerifySignatureResponse;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtPublicParms;
import dev.jtpm.types.structure.TpmtSensitive;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSignature;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmuSensitiveComposite;
import dev.jtpm.types.structure.TpmuSignature;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The BN P-256, BN P-638 and SM2 P-256 curves and the SM2 signature scheme through every command that
 * takes a curve: CreatePrimary (deterministic), Create/Load, CreateLoaded, LoadExternal (point on the
 * curve, private key matching), ReadPublic, ECC_Parameters (libtpms' octets), ECDH_KeyGen/ZGen, TestParms,
 * and Sign/VerifySignature with ECDSA, EC-Schnorr and SM2, restricted keys with tickets. Signatures are
 * checked independently: ECDSA with Bouncy Castle's ECDSASigner, EC-Schnorr and SM2 with the verification
 * equations written out here over Bouncy Castle's point arithmetic (SM2: the TPM signs e as given, no Z_A).
 */
class EccCurvesTest {
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
    private static final TpmaObject DECRYPTER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.DECRYPT);
    private static final TpmaObject STORAGE = DECRYPTER.with(TpmaObject.RESTRICTED);
    private static final byte[] MESSAGE = "signed on a BN or SM2 curve".getBytes(StandardCharsets.US_ASCII);

    private static TpmtPublic ecc(TpmaObject a, int curve, TpmtEccScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY, new TpmsEccParms(
                a.restricted() && a.decrypt() ? TpmtSymDefObject.aes(128, TpmAlg.CFB) : TpmtSymDefObject.NULL, scheme, curve,
                TpmtKdfScheme.NULL));
    }

    private static CreatePrimaryResponse primary(TestTpm t, TpmtPublic template) {
        return t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS)).orThrow();
    }

    private static int hashOf(String name) {
        return switch (name) {
            case "sha1" -> TpmAlg.SHA1;
            case "sha256" -> TpmAlg.SHA256;
            case "sha384" -> TpmAlg.SHA384;
            default -> TpmAlg.SHA512;
        };
    }

    private static int schemeOf(String name) {
        return switch (name) {
            case "ecdsa" -> TpmAlg.ECDSA;
            case "ecschnorr" -> TpmAlg.ECSCHNORR;
            default -> TpmAlg.SM2;
        };
    }

    // ---------------------------------------------------------------- independent verification

    private static ECPoint q(EccCurve c, TpmtPublic pub) {
        TpmsEccPoint p = (TpmsEccPoint) pub.unique();
        ECPoint q = c.domain().getCurve().createPoint(new BigInteger(1, p.x().toArray()), new BigInteger(1, p.y().toArray()));
        assertThat(q.isValid()).isTrue();
        return q;
    }

    /** Checks a TPM signature with the scheme's own equation, not with the TPM's code. */
    static boolean independentlyValid(EccCurve c, ECPoint q, int hashAlg, byte[] digest, TpmuSignature.Ecc sig) {
        ECDomainParameters d = c.domain();
        BigInteger n = d.getN();
        BigInteger r = new BigInteger(1, sig.signatureR().toArray()), s = new BigInteger(1, sig.signatureS().toArray());
        return switch (sig.sigAlg()) {
            case TpmAlg.ECDSA -> {
                ECDSASigner v = new ECDSASigner();
                v.init(false, new ECPublicKeyParameters(q, d));
                yield v.verifySignature(digest, r, s);
            }
            case TpmAlg.ECSCHNORR -> {
                // R = s·G − r·Q; r = H(R.x as many octets as n || digest), cut to the octets of n
                ECPoint big = d.getG().multiply(s).add(q.multiply(r).negate()).normalize();
                if (big.isInfinity()) yield false;
                int len = (n.bitLength() + 7) / 8;
                byte[] x = fixed(big.getAffineXCoord().toBigInteger(), len);
                byte[] h = TestTpm.hash(hashAlg, x, digest).toArray();
                yield new BigInteger(1, Arrays.copyOf(h, Math.min(h.length, len))).equals(r);
            }
            case TpmAlg.SM2 -> {
                // GB/T 32918.2 7.1 B5-B7, with e the digest as given: t = r + s, (x1, y1) = s·G + t·Q, R = e + x1
                if (r.signum() <= 0 || r.compareTo(n) >= 0 || s.signum() <= 0 || s.compareTo(n) >= 0) yield false;
                BigInteger t = r.add(s).mod(n);
                if (t.signum() == 0) yield false;
                ECPoint p = d.getG().multiply(s).add(q.multiply(t)).normalize();
                yield new BigInteger(1, digest).add(p.getAffineXCoord().toBigInteger()).mod(n).equals(r);
            }
            default -> false;
        };
    }

    private static byte[] fixed(BigInteger v, int len) {
        byte[] b = v.toByteArray(), out = new byte[len];
        int k = Math.min(b.length, len);
        System.arraycopy(b, b.length - k, out, len - k, k);
        return out;
    }

    // ---------------------------------------------------------------- signing

    @ParameterizedTest
    @CsvSource({"16, ecdsa, sha256", "16, ecschnorr, sha256", "16, sm2, sha256", "17, ecdsa, sha384", "17, ecschnorr, sha512",
            "17, sm2, sha256", "32, ecdsa, sha256", "32, ecschnorr, sha256", "32, sm2, sha256", "32, sm2, sha512",
            "3, sm2, sha256", "5, sm2, sha512", "1, sm2, sha1"})
    void sign_eachSchemeOnTheCurve_verifiesInTheTpmAndIndependently(int curveId, String schemeName, String hashName) {
        TestTpm t = TestTpm.started();
        EccCurve curve = EccCurve.of(curveId);
        int scheme = schemeOf(schemeName), hash = hashOf(hashName);
        CreatePrimaryResponse k = primary(t, ecc(SIGNER, curveId, TpmtEccScheme.of(scheme, hash)));
        Bytes digest = TestTpm.hash(hash, MESSAGE);
        TpmtSignature sig = t.run(new Sign(k.objectHandle(), digest, TpmtSigScheme.NULL, TpmtTkHashcheck.nullTicket()))
                .orThrow().signature();
        TpmuSignature.Ecc e = (TpmuSignature.Ecc) sig.signature();
        assertThat(sig.sigAlg()).isEqualTo(scheme);
        assertThat(e.hash()).isEqualTo(hash);
        assertThat(e.signatureR().size()).isEqualTo(curve.orderBytes());
        assertThat(e.signatureS().size()).isEqualTo(curve.orderBytes());
        assertThat(independentlyValid(curve, q(curve, k.outPublic()), hash, digest.toArray(), e)).isTrue();

        VerifySignatureResponse v = t.run(new VerifySignature(k.objectHandle(), digest, sig)).orThrow();
        assertThat(v.validation().tag()).isEqualTo(TpmSt.VERIFIED);
        // another digest, or s changed: TPM_RC_SIGNATURE, and the independent check agrees
        Bytes other = TestTpm.hash(hash, new byte[] {1});
        assertThat(t.run(new VerifySignature(k.objectHandle(), other, sig)).rc()).isEqualTo(TpmRc.SIGNATURE.atParameter(2));
        assertThat(independentlyValid(curve, q(curve, k.outPublic()), hash, other.toArray(), e)).isFalse();
        byte[] s = e.signatureS().toArray();
        s[s.length - 1] ^= 1;
        TpmtSignature bad = TpmtSignature.of(new TpmuSignature.Ecc(scheme, hash, e.signatureR(), Bytes.wrap(s)));
        assertThat(t.run(new VerifySignature(k.objectHandle(), digest, bad)).rc()).isEqualTo(TpmRc.SIGNATURE.atParameter(2));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x10, 0x11, 0x20})
    void sign_keyWithoutScheme_takesEachSchemeFromTheCommand(int curveId) {
        TestTpm t = TestTpm.started();
        EccCurve curve = EccCurve.of(curveId);
        CreatePrimaryResponse k = primary(t, ecc(SIGNER, curveId, TpmtEccScheme.NULL));
        Bytes digest = TestTpm.hash(TpmAlg.SHA256, MESSAGE);
        for (int scheme : new int[] {TpmAlg.ECDSA, TpmAlg.ECSCHNORR, TpmAlg.SM2}) {
            TpmtSignature sig = t.run(new Sign(k.objectHandle(), digest, TpmtSigScheme.of(scheme, TpmAlg.SHA256),
                    TpmtTkHashcheck.nullTicket())).orThrow().signature();
            assertThat(sig.sigAlg()).isEqualTo(scheme);
            assertThat(independentlyValid(curve, q(curve, k.outPublic()), TpmAlg.SHA256, digest.toArray(),
                    (TpmuSignature.Ecc) sig.signature())).isTrue();
            assertThat(t.run(new VerifySignature(k.objectHandle(), digest, sig)).rc()).isEqualTo(TpmRc.SUCCESS);
        }
    }

    /**
     * GM/T 0003.5-2012 (GB/T 32918.5-2017) Annex A: the standard's key, loaded with its private part, and its
     * signature of e = SM3(Z_A || "message digest") verify; the TPM takes e as the digest (no Z_A of its own).
     */
    @Test
    void verifySignature_sm2StandardsWorkedExample_verifies() {
        TestTpm t = TestTpm.started();
        TpmtPublic pub = ecc(TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), 0x20,
                TpmtEccScheme.of(TpmAlg.SM2, TpmAlg.SHA256)).withUnique(new TpmsEccPoint(
                Bytes.fromHex("09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"),
                Bytes.fromHex("CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13")));
        TpmtSensitive priv = TpmtSensitive.of(Secret.EMPTY, Secret.EMPTY, new TpmuSensitiveComposite.Ecc(
                Secret.of(HexFormat.of().parseHex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"))));
        int k = t.run(new LoadExternal(priv, pub, TpmRh.NULL)).orThrow().objectHandle();
        Bytes e = Bytes.fromHex("F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640");
        TpmtSignature sig = TpmtSignature.of(new TpmuSignature.Ecc(TpmAlg.SM2, TpmAlg.SHA256,
                Bytes.fromHex("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"),
                Bytes.fromHex("B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA")));
        assertThat(t.run(new VerifySignature(k, e, sig)).rc()).isEqualTo(TpmRc.SUCCESS);
        // the TPM's own signature of e with the standard's key verifies too
        TpmtSignature mine = t.run(new Sign(k, e, TpmtSigScheme.NULL, TpmtTkHashcheck.nullTicket())).orThrow().signature();
        assertThat(t.run(new VerifySignature(k, e, mine)).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void sign_sm2Key_otherSchemeOrHash_returnsSchemeOnParameter2() {
        TestTpm t = TestTpm.started();
        int k = primary(t, ecc(SIGNER, 0x20, TpmtEccScheme.of(TpmAlg.SM2, TpmAlg.SHA256))).objectHandle();
        Bytes digest = TestTpm.hash(TpmAlg.SHA256, MESSAGE);
        assertThat(t.run(new Sign(k, digest, TpmtSigScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), TpmtTkHashcheck.nullTicket())).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(new Sign(k, digest, TpmtSigScheme.of(TpmAlg.SM2, TpmAlg.SHA384), TpmtTkHashcheck.nullTicket())).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(new Sign(k, digest, TpmtSigScheme.of(TpmAlg.SM2, TpmAlg.SHA256), TpmtTkHashcheck.nullTicket())).rc())
                .isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void verifySignature_sm2SignatureWithAnRsaKey_returnsScheme() {
        TestTpm t = TestTpm.started();
        int rsa = primary(t, TpmtPublic.of(TpmAlg.SHA256, SIGNER, Bytes.EMPTY, new dev.jtpm.types.structure.TpmsRsaParms(
                TpmtSymDefObject.NULL, dev.jtpm.types.structure.TpmtRsaScheme.NULL, 2048, 0))).objectHandle();
        TpmtSignature sig = TpmtSignature.of(new TpmuSignature.Ecc(TpmAlg.SM2, TpmAlg.SHA256, Bytes.wrap(new byte[32]),
                Bytes.wrap(new byte[32])));
        assertThat(t.run(new VerifySignature(rsa, TestTpm.hash(TpmAlg.SHA256, MESSAGE), sig)).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x10, 0x20})
    void sign_restrictedSm2Key_needsTheTicketOfTpm2Hash(int curveId) {
        TestTpm t = TestTpm.started();
        EccCurve curve = EccCurve.of(curveId);
        CreatePrimaryResponse k = primary(t, ecc(SIGNER.with(TpmaObject.RESTRICTED), curveId,
                TpmtEccScheme.of(TpmAlg.SM2, TpmAlg.SHA256)));
        Bytes digest = TestTpm.hash(TpmAlg.SHA256, MESSAGE);
        assertThat(t.run(new Sign(k.objectHandle(), digest, TpmtSigScheme.NULL, TpmtTkHashcheck.nullTicket())).rc())
                .isEqualTo(TpmRc.TICKET.atParameter(3));
        HashResponse h = t.run(new Hash(Bytes.wrap(MESSAGE), TpmAlg.SHA256, TpmRh.OWNER)).orThrow();
        TpmtSignature sig = t.run(new Sign(k.objectHandle(), digest, TpmtSigScheme.NULL, h.validation())).orThrow().signature();
        assertThat(sig.sigAlg()).isEqualTo(TpmAlg.SM2);
        assertThat(independentlyValid(curve, q(curve, k.outPublic()), TpmAlg.SHA256, digest.toArray(),
                (TpmuSignature.Ecc) sig.signature())).isTrue();
        assertThat(t.run(new VerifySignature(k.objectHandle(), digest, sig)).orThrow().validation().hierarchy())
                .isEqualTo(TpmRh.OWNER);
        // the ticket of another digest
        Bytes other = TestTpm.hash(TpmAlg.SHA256, new byte[] {2});
        assertThat(t.run(new Sign(k.objectHandle(), other, TpmtSigScheme.NULL, h.validation())).rc())
                .isEqualTo(TpmRc.TICKET.atParameter(3));
    }

    // ---------------------------------------------------------------- objects on the curves

    @ParameterizedTest
    @ValueSource(ints = {0x10, 0x11, 0x20})
    void createPrimary_isDeterministic_pointOnTheCurve_sizesOfTheCurve(int curveId) {
        TestTpm t = TestTpm.started();
        EccCurve curve = EccCurve.of(curveId);
        TpmtPublic template = ecc(SIGNER, curveId, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256));
        CreatePrimaryResponse a = primary(t, template), b = primary(t, template);
        assertThat(b.outPublic()).isEqualTo(a.outPublic());
        TpmsEccPoint p = (TpmsEccPoint) a.outPublic().unique();
        assertThat(p.x().size()).isEqualTo(curve.fieldBytes());
        assertThat(p.y().size()).isEqualTo(curve.fieldBytes());
        q(curve, a.outPublic());
        assertThat(t.run(new ReadPublic(a.objectHandle())).orThrow().outPublic()).isEqualTo(a.outPublic());
        // another hierarchy, another key
        CreatePrimaryResponse e = t.run(new CreatePrimary(TpmRh.ENDORSEMENT, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY,
                NO_PCRS)).orThrow();
        assertThat(e.outPublic()).isNotEqualTo(a.outPublic());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x10, 0x11, 0x20})
    void createLoadAndCreateLoaded_underAStorageKeyOfTheCurve_sign(int curveId) {
        TestTpm t = TestTpm.started();
        EccCurve curve = EccCurve.of(curveId);
        int srk = primary(t, ecc(STORAGE, curveId, TpmtEccScheme.NULL)).objectHandle();
        TpmtPublic template = ecc(SIGNER, curveId, TpmtEccScheme.of(TpmAlg.SM2, TpmAlg.SHA256));
        CreateResponse c = t.run(new Create(srk, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS)).orThrow();
        int key = t.run(new Load(srk, c.outPrivate(), c.outPublic())).orThrow().objectHandle();
        Bytes digest = TestTpm.hash(TpmAlg.SHA256, MESSAGE);
        TpmtSignature sig = t.run(new Sign(key, digest, TpmtSigScheme.NULL, TpmtTkHashcheck.nullTicket())).orThrow().signature();
        assertThat(independentlyValid(curve, q(curve, c.outPublic()), TpmAlg.SHA256, digest.toArray(),
                (TpmuSignature.Ecc) sig.signature())).isTrue();
        t.run(new dev.jtpm.types.command.FlushContext(key)).orThrow();
        var loaded = t.run(new CreateLoaded(srk, TpmsSensitiveCreate.EMPTY, Bytes.wrap(TpmCodec.encode(template)))).orThrow();
        TpmtSignature sig2 = t.run(new Sign(loaded.objectHandle(), digest, TpmtSigScheme.NULL, TpmtTkHashcheck.nullTicket()))
                .orThrow().signature();
        assertThat(independentlyValid(curve, q(curve, loaded.outPublic()), TpmAlg.SHA256, digest.toArray(),
                (TpmuSignature.Ecc) sig2.signature())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0x10, 0x11, 0x20})
    void loadExternal_pointMustLieOnTheCurve_privateKeyMustMatch(int curveId) {
        TestTpm t = TestTpm.started();
        EccCurve curve = EccCurve.of(curveId);
        TpmaObject external = TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
        BigInteger d = curve.order().shiftRight(3).add(BigInteger.valueOf(12345));
        ECPoint g = curve.domain().getG().multiply(d).normalize();
        int len = curve.fieldBytes();
        Bytes x = Bytes.wrap(fixed(g.getAffineXCoord().toBigInteger(), len)), y = Bytes.wrap(fixed(g.getAffineYCoord().toBigInteger(), len));
        TpmtPublic pub = ecc(external, curveId, TpmtEccScheme.NULL).withUnique(new TpmsEccPoint(x, y));
        // public only: loads; with the private key: signs, and the signature checks independently
        int publicOnly = t.run(new LoadExternal(null, pub, TpmRh.NULL)).orThrow().objectHandle();
        TpmtSensitive priv = TpmtSensitive.of(Secret.EMPTY, Secret.EMPTY,
                new TpmuSensitiveComposite.Ecc(Secret.of(fixed(d, curve.orderBytes()))));
        int k = t.run(new LoadExternal(priv, pub, TpmRh.NULL)).orThrow().objectHandle();
        Bytes digest = TestTpm.hash(TpmAlg.SHA256, MESSAGE);
        TpmtSignature sig = t.run(new Sign(k, digest, TpmtSigScheme.of(TpmAlg.SM2, TpmAlg.SHA256), TpmtTkHashcheck.nullTicket()))
                .orThrow().signature();
        assertThat(independentlyValid(curve, g, TpmAlg.SHA256, digest.toArray(), (TpmuSignature.Ecc) sig.signature())).isTrue();
        t.run(new dev.jtpm.types.command.FlushContext(k)).orThrow();
        t.run(new dev.jtpm.types.command.FlushContext(publicOnly)).orThrow();
        // y + 1: not on the curve (libtpms: TPM_RC_ECC_POINT on inPublic)
        TpmtPublic off = pub.withUnique(new TpmsEccPoint(x, Bytes.wrap(fixed(g.getAffineYCoord().toBigInteger().add(BigInteger.ONE), len))));
        assertThat(t.run(new LoadExternal(null, off, TpmRh.NULL)).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(2));
        // a coordinate longer than the curve's (BN P-638's are already MAX_ECC_KEY_BYTES long): TPM_RC_KEY
        if (len < 80) {
            TpmtPublic longer = pub.withUnique(new TpmsEccPoint(Bytes.wrap(new byte[len + 1]), y));
            assertThat(t.run(new LoadExternal(null, longer, TpmRh.NULL)).rc()).isEqualTo(TpmRc.KEY.atParameter(2));
        }
        // the private key of another point: TPM_RC_BINDING
        TpmtSensitive other = TpmtSensitive.of(Secret.EMPTY, Secret.EMPTY,
                new TpmuSensitiveComposite.Ecc(Secret.of(fixed(d.add(BigInteger.ONE), curve.orderBytes()))));
        assertThat(t.run(new LoadExternal(other, pub, TpmRh.NULL)).rc()).isEqualTo(TpmRc.BINDING);
    }

    /** ms-tpm and libtpms load a point under a TPM_ALG_NULL nameAlg without checking it is on the curve. */
    @ParameterizedTest
    @ValueSource(ints = {0x03, 0x10, 0x11, 0x20})
    void pointOffTheCurveUnderNullNameAlg_loads_verifiesNothing_andNeverFailsTheTpm(int curveId) {
        TestTpm t = TestTpm.started();
        EccCurve curve = EccCurve.of(curveId);
        int len = curve.fieldBytes();
        ECPoint g = curve.domain().getG().normalize();
        TpmsEccPoint off = new TpmsEccPoint(Bytes.wrap(fixed(g.getAffineXCoord().toBigInteger(), len)),
                Bytes.wrap(fixed(g.getAffineYCoord().toBigInteger().add(BigInteger.ONE), len)));
        TpmtPublic pub = TpmtPublic.of(TpmAlg.NULL, TpmaObject.of(TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT), Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, TpmtEccScheme.NULL, curveId, TpmtKdfScheme.NULL)).withUnique(off);
        int k = t.run(new LoadExternal(null, pub, TpmRh.NULL)).orThrow().objectHandle();
        Bytes digest = TestTpm.hash(TpmAlg.SHA256, MESSAGE);
        Bytes one = Bytes.wrap(fixed(BigInteger.ONE, curve.orderBytes()));
        for (int scheme : new int[] {TpmAlg.ECDSA, TpmAlg.ECSCHNORR, TpmAlg.SM2}) {
            TpmtSignature sig = TpmtSignature.of(new TpmuSignature.Ecc(scheme, TpmAlg.SHA256, one, one));
            assertThat(t.run(new VerifySignature(k, digest, sig)).rc()).isEqualTo(TpmRc.SIGNATURE.atParameter(2));
        }
        assertThat(t.run(new EcdhKeyGen(k)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
        // under a nameAlg the same point is refused on load
        TpmtPublic named = TpmtPublic.of(TpmAlg.SHA256, pub.objectAttributes(), Bytes.EMPTY, pub.parameters()).withUnique(off);
        assertThat(t.run(new LoadExternal(null, named, TpmRh.NULL)).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(2));
        assertThat(t.run(new dev.jtpm.types.command.GetRandom(8)).ok()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0x10, 0x11, 0x20})
    void ecdhKeyGenAndZGen_agreeOnTheCurve(int curveId) {
        TestTpm t = TestTpm.started();
        EccCurve curve = EccCurve.of(curveId);
        CreatePrimaryResponse k = primary(t, ecc(DECRYPTER, curveId, TpmtEccScheme.of(TpmAlg.ECDH, TpmAlg.SHA256)));
        EcdhKeyGenResponse g = t.run(new EcdhKeyGen(k.objectHandle())).orThrow();
        assertThat(g.zPoint().x().size()).isEqualTo(curve.fieldBytes());
        TpmsEccPoint z = t.run(new EcdhZGen(k.objectHandle(), g.pubPoint())).orThrow().outPoint();
        assertThat(z).isEqualTo(g.zPoint());
        // Z = d_TPM·Q_eph is not computable without d; check it lies on the curve and differs from Q_eph
        ECPoint zp = curve.domain().getCurve().createPoint(new BigInteger(1, z.x().toArray()), new BigInteger(1, z.y().toArray()));
        assertThat(zp.isValid()).isTrue();
        // a point of the curve: Z = d·G is the key's own public point
        ECPoint gen = curve.domain().getG().normalize();
        int len = curve.fieldBytes();
        TpmsEccPoint base = new TpmsEccPoint(Bytes.wrap(fixed(gen.getAffineXCoord().toBigInteger(), len)),
                Bytes.wrap(fixed(gen.getAffineYCoord().toBigInteger(), len)));
        assertThat(t.run(new EcdhZGen(k.objectHandle(), base)).orThrow().outPoint()).isEqualTo(k.outPublic().unique());
        // a point of another curve: TPM_RC_ECC_POINT
        TpmsEccPoint offCurve = new TpmsEccPoint(base.x(), Bytes.wrap(fixed(gen.getAffineYCoord().toBigInteger().add(BigInteger.ONE), len)));
        assertThat(t.run(new EcdhZGen(k.objectHandle(), offCurve)).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(1));
    }

    @Test
    void testParms_everySchemeOnEveryNewCurve() {
        TestTpm t = TestTpm.started();
        for (int curve : new int[] {0x10, 0x11, 0x20}) {
            for (int scheme : new int[] {TpmAlg.NULL, TpmAlg.ECDSA, TpmAlg.ECSCHNORR, TpmAlg.SM2, TpmAlg.ECDH}) {
                TpmtEccScheme s = scheme == TpmAlg.NULL ? TpmtEccScheme.NULL : TpmtEccScheme.of(scheme, TpmAlg.SHA256);
                assertThat(t.run(new TestParms(TpmtPublicParms.of(new TpmsEccParms(TpmtSymDefObject.NULL, s, curve,
                        TpmtKdfScheme.NULL)))).rc()).as(curve + "/" + scheme).isEqualTo(TpmRc.SUCCESS);
            }
        }
    }

    // ---------------------------------------------------------------- ECC_Parameters

    @Test
    void everyCurveOfTheTable_isKnownToTpmCrypto() {
        for (int c : dev.jtpm.types.Algorithms.eccCurves()) assertThat(EccCurve.of(c)).as("curve %x", c).isNotNull();
    }

    /** The response parameters of TPM2_ECC_Parameters as raw octets. */
    private static String eccParameters(TestTpm t, int curve) {
        byte[] r = t.raw(CommandBytes.encode(new EccParameters(curve)));
        assertThat(Arrays.copyOfRange(r, 6, 10)).isEqualTo(new byte[4]);
        return HexFormat.of().formatHex(Arrays.copyOfRange(r, 10, r.length));
    }

    /** libtpms (swtpm 0.7.1) answers these octets; the interop test compares with swtpm itself. */
    @Test
    void eccParameters_newCurves_asLibtpmsAnswers() {
        TestTpm t = TestTpm.started();
        String p256 = "fffffffffffcf0cd46e5f25eee71a49f0cdc65fb12980a82d3292ddbaed33013";
        String n256 = "fffffffffffcf0cd46e5f25eee71a49e0cdc65fb1299921af62d536cd10b500d";
        // BN P-256: no KDF, no signing scheme; a = 0 in one octet
        assertThat(eccParameters(t, 0x10)).isEqualTo("0010" + "0100" + "0010" + "0010" + "0020" + p256 + "000100"
                + "0020" + "00".repeat(31) + "03" + "0020" + "00".repeat(31) + "01" + "0020" + "00".repeat(31) + "02"
                + "0020" + n256 + "000101");
        String p638 = "23fffffdc000000d7fffffb8000001d3fffff942d000165e3fff94870000d52f"
                + "fffdd0e00008de55c00086520021e55bfffff51ffff4eb800000004c80015acd" + "ffffffffffffece00000000000000067";
        String n638 = "23fffffdc000000d7fffffb8000001d3fffff942d000165e3fff94870000d52f"
                + "fffdd0e00008de55600086550021e555fffff54ffff4eac000000049800154d9" + "ffffffffffffeda00000000000000061";
        String gx638 = p638.substring(0, p638.length() - 2) + "66";
        assertThat(eccParameters(t, 0x11)).isEqualTo("0011" + "027e" + "0010" + "0010" + "0050" + p638 + "000100"
                + "0050" + "00".repeat(78) + "0101" + "0050" + gx638 + "0050" + "00".repeat(79) + "10" + "0050" + n638
                + "000101");
        // SM2 P-256: KDF1_SP800_56A with SM3_256, as libtpms reports it
        assertThat(eccParameters(t, 0x20)).isEqualTo("0020" + "0100" + "0020" + "0012" + "0010"
                + "0020" + "fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff"
                + "0020" + "fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc"
                + "0020" + "28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93"
                + "0020" + "32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7"
                + "0020" + "bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0"
                + "0020" + "fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123" + "000101");
    }
}
