package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.EcEphemeral;
import dev.jtpm.types.command.EcEphemeralResponse;
import dev.jtpm.types.command.ZGen2Phase;
import dev.jtpm.types.structure.TpmsEccPoint;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.agreement.SM2KeyExchange;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.SM2KeyExchangePrivateParameters;
import org.bouncycastle.crypto.params.SM2KeyExchangePublicParameters;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The SM2 key exchange of TPM2_ZGen_2Phase (Part 3, 14.7, inScheme TPM_ALG_SM2; GM/T 0003.3) on SM2
 * P-256 through tpm2-tools (tpm2_createprimary -G ecc_sm2, tpm2_ecephemeral ecc_sm2, tpm2_zgen2phase -s
 * sm2): jtpm's outZ1 is the point U = [h·t<sub>A</sub>](P<sub>B</sub> + [x̄<sub>2</sub>]R<sub>B</sub>) that a
 * party B held by this test computes as V, the key derived from it equals the key of Bouncy Castle's
 * SM2KeyExchange, and two jtpms agree. swtpm 0.7.1 (libtpms 0.9) computes x̄ as 2^94 + (x mod 2^66)
 * instead of GM/T's 2^127 + (x mod 2^127), so its point is that formula's (pinned here): it agrees with
 * another swtpm and with no GM/T party, jtpm included. The refusals are compared with swtpm's.
 */
class Sm2KeyExchangeInteropTest {
    private static final String DECRYPT = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|decrypt";
    private static final X9ECParameters SM2 = GMNamedCurves.getByName("sm2p256v1");
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(SM2);
    private static final BigInteger N = SM2.getN();
    private static final SecureRandom RNG = new SecureRandom();
    private static final int TPM_ECC_SM2_P256 = 0x0020;

    private static String path(Path dir, String name) { return dir.resolve(name).toString(); }

    private static Tools.Run tpm2(String tcti, String... args) {
        Tools.Run r = Tools.tpm2(tcti, args);
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        if (r.exit() != 0) Tools.tpm2(tcti, "tpm2_flushcontext", "-l").ok();
        return r;
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray(), out = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    /** A TPM2B_ECC_POINT file (tpm2-tools' format). */
    private static byte[] pointFile(ECPoint p) {
        ECPoint n = p.normalize();
        return ByteBuffer.allocate(70).putShort((short) 68).putShort((short) 32).put(fixed32(n.getAffineXCoord().toBigInteger()))
                .putShort((short) 32).put(fixed32(n.getAffineYCoord().toBigInteger())).array();
    }

    /** A TPM2B_ECC_POINT file as a point on SM2 P-256; null for the empty point. */
    private static ECPoint point(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        b.getShort();
        byte[] x = new byte[b.getShort()];
        b.get(x);
        byte[] y = new byte[b.getShort()];
        b.get(y);
        if (x.length == 0 && y.length == 0) return null;
        return SM2.getCurve().createPoint(new BigInteger(1, x), new BigInteger(1, y));
    }

    /** The public point of a key, from tpm2_readpublic's x: and y: lines (its PEM output does not know SM2 P-256). */
    private static ECPoint publicPoint(String tcti, String key) {
        String out = tpm2(tcti, "tpm2_readpublic", "-c", key).ok().out();
        Matcher x = Pattern.compile("(?m)^x: ([0-9a-f]+)$").matcher(out), y = Pattern.compile("(?m)^y: ([0-9a-f]+)$").matcher(out);
        assertThat(x.find() && y.find()).as(out).isTrue();
        return SM2.getCurve().createPoint(new BigInteger(x.group(1), 16), new BigInteger(y.group(1), 16));
    }

    /** A TPM's side: its static key (a context file), public points and files, the count of its ephemeral key. */
    record Party(String tcti, String key, ECPoint qs, ECPoint qe, Path qsFile, Path qeFile, int counter) {}

    private static Party tpmParty(String tcti, Path dir, String name) throws Exception {
        String key = path(dir, name + ".ctx");
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc_sm2", "-a", DECRYPT, "-c", key).ok();
        Path qs = dir.resolve(name + ".qs"), qe = dir.resolve(name + ".qe"), cnt = dir.resolve(name + ".cnt");
        ECPoint q = publicPoint(tcti, key);
        Files.write(qs, pointFile(q));
        tpm2(tcti, "tpm2_ecephemeral", "-u", qe.toString(), "-t", cnt.toString(), "ecc_sm2").ok();
        byte[] c = Files.readAllBytes(cnt);
        return new Party(tcti, key, q, point(Files.readAllBytes(qe)), qs, qe, (c[0] & 0xFF) << 8 | (c[1] & 0xFF));
    }

    /** Party B held by the test: d<sub>B</sub>, r<sub>B</sub> and its point files. */
    record Peer(BigInteger d, BigInteger r, ECPoint p, ECPoint rPoint, Path pFile, Path rFile) {
        static Peer random(Path dir) throws Exception {
            BigInteger d = new BigInteger(255, RNG).add(BigInteger.ONE), r = new BigInteger(255, RNG).add(BigInteger.ONE);
            ECPoint p = SM2.getG().multiply(d).normalize(), rp = SM2.getG().multiply(r).normalize();
            Path pf = dir.resolve("peer-" + System.nanoTime() + ".p"), rf = dir.resolve("peer-" + System.nanoTime() + ".r");
            Files.write(pf, pointFile(p));
            Files.write(rf, pointFile(rp));
            return new Peer(d, r, p, rp, pf, rf);
        }
    }

    /** tpm2_zgen2phase -s sm2 of {@code a} against B's point files: {Z1, Z2} file octets. */
    private static byte[][] zgen(Party a, Path qsB, Path qeB, Path dir) throws Exception {
        Path z1 = dir.resolve("z1-" + System.nanoTime()), z2 = dir.resolve("z2-" + System.nanoTime());
        tpm2(a.tcti(), "tpm2_zgen2phase", "-c", a.key(), "-s", "sm2", "-t", String.valueOf(a.counter()), "--static-public",
                qsB.toString(), "--ephemeral-public", qeB.toString(), "--output-Z1", z1.toString(), "--output-Z2", z2.toString()).ok();
        return new byte[][] {Files.readAllBytes(z1), Files.readAllBytes(z2)};
    }

    /** GM/T 0003.3's x̄ on SM2 P-256: w = ⌈⌈log2 n⌉/2⌉ − 1 = 127, x̄ = 2^w + (x &amp; (2^w − 1)). */
    private static BigInteger xBarGmt(ECPoint q) {
        return q.normalize().getAffineXCoord().toBigInteger().mod(BigInteger.ONE.shiftLeft(127)).setBit(127);
    }

    /**
     * swtpm 0.7.1's x̄ on SM2 P-256, as observed: 2^94 + (x mod 2^66). libtpms' avfSm2 asks for w = BnMsb(n)/2 − 1
     * = 126 (GM/T: 127); BnMaskBits(x, 126) masks the top word with ~0 &gt;&gt; (126 mod 64), keeping 64 + 2 bits;
     * and the bit set lands on 94 = 64 + (62 mod 32), as a 32-bit shift would put it.
     */
    private static BigInteger xBarLibtpms(ECPoint q) {
        return q.normalize().getAffineXCoord().toBigInteger().mod(BigInteger.ONE.shiftLeft(66)).setBit(94);
    }

    /**
     * V = [h·t<sub>B</sub>](P<sub>A</sub> + [x̄<sub>1</sub>]R<sub>A</sub>), t<sub>B</sub> = d<sub>B</sub> +
     * x̄<sub>2</sub>·r<sub>B</sub>, as party B computes it with the given x̄.
     */
    private static ECPoint v(Peer b, ECPoint pA, ECPoint rA, java.util.function.Function<ECPoint, BigInteger> xBar) {
        BigInteger tB = b.d().add(xBar.apply(b.rPoint()).multiply(b.r())).mod(N);
        BigInteger h = SM2.getH();
        return pA.add(rA.multiply(xBar.apply(rA))).multiply(h.multiply(tB).mod(N)).normalize();
    }

    /** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xP ‖ yP) (GM/T 0003.2, 5.5). */
    private static byte[] userHash(byte[] id, ECPoint p) {
        SM3Digest d = new SM3Digest();
        d.update((byte) (id.length * 8 >> 8));
        d.update((byte) (id.length * 8));
        d.update(id, 0, id.length);
        for (ECFieldElement e : new ECFieldElement[] {SM2.getCurve().getA(), SM2.getCurve().getB(), SM2.getG().getAffineXCoord(),
                SM2.getG().getAffineYCoord(), p.normalize().getAffineXCoord(), p.normalize().getAffineYCoord()}) {
            byte[] b = e.getEncoded();
            d.update(b, 0, b.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** K = KDF(x ‖ y ‖ ZA ‖ ZB) with SM3, 16 octets (GM/T 0003.3, A7): one counter block. */
    private static byte[] kdf16(byte[] xy, byte[] za, byte[] zb) {
        byte[] in = Arrays.concatenate(xy, za, zb, new byte[] {0, 0, 0, 1});
        SM3Digest d = new SM3Digest();
        d.update(in, 0, in.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return Arrays.copyOf(out, 16);
    }

    @Test
    void sm2_jtpmsPointIsTheGmtPoint_andDerivesBouncyCastlesSm2KeyExchangeKey() throws Exception {
        Path dir = Files.createTempDirectory("sm2");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            Party a = tpmParty(s.tcti(), dir, "jtpm");
            Peer b = Peer.random(dir);
            byte[][] z = zgen(a, b.pFile(), b.rFile(), dir);
            // outZ1 = U = [h·tA](PB + [x̄2]RB) = V of party B; outZ2 empty (an empty TPM2B_ECC_POINT: 4 octets)
            assertThat(point(z[0])).isEqualTo(v(b, a.qs(), a.qe(), Sm2KeyExchangeInteropTest::xBarGmt));
            assertThat(z[0]).hasSize(70);
            assertThat(z[1]).containsExactly(0, 4, 0, 0, 0, 0);
            // B in Bouncy Castle (responder), the TPM the initiator: the key from U is BC's key
            byte[] idA = "1234567812345678".getBytes(), idB = "party B".getBytes();
            SM2KeyExchange bc = new SM2KeyExchange();
            bc.init(new ParametersWithID(new SM2KeyExchangePrivateParameters(false, new ECPrivateKeyParameters(b.d(), DOMAIN),
                    new ECPrivateKeyParameters(b.r(), DOMAIN)), idB));
            byte[] kb = bc.calculateKey(128, new ParametersWithID(new SM2KeyExchangePublicParameters(
                    new ECPublicKeyParameters(a.qs(), DOMAIN), new ECPublicKeyParameters(a.qe(), DOMAIN)), idA));
            byte[] xy = Arrays.copyOfRange(z[0], 4, 36);
            xy = Arrays.concatenate(xy, Arrays.copyOfRange(z[0], 38, 70));
            assertThat(kdf16(xy, userHash(idA, a.qs()), userHash(idB, b.p()))).isEqualTo(kb);
            // the count is used up: TPM_RC_VALUE on parameter 4
            assertThat(Tools.tpm2(a.tcti(), "tpm2_zgen2phase", "-c", a.key(), "-s", "sm2", "-t", String.valueOf(a.counter()),
                    "--static-public", b.pFile().toString(), "--ephemeral-public", b.rFile().toString(), "--output-Z1",
                    path(dir, "x"), "--output-Z2", path(dir, "y")).outcome()).isEqualTo("0x4c4");
        }
    }

    @Test
    void sm2_twoJtpmsAgreeOnZ() throws Exception {
        Path dir = Files.createTempDirectory("sm2");
        try (JtpmServer s1 = JtpmServer.started(Protocol.SWTPM); JtpmServer s2 = JtpmServer.started(Protocol.SWTPM)) {
            Party a = tpmParty(s1.tcti(), dir, "a"), b = tpmParty(s2.tcti(), dir, "b");
            byte[][] za = zgen(a, b.qsFile(), b.qeFile(), dir), zb = zgen(b, a.qsFile(), a.qeFile(), dir);
            assertThat(za[0]).hasSize(70).isEqualTo(zb[0]);
            assertThat(za[1]).isEqualTo(zb[1]).hasSize(6);
        }
    }

    @Test
    void sm2_swtpm071UsesLibtpmsXBar_agreesWithAnotherSwtpm_butNotWithJtpmOrAGmtParty() throws Exception {
        // The one deliberate difference: swtpm 0.7.1's SM2KeyExchange() computes x̄ = 2^94 + (x mod 2^66) where
        // GM/T has 2^127 + (x mod 2^127) (see xBarLibtpms). Both of its parties use the same x̄, so two swtpms
        // agree; a GM/T party (Bouncy Castle, jtpm) does not.
        Path dir = Files.createTempDirectory("sm2");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); SwtpmReference r1 = new SwtpmReference();
                SwtpmReference r2 = new SwtpmReference()) {
            Party sw1 = tpmParty(r1.tcti(), dir, "sw1"), sw2 = tpmParty(r2.tcti(), dir, "sw2");
            assertThat(zgen(sw1, sw2.qsFile(), sw2.qeFile(), dir)[0]).isEqualTo(zgen(sw2, sw1.qsFile(), sw1.qeFile(), dir)[0]);

            Party sw3 = tpmParty(r1.tcti(), dir, "sw3");
            Peer b = Peer.random(dir);
            ECPoint z = point(zgen(sw3, b.pFile(), b.rFile(), dir)[0]);
            assertThat(z).isEqualTo(v(b, sw3.qs(), sw3.qe(), Sm2KeyExchangeInteropTest::xBarLibtpms));
            assertThat(z).isNotEqualTo(v(b, sw3.qs(), sw3.qe(), Sm2KeyExchangeInteropTest::xBarGmt));

            Party a = tpmParty(s.tcti(), dir, "jtpm"), sw4 = tpmParty(r2.tcti(), dir, "sw4");
            assertThat(zgen(a, sw4.qsFile(), sw4.qeFile(), dir)[0]).isNotEqualTo(zgen(sw4, a.qsFile(), a.qeFile(), dir)[0]);
        }
    }

    /** The response code of a command sent by the test with a password session, TPM_RC_RETRY sent again. */
    private static <C extends Record & dev.jtpm.types.command.TpmCommand<?>> TpmRc raw(SwtpmSocketTransport t, C cmd) throws Exception {
        return new TpmRc(RawCommands.rc(RawCommands.execute(t, CommandBytes.encode(cmd, List.of(Bytes.EMPTY)))));
    }

    private static int ephemeral(SwtpmSocketTransport t, int curve) throws Exception {
        var cmd = new EcEphemeral(curve);
        EcEphemeralResponse r = CommandBytes.decode(cmd, RawCommands.execute(t, CommandBytes.encode(cmd))).orThrow();
        return r.counter();
    }

    private static TpmsEccPoint tpms(ECPoint p) {
        ECPoint n = p.normalize();
        return new TpmsEccPoint(Bytes.wrap(fixed32(n.getAffineXCoord().toBigInteger())),
                Bytes.wrap(fixed32(n.getAffineYCoord().toBigInteger())));
    }

    /** An SM2 P-256 decryption key with the SM2 scheme (SHA-256), which tpm2-tools will not make: its TPMT_PUBLIC. */
    private static final byte[] SM2_SCHEME_DECRYPT_KEY = RawCommands.cat(RawCommands.u16(TpmAlg.ECC, TpmAlg.SHA256),
            RawCommands.u32(0x00020072), RawCommands.u16(0, TpmAlg.NULL, TpmAlg.SM2, TpmAlg.SHA256, TPM_ECC_SM2_P256, TpmAlg.NULL, 0, 0));

    /**
     * ZGen_2Phase refusals (and two successes) with SM2: the codes the test compares with swtpm's. {@code xBar} is
     * the TPM's x̄, to make a QsB that cancels [x̄(QeB)]QeB (U at infinity).
     */
    private static List<String> refusals(String tcti, int port, Path dir, java.util.function.Function<ECPoint, BigInteger> xBar)
            throws Exception {
        List<String> out = new ArrayList<>();
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc_sm2", "-a", DECRYPT, "-c", path(dir, "k1.ctx")).ok();
        tpm2(tcti, "tpm2_evictcontrol", "-C", "o", "-c", path(dir, "k1.ctx"), "0x81000030").ok();
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc_sm2:sm2-sha256", "-a",
                "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign", "-c", path(dir, "k3.ctx")).ok();
        tpm2(tcti, "tpm2_evictcontrol", "-C", "o", "-c", path(dir, "k3.ctx"), "0x81000032").ok();
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256", "-a", DECRYPT, "-c", path(dir, "k4.ctx")).ok();
        tpm2(tcti, "tpm2_evictcontrol", "-C", "o", "-c", path(dir, "k4.ctx"), "0x81000033").ok();
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc_sm2:ecdh-sha256", "-a", DECRYPT, "-c", path(dir, "k2.ctx")).ok();
        tpm2(tcti, "tpm2_evictcontrol", "-C", "o", "-c", path(dir, "k2.ctx"), "0x81000031").ok();
        ECPoint g = SM2.getG().multiply(BigInteger.valueOf(7)).normalize();
        TpmsEccPoint good = tpms(g), offCurve = new TpmsEccPoint(good.x(),
                Bytes.wrap(fixed32(g.getAffineYCoord().toBigInteger().add(BigInteger.ONE))));
        TpmsEccPoint noX = new TpmsEccPoint(Bytes.EMPTY, good.y());
        X9ECParameters p256 = CustomNamedCurves.getByName("secp256r1");
        TpmsEccPoint nist = tpms(p256.getG().multiply(BigInteger.valueOf(7)));
        try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
            int sm2Key = RawCommands.createPrimary(t, 0x40000001, SM2_SCHEME_DECRYPT_KEY, "an SM2-scheme decryption key");
            int c = ephemeral(t, TPM_ECC_SM2_P256);
            java.util.function.BiConsumer<String, ZGen2Phase> run = (what, cmd) -> {
                try {
                    out.add(what + " " + raw(t, cmd));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            run.accept("QsB off the curve", new ZGen2Phase(0x81000030, offCurve, good, TpmAlg.SM2, c));
            run.accept("QeB off the curve", new ZGen2Phase(0x81000030, good, offCurve, TpmAlg.SM2, c));
            run.accept("QsB without x", new ZGen2Phase(0x81000030, noX, good, TpmAlg.SM2, c));
            run.accept("QsB a P-256 point", new ZGen2Phase(0x81000030, nist, good, TpmAlg.SM2, c));
            run.accept("count never taken", new ZGen2Phase(0x81000030, good, good, TpmAlg.SM2, c + 1));
            run.accept("ECDH-scheme key, SM2", new ZGen2Phase(0x81000031, good, good, TpmAlg.SM2, c));
            run.accept("SM2-scheme key, ECDH", new ZGen2Phase(sm2Key, good, good, TpmAlg.ECDH, c));
            run.accept("SM2-scheme key, ECMQV", new ZGen2Phase(sm2Key, good, good, TpmAlg.ECMQV, c));
            run.accept("signing key", new ZGen2Phase(0x81000032, good, good, TpmAlg.SM2, c));
            run.accept("U at infinity", new ZGen2Phase(0x81000030, tpms(g.multiply(xBar.apply(g)).negate()), good, TpmAlg.SM2, c));
            run.accept("SM2-scheme key, SM2", new ZGen2Phase(sm2Key, good, good, TpmAlg.SM2, c));
            run.accept("count used", new ZGen2Phase(0x81000030, good, good, TpmAlg.SM2, c));
            int c2 = ephemeral(t, 0x0003);
            run.accept("P-256 key, SM2 points", new ZGen2Phase(0x81000033, good, good, TpmAlg.SM2, c2));
            run.accept("P-256 key, SM2 exchange", new ZGen2Phase(0x81000033, nist, nist, TpmAlg.SM2, c2));
            RawCommands.flush(t, sm2Key);
        }
        return out;
    }

    /**
     * The same refusals from both; the point-at-infinity case is made for each TPM's own x̄ (GM/T's for jtpm,
     * the pinned libtpms formula for swtpm), so swtpm's TPM_RC_NO_RESULT confirms that formula once more. A
     * refused exchange leaves the count usable: the SM2-scheme key's exchange after it succeeds.
     */
    @Test
    void sm2Refusals_sameCodesAsSwtpm() throws Exception {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); SwtpmReference ref = new SwtpmReference()) {
            List<String> mine = refusals(s.tcti(), s.port(), Files.createTempDirectory("sm2raw"), Sm2KeyExchangeInteropTest::xBarGmt);
            List<String> theirs = refusals(ref.tcti(), ref.port(), Files.createTempDirectory("sm2raw"),
                    Sm2KeyExchangeInteropTest::xBarLibtpms);
            assertThat(mine).isEqualTo(theirs);
            assertThat(mine).containsExactly("QsB off the curve " + TpmRc.ECC_POINT.atParameter(1),
                    "QeB off the curve " + TpmRc.ECC_POINT.atParameter(2), "QsB without x " + TpmRc.ECC_POINT.atParameter(1),
                    "QsB a P-256 point " + TpmRc.ECC_POINT.atParameter(1), "count never taken " + TpmRc.VALUE.atParameter(4),
                    "ECDH-scheme key, SM2 " + TpmRc.SCHEME.atParameter(3), "SM2-scheme key, ECDH " + TpmRc.SCHEME.atParameter(3),
                    "SM2-scheme key, ECMQV " + TpmRc.SCHEME.atParameter(3), "signing key " + TpmRc.ATTRIBUTES.atHandle(1),
                    "U at infinity " + TpmRc.NO_RESULT,
                    "SM2-scheme key, SM2 " + TpmRc.SUCCESS, "count used " + TpmRc.VALUE.atParameter(4),
                    "P-256 key, SM2 points " + TpmRc.ECC_POINT.atParameter(1), "P-256 key, SM2 exchange " + TpmRc.SUCCESS);
        }
    }
}
