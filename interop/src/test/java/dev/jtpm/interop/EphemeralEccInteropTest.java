package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.ZGen2Phase;
import dev.jtpm.types.command.ZGen2PhaseResponse;
import dev.jtpm.types.structure.TpmsEccPoint;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.ECFieldElement;
import org.junit.jupiter.api.Test;

/**
 * TPM2_Commit with ECDAA signing, TPM2_EC_Ephemeral and TPM2_ZGen_2Phase (Part 3, 19 and 14.7)
 * through tpm2-tools (tpm2_commit, tpm2_sign -s ecdaa --commit-index, tpm2_ecephemeral,
 * tpm2_zgen2phase): ECDAA signatures checked by the point arithmetic in this test (Bouncy Castle), a
 * two-phase ECDH exchange between jtpm and swtpm agreeing on both Z values, an ECMQV exchange between two
 * jtpm instances (tpm2_zgen2phase cannot ask for ECMQV, so the test sends ZGen_2Phase itself), and the
 * refusals and commit-counter lifetimes compared with swtpm.
 */
class EphemeralEccInteropTest {
    private static final String SIGN = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign";
    private static final String DECRYPT = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|decrypt";
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");

    private static String path(Path dir, String name) { return dir.resolve(name).toString(); }

    private static Tools.Run tpm2(String tcti, String... args) {
        Tools.Run r = Tools.tpm2(tcti, args);
        Tools.tpm2(tcti, "tpm2_flushcontext", "-t").ok();
        if (r.exit() != 0) Tools.tpm2(tcti, "tpm2_flushcontext", "-l").ok();    // a failed command leaves its session
        return r;
    }

    private static int counter(Path file) throws Exception {
        byte[] b = Files.readAllBytes(file);
        return (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
    }

    /** A TPM2B_ECC_POINT file (tpm2-tools' format) as a point; null for the empty point. */
    private static ECPoint point(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        b.getShort();
        byte[] x = new byte[b.getShort()];
        b.get(x);
        byte[] y = new byte[b.getShort()];
        b.get(y);
        if (x.length == 0 && y.length == 0) return null;
        return P256.getCurve().createPoint(new BigInteger(1, x), new BigInteger(1, y));
    }

    private static byte[] pointFile(ECPoint p) {
        ECPoint n = p.normalize();
        ByteBuffer b = ByteBuffer.allocate(70);
        b.putShort((short) 68).putShort((short) 32).put(fixed32(n.getAffineXCoord().toBigInteger()))
                .putShort((short) 32).put(fixed32(n.getAffineYCoord().toBigInteger()));
        return b.array();
    }

    /** A TPM2B_ECC_PARAMETER file. */
    private static byte[] parameterFile(byte[] v) {
        return ByteBuffer.allocate(2 + v.length).putShort((short) v.length).put(v).array();
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray(), out = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    /** The public point of a loaded key, through tpm2_readpublic's PEM and the JDK. */
    private static ECPoint publicPoint(String tcti, String key, Path dir) throws Exception {
        String pem = path(dir, "pub-" + System.nanoTime() + ".pem");
        tpm2(tcti, "tpm2_readpublic", "-Q", "-c", key, "-f", "pem", "-o", pem).ok();
        String b64 = Files.readString(Path.of(pem)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        ECPublicKey k = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        return P256.getCurve().createPoint(k.getW().getAffineX(), k.getW().getAffineY());
    }

    /** nonceK and s of a TPMT_SIGNATURE file with sigAlg ECDAA and SHA-256. */
    private static BigInteger[] ecdaaSignature(Path file, byte[][] nonceK) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(b.getShort()).isEqualTo((short) TpmAlg.ECDAA);
        assertThat(b.getShort()).isEqualTo((short) TpmAlg.SHA256);
        byte[] r = new byte[b.getShort()];
        b.get(r);
        byte[] s = new byte[b.getShort()];
        b.get(s);
        nonceK[0] = r;
        return new BigInteger[] {new BigInteger(1, r), new BigInteger(1, s)};
    }

    private static BigInteger challenge(byte[] nonceK, byte[] digest) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(nonceK);
        md.update(digest);
        return new BigInteger(1, md.digest());
    }

    @Test
    void commitThenSign_theEcdaaSignatureSatisfiesSG_equalsE_plusTQ() throws Exception {
        Path dir = Files.createTempDirectory("ecdaa");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String tcti = s.tcti(), key = path(dir, "daa.ctx");
            tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256:ecdaa-sha256", "-a", SIGN, "-c", key).ok();
            ECPoint q = publicPoint(tcti, key, dir);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest("the message".getBytes());
            Path dig = dir.resolve("digest");
            Files.write(dig, digest);
            for (int round = 0; round < 2; round++) {
                Path cnt = dir.resolve("cnt"), e = dir.resolve("E"), k = dir.resolve("K"), l = dir.resolve("L");
                tpm2(tcti, "tpm2_commit", "-c", key, "-t", cnt.toString(), "-u", e.toString(), "--eccpoint-K", k.toString(),
                        "--eccpoint-L", l.toString()).ok();
                assertThat(counter(cnt)).isEqualTo(round);
                assertThat(point(k)).isNull();                     // no s2, y2: no K, L
                assertThat(point(l)).isNull();
                ECPoint pe = point(e);                             // E = [r]G
                Path sig = dir.resolve("sig");
                tpm2(tcti, "tpm2_sign", "-c", key, "-g", "sha256", "-s", "ecdaa", "--commit-index=" + round, "-d", "-o",
                        sig.toString(), dig.toString()).ok();
                byte[][] nonceK = new byte[1][];
                BigInteger[] rs = ecdaaSignature(sig, nonceK);
                BigInteger t = challenge(nonceK[0], digest);
                // s = r + T·d mod n, so [s]G = [r]G + [T]·[d]G = E + [T]Q
                assertThat(P256.getG().multiply(rs[1]).normalize()).isEqualTo(pe.add(q.multiply(t)).normalize());
                // the count is used up
                assertThat(tpm2(tcti, "tpm2_sign", "-c", key, "-g", "sha256", "-s", "ecdaa", "--commit-index=" + round, "-d",
                        "-o", sig.toString(), dig.toString()).outcome()).isEqualTo("0x84");
            }
        }
    }

    @Test
    void commitWithP1_eIsRP1_andTheSignatureSatisfiesSP1_equalsE_plusTkQ() throws Exception {
        Path dir = Files.createTempDirectory("ecdaa");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String tcti = s.tcti(), key = path(dir, "daa.ctx");
            tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256:ecdaa-sha256", "-a", SIGN, "-c", key).ok();
            ECPoint q = publicPoint(tcti, key, dir);
            BigInteger k = new BigInteger(200, new SecureRandom()).add(BigInteger.TWO);
            ECPoint p1 = P256.getG().multiply(k).normalize();
            Path p1File = dir.resolve("P1"), s2 = dir.resolve("s2");
            Files.write(p1File, pointFile(p1));
            Files.write(s2, new byte[0]);      // tpm2_commit takes P1 only together with the s2 argument
            Path cnt = dir.resolve("cnt"), e = dir.resolve("E"), kf = dir.resolve("K"), l = dir.resolve("L");
            tpm2(tcti, "tpm2_commit", "-c", key, "-t", cnt.toString(), "-u", e.toString(), "--eccpoint-K", kf.toString(),
                    "--eccpoint-L", l.toString(), "--eccpoint-P", p1File.toString(), s2.toString()).ok();
            ECPoint pe = point(e);
            assertThat(point(kf)).isNull();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest("anonymous".getBytes());
            Path dig = dir.resolve("digest"), sig = dir.resolve("sig");
            Files.write(dig, digest);
            tpm2(tcti, "tpm2_sign", "-c", key, "-g", "sha256", "-s", "ecdaa", "--commit-index=" + counter(cnt), "-d", "-o",
                    sig.toString(), dig.toString()).ok();
            byte[][] nonceK = new byte[1][];
            BigInteger[] rs = ecdaaSignature(sig, nonceK);
            BigInteger t = challenge(nonceK[0], digest);
            // E = [r]P1 and [d]P1 = [k]Q: [s]P1 = E + [T·k]Q
            assertThat(p1.multiply(rs[1]).normalize()).isEqualTo(pe.add(q.multiply(t.multiply(k))).normalize());
        }
    }

    /** s2 and y2 such that P2 = (SHA-256(s2) mod p, y2) is on P-256; the point. */
    private static Object[] basePoint() throws Exception {
        ECCurve c = P256.getCurve();
        BigInteger p = c.getField().getCharacteristic();
        for (int i = 0; ; i++) {
            byte[] s2 = ("base point " + i).getBytes();
            BigInteger x = new BigInteger(1, MessageDigest.getInstance("SHA-256").digest(s2)).mod(p);
            ECFieldElement fx = c.fromBigInteger(x);
            ECFieldElement y = fx.square().add(c.getA()).multiply(fx).add(c.getB()).sqrt();
            if (y != null) return new Object[] {s2, c.createPoint(x, y.toBigInteger())};
        }
    }

    @Test
    void commitWithBasePointS2Y2_kAndLSatisfySP2_equalsL_plusTK() throws Exception {
        // tpm2_commit 5.4 reads its s2 argument into a buffer of size zero, so it cannot send s2: the test sends
        // TPM2_Commit itself (password session), to a persistent copy of the key, and signs with tpm2_sign
        Path dir = Files.createTempDirectory("ecdaa");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String tcti = s.tcti(), key = path(dir, "daa.ctx");
            tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256:ecdaa-sha256", "-a", SIGN, "-c", key).ok();
            ECPoint q = publicPoint(tcti, key, dir);
            tpm2(tcti, "tpm2_evictcontrol", "-C", "o", "-c", key, "0x81000100").ok();
            Object[] bp = basePoint();
            ECPoint p2 = (ECPoint) bp[1];
            BigInteger k = BigInteger.valueOf(12345);
            ECPoint p1 = P256.getG().multiply(k).normalize();
            dev.jtpm.types.command.CommitResponse c;
            try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", s.port())) {
                var cmd = new dev.jtpm.types.command.Commit(0x81000100, tpms(p1), Bytes.wrap((byte[]) bp[0]),
                        Bytes.wrap(fixed32(p2.getAffineYCoord().toBigInteger())));
                var result = CommandBytes.decode(cmd, t.execute(CommandBytes.encode(cmd, List.of(Bytes.EMPTY)), 0));
                assertThat(result.ok()).as(String.valueOf(result.rc())).isTrue();
                c = result.response();
            }
            ECPoint pk = ec(c.k()), pl = ec(c.l()), pe = ec(c.e());
            byte[] digest = MessageDigest.getInstance("SHA-256").digest("anonymous".getBytes());
            Path dig = dir.resolve("digest"), sig = dir.resolve("sig");
            Files.write(dig, digest);
            tpm2(tcti, "tpm2_sign", "-c", "0x81000100", "-g", "sha256", "-s", "ecdaa", "--commit-index=" + c.counter(), "-d",
                    "-o", sig.toString(), dig.toString()).ok();
            byte[][] nonceK = new byte[1][];
            BigInteger[] rs = ecdaaSignature(sig, nonceK);
            BigInteger t = challenge(nonceK[0], digest);
            // K = [d]P2, L = [r]P2: [s]P2 = L + [T]K; E = [r]P1 with P1 = [k]G: [s]P1 = E + [T·k]Q
            assertThat(p2.multiply(rs[1]).normalize()).isEqualTo(pl.add(pk.multiply(t)).normalize());
            assertThat(p1.multiply(rs[1]).normalize()).isEqualTo(pe.add(q.multiply(t.multiply(k))).normalize());
        }
    }

    private static TpmsEccPoint tpms(ECPoint p) {
        ECPoint n = p.normalize();
        return new TpmsEccPoint(Bytes.wrap(fixed32(n.getAffineXCoord().toBigInteger())),
                Bytes.wrap(fixed32(n.getAffineYCoord().toBigInteger())));
    }

    private static ECPoint ec(TpmsEccPoint p) {
        return P256.getCurve().createPoint(new BigInteger(1, p.x().toArray()), new BigInteger(1, p.y().toArray()));
    }

    /** Refusals of the three commands, whose codes the test compares with libtpms'. */
    private static List<String> refusals(String tcti, Path dir) throws Exception {
        String daa = path(dir, "daa.ctx"), ecdsa = path(dir, "ecdsa.ctx"), dec = path(dir, "dec.ctx");
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256:ecdaa-sha256", "-a", SIGN, "-c", daa).ok();
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256:ecdsa-sha256", "-a", SIGN, "-c", ecdsa).ok();
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256", "-a", DECRYPT, "-c", dec).ok();
        Path digest = dir.resolve("digest"), out = dir.resolve("out"), cnt = dir.resolve("cnt");
        Files.write(digest, new byte[32]);
        Path off = dir.resolve("off");
        Files.write(off, pointFile(P256.getG()));
        byte[] offCurve = Files.readAllBytes(off);
        offCurve[offCurve.length - 1] ^= 1;
        Files.write(off, offCurve);
        Path good = dir.resolve("good");
        Files.write(good, pointFile(P256.getG().multiply(BigInteger.valueOf(7))));
        Path s2 = dir.resolve("s2"), y2 = dir.resolve("y2");
        Files.write(s2, "not a base point".getBytes());
        Files.write(y2, parameterFile(new byte[] {5}));
        String o = out.toString(), c = cnt.toString();
        List<String> rcs = new ArrayList<>();
        rcs.add(tpm2(tcti, "tpm2_commit", "-c", ecdsa, "-t", c, "-u", o, "--eccpoint-K", o, "--eccpoint-L", o).outcome());
        rcs.add(tpm2(tcti, "tpm2_commit", "-c", dec, "-t", c, "-u", o, "--eccpoint-K", o, "--eccpoint-L", o).outcome());
        rcs.add(tpm2(tcti, "tpm2_commit", "-c", daa, "-t", c, "-u", o, "--eccpoint-K", o, "--eccpoint-L", o,
                "--eccpoint-P", off.toString(), s2.toString(), "--basepoint-y", y2.toString()).outcome());
        rcs.add(tpm2(tcti, "tpm2_commit", "-c", daa, "-t", c, "-u", o, "--eccpoint-K", o, "--eccpoint-L", o, s2.toString())
                .outcome());                                                      // s2 without y2
        rcs.add(tpm2(tcti, "tpm2_commit", "-c", daa, "-t", c, "-u", o, "--eccpoint-K", o, "--eccpoint-L", o).outcome());  // count 0
        rcs.add(tpm2(tcti, "tpm2_sign", "-c", daa, "-g", "sha256", "-s", "ecdaa", "--commit-index=5", "-d", "-o", o,
                digest.toString()).outcome());                                    // never committed
        rcs.add(tpm2(tcti, "tpm2_sign", "-c", daa, "-g", "sha256", "-d", "-o", o, digest.toString()).outcome());   // no count
        rcs.add(tpm2(tcti, "tpm2_sign", "-c", ecdsa, "-g", "sha256", "-s", "ecdaa", "--commit-index=0", "-d", "-o", o,
                digest.toString()).outcome());                                    // key scheme ECDSA
        rcs.add(tpm2(tcti, "tpm2_sign", "-c", daa, "-g", "sha256", "-s", "ecdaa", "--commit-index=0", "-d", "-o", o,
                digest.toString()).outcome());                                    // good
        Path qe = dir.resolve("qe");
        rcs.add(tpm2(tcti, "tpm2_ecephemeral", "-u", qe.toString(), "-t", c, "ecc256").outcome());     // count 1
        rcs.add(tpm2(tcti, "tpm2_zgen2phase", "-c", dec, "-t", "9", "--static-public", good.toString(), "--ephemeral-public",
                qe.toString(), "--output-Z1", o, "--output-Z2", o).outcome());     // never taken
        rcs.add(tpm2(tcti, "tpm2_zgen2phase", "-c", dec, "-t", "1", "--static-public", off.toString(), "--ephemeral-public",
                qe.toString(), "--output-Z1", o, "--output-Z2", o).outcome());
        rcs.add(tpm2(tcti, "tpm2_zgen2phase", "-c", dec, "-t", "1", "--static-public", good.toString(), "--ephemeral-public",
                off.toString(), "--output-Z1", o, "--output-Z2", o).outcome());
        rcs.add(tpm2(tcti, "tpm2_zgen2phase", "-c", daa, "-t", "1", "--static-public", good.toString(), "--ephemeral-public",
                qe.toString(), "--output-Z1", o, "--output-Z2", o).outcome());    // a signing key
        rcs.add(tpm2(tcti, "tpm2_zgen2phase", "-c", dec, "-t", "0", "--static-public", good.toString(), "--ephemeral-public",
                qe.toString(), "--output-Z1", o, "--output-Z2", o).outcome());    // 0 was used by TPM2_Sign
        rcs.add(tpm2(tcti, "tpm2_zgen2phase", "-c", dec, "-t", "1", "--static-public", good.toString(), "--ephemeral-public",
                qe.toString(), "--output-Z1", o, "--output-Z2", o).outcome());    // good
        rcs.add(tpm2(tcti, "tpm2_zgen2phase", "-c", dec, "-t", "1", "--static-public", good.toString(), "--ephemeral-public",
                qe.toString(), "--output-Z1", o, "--output-Z2", o).outcome());    // used
        Path sig = dir.resolve("sig");
        tpm2(tcti, "tpm2_commit", "-c", daa, "-t", c, "-u", o, "--eccpoint-K", o, "--eccpoint-L", o).ok();
        tpm2(tcti, "tpm2_sign", "-c", daa, "-g", "sha256", "-s", "ecdaa", "--commit-index=" + counter(cnt), "-d", "-o",
                sig.toString(), digest.toString()).ok();
        rcs.add(tpm2(tcti, "tpm2_verifysignature", "-c", daa, "-g", "sha256", "-d", digest.toString(), "-s", sig.toString(),
                "-t", o).outcome());                                              // no ECDAA verification
        return rcs;
    }

    @Test
    void refusals_sameCodesAsSwtpm() throws Exception {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); SwtpmReference ref = new SwtpmReference()) {
            List<String> mine = refusals(s.tcti(), Files.createTempDirectory("ecdaa"));
            List<String> theirs = refusals(ref.tcti(), Files.createTempDirectory("ecdaa"));
            assertThat(mine).isEqualTo(theirs);
            assertThat(mine.get(8)).isEqualTo("ok");
            assertThat(mine.get(15)).isEqualTo("ok");
        }
    }

    /** One party of a two-phase exchange: a static decryption key, its public point file, an ephemeral key. */
    private record Party(String tcti, String key, Path staticPub, Path ephemeralPub, int counter) {}

    private static Party party(String tcti, Path dir, String name) throws Exception {
        String key = path(dir, name + ".ctx");
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256", "-a", DECRYPT, "-c", key).ok();
        Path qs = dir.resolve(name + ".qs"), qe = dir.resolve(name + ".qe"), cnt = dir.resolve(name + ".cnt");
        Files.write(qs, pointFile(publicPoint(tcti, key, dir)));
        tpm2(tcti, "tpm2_ecephemeral", "-u", qe.toString(), "-t", cnt.toString(), "ecc256").ok();
        return new Party(tcti, key, qs, qe, counter(cnt));
    }

    /** tpm2_zgen2phase (ECDH, its default) of {@code a} against {@code b}'s public keys: {Z1, Z2} as files' octets. */
    private static byte[][] zgenEcdh(Party a, Party b, Path dir) throws Exception {
        Path z1 = dir.resolve("z1-" + System.nanoTime()), z2 = dir.resolve("z2-" + System.nanoTime());
        tpm2(a.tcti(), "tpm2_zgen2phase", "-c", a.key(), "-t", String.valueOf(a.counter()), "--static-public",
                b.staticPub().toString(), "--ephemeral-public", b.ephemeralPub().toString(), "--output-Z1", z1.toString(),
                "--output-Z2", z2.toString()).ok();
        return new byte[][] {Files.readAllBytes(z1), Files.readAllBytes(z2)};
    }

    @Test
    void twoPhaseEcdh_jtpmAndSwtpmAgreeOnZsAndZe() throws Exception {
        Path dir = Files.createTempDirectory("zgen");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); SwtpmReference ref = new SwtpmReference()) {
            Party a = party(s.tcti(), dir, "jtpm"), b = party(ref.tcti(), dir, "swtpm");
            byte[][] za = zgenEcdh(a, b, dir), zb = zgenEcdh(b, a, dir);
            // C(2e, 2s, ECC CDH): Zs = dsA·QsB = dsB·QsA, Ze = deA·QeB = deB·QeA
            assertThat(za[0]).hasSize(70).isEqualTo(zb[0]);
            assertThat(za[1]).hasSize(70).isEqualTo(zb[1]);
            assertThat(za[0]).isNotEqualTo(za[1]);
            // each ephemeral key serves once, on both TPMs
            assertThat(tpm2(a.tcti(), "tpm2_zgen2phase", "-c", a.key(), "-t", String.valueOf(a.counter()), "--static-public",
                    b.staticPub().toString(), "--ephemeral-public", b.ephemeralPub().toString(), "--output-Z1",
                    path(dir, "x"), "--output-Z2", path(dir, "y")).outcome()).isEqualTo("0x4c4");
        }
    }

    /** ZGen_2Phase with ECMQV, sent by the test (tpm2_zgen2phase offers only ECDH and SM2), on a persistent key. */
    private static CommandBytes.Result<ZGen2PhaseResponse> zgenMqv(int port, int handle, Party b, int counter) throws Exception {
        TpmsEccPoint qs = tpms(point(b.staticPub())), qe = tpms(point(b.ephemeralPub()));
        try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
            var cmd = new ZGen2Phase(handle, qs, qe, TpmAlg.ECMQV, counter);
            for (int attempt = 0; ; attempt++) {
                var r = CommandBytes.decode(cmd, t.execute(CommandBytes.encode(cmd, List.of(Bytes.EMPTY)), 0));
                if (r.rc().value() != 0x922 || attempt == 3) return r;     // TPM_RC_RETRY: send it again, as a TSS does
            }
        }
    }

    @Test
    void ecmqv_twoJtpmsAgreeOnZ() throws Exception {
        Path dir = Files.createTempDirectory("mqv");
        try (JtpmServer s1 = JtpmServer.started(Protocol.SWTPM); JtpmServer s2 = JtpmServer.started(Protocol.SWTPM)) {
            Party a = party(s1.tcti(), dir, "a"), b = party(s2.tcti(), dir, "b");
            tpm2(a.tcti(), "tpm2_evictcontrol", "-C", "o", "-c", a.key(), "0x81000101").ok();
            tpm2(b.tcti(), "tpm2_evictcontrol", "-C", "o", "-c", b.key(), "0x81000101").ok();
            ZGen2PhaseResponse za = zgenMqv(s1.port(), 0x81000101, b, a.counter()).orThrow();
            ZGen2PhaseResponse zb = zgenMqv(s2.port(), 0x81000101, a, b.counter()).orThrow();
            // Full MQV: one point, the same on both sides; Z2 empty
            assertThat(za.outZ1().x().size()).isEqualTo(32);
            assertThat(za.outZ1()).isEqualTo(zb.outZ1());
            assertThat(za.outZ2()).isEqualTo(TpmsEccPoint.EMPTY);
            // the count is used up: TPM_RC_VALUE on parameter 4
            assertThat(zgenMqv(s1.port(), 0x81000101, b, a.counter()).rc()).isEqualTo(TpmRc.VALUE.atParameter(4));
        }
    }

    @Test
    void ecmqv_swtpm071EntersFailureMode_jtpmDoesNot() throws Exception {
        // libtpms 0.9's C_2_2_MQV reduces modulo an order it never sets and fails (TPM_RC_FAILURE, then failure
        // mode); jtpm computes SP 800-56A's Full MQV (checked above between two jtpms, and against Bouncy Castle's
        // ECMQVBasicAgreement in EccKeyExchangeTest). This records the one deliberate difference.
        Path dir = Files.createTempDirectory("mqv");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); SwtpmReference ref = new SwtpmReference()) {
            Party a = party(s.tcti(), dir, "a"), b = party(ref.tcti(), dir, "b");
            tpm2(b.tcti(), "tpm2_evictcontrol", "-C", "o", "-c", b.key(), "0x81000101").ok();
            int refPort = Integer.parseInt(ref.tcti().substring(ref.tcti().lastIndexOf('=') + 1));
            assertThat(zgenMqv(refPort, 0x81000101, a, b.counter()).rc()).isEqualTo(TpmRc.FAILURE);
        }
    }

    /** The counters and outcomes of commits and signatures around a TPM Reset and a TPM Restart. */
    /** A tool run, then the transient objects and loaded sessions flushed (tools leave their sessions on persistent keys). */
    private static Tools.Run tpm2Flushing(String tcti, String... args) {
        Tools.Run r = tpm2(tcti, args);
        Tools.tpm2(tcti, "tpm2_flushcontext", "-l").ok();
        return r;
    }

    private static List<String> lifetimes(String tcti, int ctrlPort, Path dir) throws Exception {
        String key = path(dir, "daa.ctx");
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256:ecdaa-sha256", "-a", SIGN, "-c", key).ok();
        tpm2(tcti, "tpm2_evictcontrol", "-C", "o", "-c", key, "0x81000102").ok();
        Path digest = dir.resolve("digest"), cnt = dir.resolve("cnt"), o = dir.resolve("o");
        Files.write(digest, new byte[32]);
        List<String> log = new ArrayList<>();
        Runnable commit = () -> {
            Tools.Run r = tpm2Flushing(tcti, "tpm2_commit", "-c", "0x81000102", "-t", cnt.toString(), "-u", o.toString(), "--eccpoint-K",
                    o.toString(), "--eccpoint-L", o.toString());
            try {
                log.add(r.exit() == 0 ? "commit " + counter(cnt) : "commit " + r.outcome());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        java.util.function.IntConsumer sign = c -> log.add("sign " + c + " " + tpm2Flushing(tcti, "tpm2_sign", "-c", "0x81000102", "-g",
                "sha256", "-s", "ecdaa", "--commit-index=" + c, "-d", "-o", o.toString(), digest.toString()).outcome());
        Runnable init = () -> Tools.run(java.util.Map.of(), null, "swtpm_ioctl", "--tcp", "127.0.0.1:" + ctrlPort, "-i").ok();
        commit.run();
        commit.run();
        // TPM Restart: Shutdown(STATE), _TPM_Init, Startup(CLEAR) keep the counter and the commitments
        Tools.tpm2(tcti, "tpm2_shutdown").ok();
        init.run();
        tpm2(tcti, "tpm2_startup", "-c").ok();
        commit.run();
        sign.accept(1);
        // TPM Reset: Shutdown(CLEAR), _TPM_Init, Startup(CLEAR): a new nonce, the counter and the array zero
        Tools.tpm2(tcti, "tpm2_shutdown", "-c").ok();
        init.run();
        tpm2(tcti, "tpm2_startup", "-c").ok();
        sign.accept(2);
        commit.run();
        sign.accept(0);
        // later counts work the same; signing uses the most recent one
        for (int i = 0; i < 3; i++) commit.run();
        sign.accept(3);
        return log;
    }

    @Test
    void commitCounterLifetimes_sameAsSwtpm() throws Exception {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); SwtpmReference ref = new SwtpmReference()) {
            int refCtrl = Integer.parseInt(ref.tcti().substring(ref.tcti().lastIndexOf('=') + 1)) + 1;
            List<String> mine = lifetimes(s.tcti(), s.port() + 1, Files.createTempDirectory("life"));
            List<String> theirs = lifetimes(ref.tcti(), refCtrl, Files.createTempDirectory("life"));
            assertThat(mine).isEqualTo(theirs);
            assertThat(mine).containsExactly("commit 0", "commit 1", "commit 2", "sign 1 ok", "sign 2 0x84", "commit 0",
                    "sign 0 ok", "commit 1", "commit 2", "commit 3", "sign 3 ok");
        }
    }

    /** The tpm2_getcap block (name line and attribute lines) of one algorithm or command. */
    private static String block(String getcap, String name) {
        int i = ("\n" + getcap).indexOf("\n" + name + ":");
        assertThat(i).as(name).isNotNegative();
        String rest = getcap.substring(i);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\n[A-Za-z0-9_]+:").matcher(rest);
        return m.find() ? rest.substring(0, m.start()) : rest;
    }

    /** TPM2_TestParms of an ECC P-256 key with {@code scheme}, sent by the test (tpm2-tools cannot name ECMQV). */
    private static TpmRc testParms(int port, dev.jtpm.types.structure.TpmtEccScheme scheme) throws Exception {
        var parms = new dev.jtpm.types.structure.TpmsEccParms(dev.jtpm.types.structure.TpmtSymDefObject.NULL, scheme,
                dev.jtpm.types.structure.Templates.NIST_P256, dev.jtpm.types.structure.TpmtKdfScheme.NULL);
        var cmd = new dev.jtpm.types.command.TestParms(dev.jtpm.types.structure.TpmtPublicParms.of(parms));
        try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
            return CommandBytes.decode(cmd, t.execute(CommandBytes.encode(cmd), 0)).rc();
        }
    }

    @Test
    void getcapAndTestparms_agreeWithSwtpm_forTheNewRowsAndCommands() throws Exception {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); SwtpmReference ref = new SwtpmReference()) {
            String mine = Tools.tpm2(s.tcti(), "tpm2_getcap", "algorithms").ok().out();
            String theirs = Tools.tpm2(ref.tcti(), "tpm2_getcap", "algorithms").ok().out();
            for (String row : new String[] {"ecdaa", "ecmqv"}) assertThat(block(mine, row)).as(row).isEqualTo(block(theirs, row));
            assertThat(block(mine, "ecdaa")).contains("signing:    1");
            assertThat(block(mine, "ecmqv")).contains("method:     1");
            String myCommands = Tools.tpm2(s.tcti(), "tpm2_getcap", "commands").ok().out();
            String theirCommands = Tools.tpm2(ref.tcti(), "tpm2_getcap", "commands").ok().out();
            for (String cc : new String[] {"TPM2_CC_Commit", "TPM2_CC_ZGen_2Phase", "TPM2_CC_EC_Ephemeral"}) {
                assertThat(block(myCommands, cc)).as(cc).isEqualTo(block(theirCommands, cc));
            }
            for (String parms : new String[] {"ecc256:ecdaa-sha256", "ecc256:ecdaa4-sha384", "ecc384:ecdaa"}) {
                Tools.Run a = Tools.tpm2(s.tcti(), "tpm2_testparms", parms), b = Tools.tpm2(ref.tcti(), "tpm2_testparms", parms);
                assertThat(a.exit() + " " + a.err()).as(parms).isEqualTo(b.exit() + " " + b.err());
                assertThat(a.exit()).as(parms).isZero();
            }
            int refPort = Integer.parseInt(ref.tcti().substring(ref.tcti().lastIndexOf('=') + 1));
            for (int hash : new int[] {TpmAlg.SHA256, TpmAlg.SHA384}) {
                var ecmqv = dev.jtpm.types.structure.TpmtEccScheme.of(TpmAlg.ECMQV, hash);
                assertThat(testParms(s.port(), ecmqv)).isEqualTo(testParms(refPort, ecmqv)).isEqualTo(TpmRc.SUCCESS);
            }
        }
    }

    /** The response code of a command sent by the test with a password session, TPM_RC_RETRY sent again (as a TSS does). */
    private static <C extends Record & dev.jtpm.types.command.TpmCommand<?>> TpmRc raw(int port, C cmd) throws Exception {
        try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
            for (int attempt = 0; ; attempt++) {
                byte[] r = t.execute(CommandBytes.encode(cmd, List.of(Bytes.EMPTY)), 0);
                TpmRc rc = new TpmRc(ByteBuffer.wrap(r, 6, 4).getInt());
                if (rc.value() != 0x922 || attempt == 3) return rc;
            }
        }
    }

    /** Inputs tpm2-tools cannot produce: over-long coordinates, NULL and signing schemes in ZGen_2Phase. */
    private static List<TpmRc> rawRefusals(String tcti, int port, Path dir) throws Exception {
        String daa = path(dir, "daa.ctx"), dec = path(dir, "dec.ctx");
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256:ecdaa-sha256", "-a", SIGN, "-c", daa).ok();
        tpm2(tcti, "tpm2_evictcontrol", "-C", "o", "-c", daa, "0x81000020").ok();
        tpm2(tcti, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc256", "-a", DECRYPT, "-c", dec).ok();
        tpm2(tcti, "tpm2_evictcontrol", "-C", "o", "-c", dec, "0x81000021").ok();
        TpmsEccPoint g = tpms(P256.getG());
        TpmsEccPoint padded = new TpmsEccPoint(Bytes.wrap(new byte[1]).concat(g.x()), g.y());
        TpmsEccPoint noX = new TpmsEccPoint(Bytes.EMPTY, g.y());
        List<TpmRc> rcs = new ArrayList<>();
        rcs.add(raw(port, new dev.jtpm.types.command.Commit(0x81000020, padded, Bytes.EMPTY, Bytes.EMPTY)));            // count 0
        rcs.add(raw(port, new dev.jtpm.types.command.Commit(0x81000020, noX, Bytes.EMPTY, Bytes.EMPTY)));
        rcs.add(raw(port, new dev.jtpm.types.command.Commit(0x81000020, TpmsEccPoint.EMPTY, Bytes.wrap("a".getBytes()),
                Bytes.wrap(new byte[1]))));
        rcs.add(raw(port, new ZGen2Phase(0x81000021, g, g, TpmAlg.NULL, 0)));
        rcs.add(raw(port, new ZGen2Phase(0x81000021, g, g, TpmAlg.ECDSA, 0)));
        rcs.add(raw(port, new ZGen2Phase(0x81000021, noX, g, TpmAlg.ECDH, 0)));
        rcs.add(raw(port, new ZGen2Phase(0x81000021, padded, padded, TpmAlg.ECDH, 0)));   // count 0 is a commitment too
        rcs.add(raw(port, new ZGen2Phase(0x81000021, g, g, TpmAlg.ECDH, 0)));             // used
        rcs.add(raw(port, new ZGen2Phase(0x81000020, g, g, TpmAlg.ECDH, 0)));             // a signing key
        return rcs;
    }

    @Test
    void rawRefusals_sameCodesAsSwtpm() throws Exception {
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); SwtpmReference ref = new SwtpmReference()) {
            int refPort = Integer.parseInt(ref.tcti().substring(ref.tcti().lastIndexOf('=') + 1));
            List<TpmRc> mine = rawRefusals(s.tcti(), s.port(), Files.createTempDirectory("raw"));
            List<TpmRc> theirs = rawRefusals(ref.tcti(), refPort, Files.createTempDirectory("raw"));
            assertThat(mine).isEqualTo(theirs);
            assertThat(mine.get(0)).isEqualTo(TpmRc.SUCCESS);
            assertThat(mine.get(6)).isEqualTo(TpmRc.SUCCESS);
        }
    }
}
