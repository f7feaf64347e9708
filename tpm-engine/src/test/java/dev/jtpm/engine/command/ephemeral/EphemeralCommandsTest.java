package dev.jtpm.engine.command.ephemeral;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.Commit;
import dev.jtpm.types.command.CommitResponse;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.EcEphemeral;
import dev.jtpm.types.command.EcEphemeralResponse;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Sign;
import dev.jtpm.types.command.SignResponse;
import dev.jtpm.types.command.Startup;
import dev.jtpm.types.command.ZGen2Phase;
import dev.jtpm.types.command.ZGen2PhaseResponse;
import dev.jtpm.types.structure.Templates;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsEccParms;
import dev.jtpm.types.structure.TpmsEccPoint;
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtEccScheme;
import dev.jtpm.types.structure.TpmtKdfScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.types.structure.TpmtRsaScheme;
import dev.jtpm.types.structure.TpmtSigScheme;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmtTkHashcheck;
import dev.jtpm.types.structure.TpmuAsymScheme;
import dev.jtpm.types.structure.TpmuSigScheme;
import dev.jtpm.types.structure.TpmuSignature;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.agreement.ECMQVBasicAgreement;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.MQVPrivateParameters;
import org.bouncycastle.crypto.params.MQVPublicParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * TPM2_Commit, TPM2_EC_Ephemeral, TPM2_ZGen_2Phase and the ECDAA branch of TPM2_Sign (Part 3, 19, 14.7,
 * 20.2) on an in-process TPM: the math checked with Bouncy Castle (the verifier's ECDAA equation, party B
 * of ECDH, of ECMQV and of the SM2 key exchange), every response code of the handlers' javadoc, and
 * the lifetimes of the commit state (kept by a Restart and by the volatile-state blob, renewed by a Reset).
 */
class EphemeralCommandsTest {
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(P256);
    private static final SecureRandom RNG = new SecureRandom();
    private static final TpmlPcrSelection NO_PCRS = new TpmlPcrSelection(List.of());
    private static final TpmaObject SIGNER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.SIGN_ENCRYPT);
    private static final TpmaObject DECRYPTER = TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
            TpmaObject.SENSITIVE_DATA_ORIGIN, TpmaObject.USER_WITH_AUTH, TpmaObject.DECRYPT);
    private static final TpmtSigScheme NULL_SCHEME = new TpmtSigScheme(TpmAlg.NULL, dev.jtpm.types.structure.TpmsEmpty.INSTANCE);
    private static final Bytes DIGEST = Bytes.wrap(new byte[32]);

    private static TpmtPublic ecc(TpmaObject a, TpmtEccScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, a, Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, scheme, Templates.NIST_P256, TpmtKdfScheme.NULL));
    }

    private static final TpmtEccScheme ECDAA = new TpmtEccScheme(TpmAlg.ECDAA, new TpmuAsymScheme.Ecdaa(TpmAlg.SHA256, 0));

    private static int primary(TestTpm t, TpmtPublic template) {
        return t.run(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, template, Bytes.EMPTY, NO_PCRS)).orThrow()
                .objectHandle();
    }

    private static ECPoint publicPoint(TestTpm t, int handle) {
        var pub = t.run(new dev.jtpm.types.command.ReadPublic(handle)).orThrow().outPublic();
        return ec((TpmsEccPoint) pub.unique());
    }

    private static ECPoint ec(TpmsEccPoint p) {
        return P256.getCurve().createPoint(new BigInteger(1, p.x().toArray()), new BigInteger(1, p.y().toArray()));
    }

    private static TpmsEccPoint tpms(ECPoint p) {
        ECPoint n = p.normalize();
        return new TpmsEccPoint(Bytes.wrap(fixed(n.getAffineXCoord().toBigInteger())), Bytes.wrap(fixed(n.getAffineYCoord().toBigInteger())));
    }

    private static byte[] fixed(BigInteger v) {
        byte[] b = v.toByteArray(), out = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    private static final TpmsEccPoint OFF_CURVE = new TpmsEccPoint(Bytes.wrap(fixed(BigInteger.ONE)), Bytes.wrap(fixed(BigInteger.ONE)));

    private static Sign signEcdaa(int key, int count) {
        return new Sign(key, DIGEST, new TpmtSigScheme(TpmAlg.ECDAA, new TpmuSigScheme.Ecdaa(TpmAlg.SHA256, count)),
                TpmtTkHashcheck.nullTicket());
    }

    private static Commit commit(int key) { return new Commit(key, TpmsEccPoint.EMPTY, Bytes.EMPTY, Bytes.EMPTY); }

    private static BigInteger challenge(byte[] nonceK, byte[] digest) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(nonceK);
        md.update(digest);
        return new BigInteger(1, md.digest());
    }

    @Test
    void commitThenSign_satisfiesTheVerifierEquation_andUsesTheCountOnce() throws Exception {
        TestTpm t = TestTpm.started();
        int key = primary(t, ecc(SIGNER, ECDAA));
        ECPoint q = publicPoint(t, key);
        CommitResponse c = t.run(commit(key)).orThrow();
        assertThat(c.counter()).isZero();
        assertThat(c.k()).isEqualTo(TpmsEccPoint.EMPTY);
        assertThat(c.l()).isEqualTo(TpmsEccPoint.EMPTY);
        SignResponse s = t.run(signEcdaa(key, 0)).orThrow();
        var sig = (TpmuSignature.Ecc) s.signature().signature();
        assertThat(sig.sigAlg()).isEqualTo(TpmAlg.ECDAA);
        BigInteger t1 = challenge(sig.signatureR().toArray(), DIGEST.toArray());
        assertThat(P256.getG().multiply(new BigInteger(1, sig.signatureS().toArray())).normalize())
                .isEqualTo(ec(c.e()).add(q.multiply(t1)).normalize());
        assertThat(t.run(signEcdaa(key, 0)).rc()).isEqualTo(TpmRc.VALUE);      // used: no index, as libtpms
        assertThat(t.run(signEcdaa(key, 1)).rc()).isEqualTo(TpmRc.VALUE);      // never taken
    }

    @Test
    void commitRefusals_carryMsTpmsCodesAndIndexes_andTakeNoCount() {
        TestTpm t = TestTpm.started();
        int daa = primary(t, ecc(SIGNER, ECDAA));
        int ecdsa = primary(t, ecc(SIGNER, TpmtEccScheme.of(TpmAlg.ECDSA, TpmAlg.SHA256)));
        assertThat(t.run(commit(ecdsa)).rc()).isEqualTo(TpmRc.SCHEME.atHandle(1));
        assertThat(t.run(new Commit(daa, TpmsEccPoint.EMPTY, Bytes.wrap(new byte[] {1}), Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(3));
        assertThat(t.run(new Commit(daa, TpmsEccPoint.EMPTY, Bytes.EMPTY, Bytes.wrap(new byte[] {1}))).rc())
                .isEqualTo(TpmRc.SIZE.atParameter(3));
        assertThat(t.run(new Commit(daa, TpmsEccPoint.EMPTY, Bytes.wrap(new byte[] {1}), Bytes.wrap(new byte[] {1}))).rc())
                .isEqualTo(TpmRc.ECC_POINT.atParameter(2));
        assertThat(t.run(new Commit(daa, OFF_CURVE, Bytes.EMPTY, Bytes.EMPTY)).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(1));
        assertThat(t.run(new Commit(daa, new TpmsEccPoint(Bytes.EMPTY, Bytes.wrap(new byte[] {1})), Bytes.EMPTY, Bytes.EMPTY)).rc())
                .isEqualTo(TpmRc.ECC_POINT.atParameter(1));
        t.run(new dev.jtpm.types.command.FlushContext(ecdsa)).orThrow();
        int rsa = primary(t, TpmtPublic.of(TpmAlg.SHA256, SIGNER, Bytes.EMPTY,
                new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.NULL, 2048, 0)));
        assertThat(t.run(commit(rsa)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
        // none of them took a count
        assertThat(t.run(commit(daa)).orThrow().counter()).isZero();
        // an ECDAA key needs the count in the scheme; an RSA key cannot sign ECDAA
        assertThat(t.run(new Sign(daa, DIGEST, NULL_SCHEME, TpmtTkHashcheck.nullTicket())).rc())
                .isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(signEcdaa(rsa, 0)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(2));
        assertThat(t.run(signEcdaa(daa, 0)).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void commitWithBasePoint_kAndLSatisfyThePointEquation() throws Exception {
        TestTpm t = TestTpm.started();
        int key = primary(t, ecc(SIGNER, ECDAA));
        BigInteger p = P256.getCurve().getField().getCharacteristic();
        byte[] s2;
        ECPoint p2;
        for (int i = 0; ; i++) {
            s2 = ("s2 " + i).getBytes();
            BigInteger x = new BigInteger(1, MessageDigest.getInstance("SHA-256").digest(s2)).mod(p);
            var fx = P256.getCurve().fromBigInteger(x);
            var y = fx.square().add(P256.getCurve().getA()).multiply(fx).add(P256.getCurve().getB()).sqrt();
            if (y != null) {
                p2 = P256.getCurve().createPoint(x, y.toBigInteger());
                break;
            }
        }
        ECPoint p1 = P256.getG().multiply(BigInteger.valueOf(5)).normalize();
        CommitResponse c = t.run(new Commit(key, tpms(p1), Bytes.wrap(s2), Bytes.wrap(fixed(p2.getAffineYCoord().toBigInteger()))))
                .orThrow();
        var sig = (TpmuSignature.Ecc) t.run(signEcdaa(key, c.counter())).orThrow().signature().signature();
        BigInteger tt = challenge(sig.signatureR().toArray(), DIGEST.toArray());
        BigInteger s = new BigInteger(1, sig.signatureS().toArray());
        assertThat(p2.multiply(s).normalize()).isEqualTo(ec(c.l()).add(ec(c.k()).multiply(tt)).normalize());
        ECPoint q = publicPoint(t, key);
        assertThat(p1.multiply(s).normalize()).isEqualTo(ec(c.e()).add(q.multiply(tt.multiply(BigInteger.valueOf(5)))).normalize());
    }

    @Test
    void countsOlderThanTheArray_areRefused_butTheLatest128Serve() {
        TestTpm t = TestTpm.started();
        int key = primary(t, ecc(SIGNER, ECDAA));
        for (int i = 0; i < 130; i++) assertThat(t.run(commit(key)).orThrow().counter()).isEqualTo(i);
        // count 0 and 1 share their bits with counts 128 and 129: the upper bits tell them apart
        assertThat(t.run(signEcdaa(key, 0)).rc()).isEqualTo(TpmRc.VALUE);
        assertThat(t.run(signEcdaa(key, 1)).rc()).isEqualTo(TpmRc.VALUE);
        assertThat(t.run(signEcdaa(key, 2)).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(signEcdaa(key, 129)).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(signEcdaa(key, 130)).rc()).isEqualTo(TpmRc.VALUE);
    }

    @Test
    void ecEphemeral_sharesTheCounterWithCommit() {
        TestTpm t = TestTpm.started();
        int key = primary(t, ecc(SIGNER, ECDAA));
        EcEphemeralResponse e0 = t.run(new EcEphemeral(0x0003)).orThrow();
        assertThat(e0.counter()).isZero();
        assertThat(P256.getCurve().createPoint(new BigInteger(1, e0.q().x().toArray()), new BigInteger(1, e0.q().y().toArray()))
                .isValid()).isTrue();
        assertThat(t.run(commit(key)).orThrow().counter()).isEqualTo(1);
        assertThat(t.run(new EcEphemeral(0x0004)).orThrow().q().x().size()).isEqualTo(48);
        assertThat(t.run(new EcEphemeral(0x0010)).orThrow().q().x().size()).isEqualTo(32);          // BN P-256
        assertThat(t.run(new EcEphemeral(0x0099)).rc()).isEqualTo(TpmRc.CURVE.atParameter(1));    // no such curve
    }

    /** Party B: a static and an ephemeral key pair of Bouncy Castle's. */
    private record PartyB(ECPrivateKeyParameters s, ECPublicKeyParameters sPub, ECPrivateKeyParameters e, ECPublicKeyParameters ePub) {
        static PartyB random() {
            BigInteger ds = new BigInteger(255, RNG).add(BigInteger.ONE), de = new BigInteger(255, RNG).add(BigInteger.ONE);
            return new PartyB(new ECPrivateKeyParameters(ds, DOMAIN), new ECPublicKeyParameters(P256.getG().multiply(ds).normalize(), DOMAIN),
                    new ECPrivateKeyParameters(de, DOMAIN), new ECPublicKeyParameters(P256.getG().multiply(de).normalize(), DOMAIN));
        }
    }

    @Test
    void zgen2Phase_ecdhAndEcmqv_agreeWithPartyBInBouncyCastle() {
        TestTpm t = TestTpm.started();
        int keyA = primary(t, ecc(DECRYPTER, TpmtEccScheme.NULL));
        ECPoint qsA = publicPoint(t, keyA);

        // ECDH C(2e, 2s): Z1 = [dsB]QsA, Z2 = [deB]QeA
        PartyB b = PartyB.random();
        EcEphemeralResponse eph = t.run(new EcEphemeral(0x0003)).orThrow();
        ZGen2PhaseResponse z = t.run(new ZGen2Phase(keyA, tpms(b.sPub().getQ()), tpms(b.ePub().getQ()), TpmAlg.ECDH, eph.counter()))
                .orThrow();
        assertThat(ec(z.outZ1())).isEqualTo(qsA.multiply(b.s().getD()).normalize());
        assertThat(ec(z.outZ2())).isEqualTo(ec(eph.q()).multiply(b.e().getD()).normalize());

        // ECMQV C(2e, 2s): B's ECMQVBasicAgreement gives Z1's x
        PartyB b2 = PartyB.random();
        EcEphemeralResponse eph2 = t.run(new EcEphemeral(0x0003)).orThrow();
        ZGen2PhaseResponse m = t.run(new ZGen2Phase(keyA, tpms(b2.sPub().getQ()), tpms(b2.ePub().getQ()), TpmAlg.ECMQV,
                eph2.counter())).orThrow();
        ECMQVBasicAgreement agreement = new ECMQVBasicAgreement();
        agreement.init(new MQVPrivateParameters(b2.s(), b2.e(), b2.ePub()));
        BigInteger zb = agreement.calculateAgreement(new MQVPublicParameters(new ECPublicKeyParameters(qsA, DOMAIN),
                new ECPublicKeyParameters(ec(eph2.q()), DOMAIN)));
        assertThat(new BigInteger(1, m.outZ1().x().toArray())).isEqualTo(zb);
        assertThat(m.outZ2()).isEqualTo(TpmsEccPoint.EMPTY);
        // each count serves once
        assertThat(t.run(new ZGen2Phase(keyA, tpms(b2.sPub().getQ()), tpms(b2.ePub().getQ()), TpmAlg.ECMQV, eph2.counter())).rc())
                .isEqualTo(TpmRc.VALUE.atParameter(4));
    }

    private static final X9ECParameters SM2 = org.bouncycastle.asn1.gm.GMNamedCurves.getByName("sm2p256v1");

    private static TpmtPublic sm2Key(TpmtEccScheme scheme) {
        return TpmtPublic.of(TpmAlg.SHA256, DECRYPTER, Bytes.EMPTY, new TpmsEccParms(TpmtSymDefObject.NULL, scheme, 0x0020,
                TpmtKdfScheme.NULL));
    }

    private static ECPoint sm2Point(TpmsEccPoint p) {
        return SM2.getCurve().createPoint(new BigInteger(1, p.x().toArray()), new BigInteger(1, p.y().toArray()));
    }

    /** GM/T 0003.3's x̄ on SM2 P-256: 2^127 + (x mod 2^127). */
    private static BigInteger xBar(ECPoint p) {
        return p.normalize().getAffineXCoord().toBigInteger().mod(BigInteger.ONE.shiftLeft(127)).setBit(127);
    }

    @Test
    void zgen2Phase_sm2_outZ1IsPartyBsV_outZ2Empty() {
        TestTpm t = TestTpm.started();
        for (TpmtEccScheme scheme : new TpmtEccScheme[] {TpmtEccScheme.NULL, TpmtEccScheme.of(TpmAlg.SM2, TpmAlg.SHA256)}) {
            int keyA = primary(t, sm2Key(scheme));
            ECPoint pA = sm2Point((TpmsEccPoint) t.run(new dev.jtpm.types.command.ReadPublic(keyA)).orThrow().outPublic().unique());
            EcEphemeralResponse eph = t.run(new EcEphemeral(0x0020)).orThrow();
            ECPoint rA = sm2Point(eph.q());
            BigInteger n = SM2.getN(), dB = new BigInteger(255, RNG).add(BigInteger.ONE), rB = new BigInteger(255, RNG).add(BigInteger.ONE);
            ECPoint pB = SM2.getG().multiply(dB).normalize(), rBPoint = SM2.getG().multiply(rB).normalize();
            ZGen2PhaseResponse z = t.run(new ZGen2Phase(keyA, tpms(pB), tpms(rBPoint), TpmAlg.SM2, eph.counter())).orThrow();
            // party B: tB = dB + x̄2·rB, V = [h·tB](PA + [x̄1]RA), the TPM's U
            BigInteger tB = dB.add(xBar(rBPoint).multiply(rB)).mod(n);
            assertThat(sm2Point(z.outZ1())).isEqualTo(pA.add(rA.multiply(xBar(rA))).multiply(tB).normalize());
            assertThat(z.outZ1().x().size()).isEqualTo(32);
            assertThat(z.outZ2()).isEqualTo(TpmsEccPoint.EMPTY);
            // the count is used up
            assertThat(t.run(new ZGen2Phase(keyA, tpms(pB), tpms(rBPoint), TpmAlg.SM2, eph.counter())).rc())
                    .isEqualTo(TpmRc.VALUE.atParameter(4));
            t.run(new dev.jtpm.types.command.FlushContext(keyA)).orThrow();
        }
    }

    @Test
    void zgen2Phase_sm2Refusals_carryMsTpmsCodesAndIndexes() {
        TestTpm t = TestTpm.started();
        int sm2Scheme = primary(t, sm2Key(TpmtEccScheme.of(TpmAlg.SM2, TpmAlg.SHA256)));
        int ecdhScheme = primary(t, sm2Key(TpmtEccScheme.of(TpmAlg.ECDH, TpmAlg.SHA256)));
        int counter = t.run(new EcEphemeral(0x0020)).orThrow().counter();
        ECPoint g7 = SM2.getG().multiply(BigInteger.valueOf(7)).normalize();
        TpmsEccPoint good = tpms(g7), nist = tpms(P256.getG().multiply(BigInteger.valueOf(7)));
        assertThat(t.run(new ZGen2Phase(sm2Scheme, good, good, TpmAlg.ECDH, counter)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(3));
        assertThat(t.run(new ZGen2Phase(ecdhScheme, good, good, TpmAlg.SM2, counter)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(3));
        assertThat(t.run(new ZGen2Phase(sm2Scheme, nist, good, TpmAlg.SM2, counter)).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(1));
        assertThat(t.run(new ZGen2Phase(sm2Scheme, good, nist, TpmAlg.SM2, counter)).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(2));
        assertThat(t.run(new ZGen2Phase(sm2Scheme, good, good, TpmAlg.SM2, counter + 1)).rc()).isEqualTo(TpmRc.VALUE.atParameter(4));
        // QsB = -[x̄(QeB)]QeB: QsB + [x̄2]QeB is the point at infinity, and so is U
        TpmsEccPoint cancelling = tpms(g7.multiply(xBar(g7)).negate());
        assertThat(t.run(new ZGen2Phase(sm2Scheme, cancelling, good, TpmAlg.SM2, counter)).rc()).isEqualTo(TpmRc.NO_RESULT);
        // the refusals left the count usable
        assertThat(t.run(new ZGen2Phase(sm2Scheme, good, good, TpmAlg.SM2, counter)).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void zgen2PhaseRefusals_carryMsTpmsCodesAndIndexes() {
        TestTpm t = TestTpm.started();
        int ecdhKey = primary(t, ecc(DECRYPTER, TpmtEccScheme.of(TpmAlg.ECDH, TpmAlg.SHA256)));
        int signKey = primary(t, ecc(SIGNER, ECDAA));
        int counter = t.run(new EcEphemeral(0x0003)).orThrow().counter();
        TpmsEccPoint good = tpms(P256.getG().multiply(BigInteger.TEN));
        assertThat(t.run(new ZGen2Phase(signKey, good, good, TpmAlg.ECDH, counter)).rc()).isEqualTo(TpmRc.ATTRIBUTES.atHandle(1));
        assertThat(t.run(new ZGen2Phase(ecdhKey, good, good, TpmAlg.ECMQV, counter)).rc()).isEqualTo(TpmRc.SCHEME.atParameter(3));
        assertThat(t.run(new ZGen2Phase(ecdhKey, OFF_CURVE, good, TpmAlg.ECDH, counter)).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(1));
        assertThat(t.run(new ZGen2Phase(ecdhKey, good, OFF_CURVE, TpmAlg.ECDH, counter)).rc()).isEqualTo(TpmRc.ECC_POINT.atParameter(2));
        assertThat(t.run(new ZGen2Phase(ecdhKey, good, good, TpmAlg.ECDH, counter + 1)).rc()).isEqualTo(TpmRc.VALUE.atParameter(4));
        t.run(new dev.jtpm.types.command.FlushContext(signKey)).orThrow();
        int rsa = primary(t, TpmtPublic.of(TpmAlg.SHA256, DECRYPTER, Bytes.EMPTY,
                new TpmsRsaParms(TpmtSymDefObject.NULL, TpmtRsaScheme.NULL, 2048, 0)));
        assertThat(t.run(new ZGen2Phase(rsa, good, good, TpmAlg.ECDH, counter)).rc()).isEqualTo(TpmRc.KEY.atHandle(1));
        // the refusals left the count usable
        assertThat(t.run(new ZGen2Phase(ecdhKey, good, good, TpmAlg.ECDH, counter)).rc()).isEqualTo(TpmRc.SUCCESS);
    }

    @Test
    void commitState_survivesRestartAndTheVolatileBlob_butNotAReset() throws Exception {
        TestTpm t = TestTpm.started();
        int key = primary(t, ecc(SIGNER, ECDAA));
        var template = ecc(SIGNER, ECDAA);
        t.run(commit(key)).orThrow();
        t.run(commit(key)).orThrow();
        // TPM Restart: Shutdown(STATE), _TPM_Init, Startup(CLEAR)
        t.run(new Shutdown(TpmSu.STATE)).orThrow();
        t.tpm.powerOff();
        t.tpm.init();
        t.run(new Startup(TpmSu.CLEAR)).orThrow();
        key = primary(t, template);                   // the same primary key again (same seed, same template)
        assertThat(t.run(signEcdaa(key, 1)).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(t.run(commit(key)).orThrow().counter()).isEqualTo(2);
        // the volatile-state blob (swtpm's "volatilestate") carries it too
        t.tpm.storeVolatile();
        TestTpm r = new TestTpm(t.nv);
        key = primary(r, template);                   // the blob carries no objects
        assertThat(r.run(signEcdaa(key, 2)).rc()).isEqualTo(TpmRc.SUCCESS);
        assertThat(r.run(signEcdaa(key, 0)).rc()).isEqualTo(TpmRc.SUCCESS);
        // TPM Reset: Shutdown(CLEAR), _TPM_Init, Startup(CLEAR): the counter and array start again
        assertThat(r.run(commit(key)).orThrow().counter()).isEqualTo(3);
        r.run(new Shutdown(TpmSu.CLEAR)).orThrow();
        r.nv.delete(dev.jtpm.engine.platform.StateKind.VOLATILE);
        r.tpm.powerOff();
        r.tpm.init();
        r.run(new Startup(TpmSu.CLEAR)).orThrow();
        key = primary(r, template);
        assertThat(r.run(signEcdaa(key, 3)).rc()).isEqualTo(TpmRc.VALUE);
        assertThat(r.run(commit(key)).orThrow().counter()).isZero();
    }

    @Test
    void aVersion1VolatileBlob_withoutCommitState_restoresWithAFreshOne() {
        TestTpm t = TestTpm.started();
        int key = primary(t, ecc(SIGNER, ECDAA));
        t.run(commit(key)).orThrow();
        byte[] v2 = dev.jtpm.engine.state.VolatileState.serialize(t.state());
        // a version-1 blob ends before the commit state (and before version 3's two TPM2Bs, empty here)
        // (and version 4's empty list of orderly NV RAM, 4 octets, and version 5's fields)
        int commitLength = 2 + t.state().commit.toBytes().size() + 4 + 4 + dev.jtpm.engine.state.VolatileState.v5Length(t.state());
        byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - commitLength);
        java.nio.ByteBuffer.wrap(v1).putInt(4, 1);
        dev.jtpm.engine.state.VolatileState.restore(t.state(), v1);
        assertThat(t.state().commit.counter()).isZero();
        assertThat(t.state().started).isTrue();
        // and a version-2 blob keeps the counter
        t.run(commit(primary(t, ecc(SIGNER, ECDAA)))).orThrow();
        dev.jtpm.engine.state.VolatileState.restore(t.state(), dev.jtpm.engine.state.VolatileState.serialize(t.state()));
        assertThat(t.state().commit.counter()).isEqualTo(1);
    }

    @Test
    void ecdaaOnP384WithSha384_satisfiesTheVerifierEquation() throws Exception {
        X9ECParameters p384 = CustomNamedCurves.getByName("secp384r1");
        TestTpm t = TestTpm.started();
        TpmtEccScheme scheme = new TpmtEccScheme(TpmAlg.ECDAA, new TpmuAsymScheme.Ecdaa(TpmAlg.SHA384, 0));
        int key = primary(t, TpmtPublic.of(TpmAlg.SHA384, SIGNER, Bytes.EMPTY,
                new TpmsEccParms(TpmtSymDefObject.NULL, scheme, 0x0004, TpmtKdfScheme.NULL)));
        TpmsEccPoint qp = (TpmsEccPoint) t.run(new dev.jtpm.types.command.ReadPublic(key)).orThrow().outPublic().unique();
        ECPoint q = p384.getCurve().createPoint(new BigInteger(1, qp.x().toArray()), new BigInteger(1, qp.y().toArray()));
        CommitResponse c = t.run(commit(key)).orThrow();
        assertThat(c.e().x().size()).isEqualTo(48);
        ECPoint e = p384.getCurve().createPoint(new BigInteger(1, c.e().x().toArray()), new BigInteger(1, c.e().y().toArray()));
        Bytes digest = Bytes.wrap(MessageDigest.getInstance("SHA-384").digest("p384".getBytes()));
        var sig = (TpmuSignature.Ecc) t.run(new Sign(key, digest, new TpmtSigScheme(TpmAlg.ECDAA,
                new TpmuSigScheme.Ecdaa(TpmAlg.SHA384, c.counter())), TpmtTkHashcheck.nullTicket())).orThrow().signature().signature();
        assertThat(sig.hash()).isEqualTo(TpmAlg.SHA384);
        assertThat(sig.signatureS().size()).isEqualTo(48);
        MessageDigest md = MessageDigest.getInstance("SHA-384");
        md.update(sig.signatureR().toArray());
        md.update(digest.toArray());
        BigInteger tt = new BigInteger(1, md.digest());
        assertThat(p384.getG().multiply(new BigInteger(1, sig.signatureS().toArray())).normalize())
                .isEqualTo(e.add(q.multiply(tt)).normalize());
        // a SHA-256 digest for a SHA-384 scheme: TPM_RC_SIZE on the digest
        t.run(commit(key)).orThrow();
        assertThat(t.run(new Sign(key, DIGEST, new TpmtSigScheme(TpmAlg.ECDAA, new TpmuSigScheme.Ecdaa(TpmAlg.SHA384, 1)),
                TpmtTkHashcheck.nullTicket())).rc()).isEqualTo(TpmRc.SIZE.atParameter(1));
    }
}
