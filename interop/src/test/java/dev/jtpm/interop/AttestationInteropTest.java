package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.structure.TpmsAttest;
import dev.jtpm.types.structure.TpmsCertifyInfo;
import dev.jtpm.types.structure.TpmsCreationInfo;
import dev.jtpm.types.structure.TpmsPcrSelection;
import dev.jtpm.types.structure.TpmsQuoteInfo;
import dev.jtpm.types.structure.TpmsTimeAttestInfo;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The attestation commands through tpm2-tools 5.4 against jtpm: {@code tpm2_quote} checked by {@code tpm2_checkquote}
 * with RSA and ECC AKs made by {@code tpm2_createek} + {@code tpm2_createak} (SHA-1 + SHA-256 banks, the SHA-384
 * bank, qualification data; a wrong nonce is caught), {@code tpm2_certify}, {@code tpm2_certifycreation} (with
 * {@code tpm2_create}'s creation hash and ticket) and {@code tpm2_gettime}, their plain signatures checked by openssl
 * against the AK's PEM. Then a remote attestation as a verifier does it, in Java: EK and AK from the tools, a series
 * of PCR_Extend events, a quote over the verifier's fresh nonce, and the verifier replays the event list to recompute
 * the PCR digest, and checks the nonce and the signature with the JDK.
 */
class AttestationInteropTest {
    private static final HexFormat HEX = HexFormat.of();

    private static Tools.Run openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        return Tools.run(Map.of(), null, cmd.toArray(String[]::new));
    }

    /** tpm2_checkquote runs offline: no TCTI. */
    private static Tools.Run checkquote(String pem, String msg, String sig, String pcr, String nonce) {
        return Tools.run(Map.of("TSS2_LOG", "all+NONE"), null, "tpm2_checkquote", "-u", pem, "-m", msg, "-s", sig, "-f", pcr,
                "-g", "sha256", "-q", nonce);
    }

    private static TpmsAttest attest(Path file) throws Exception {
        return TpmCodec.decodeLenient(TpmsAttest.class, Files.readAllBytes(file));
    }

    /** The EK and an AK under it (tpm2_createek, tpm2_createak): the AK context and its public key as PEM. */
    private record Ak(String ctx, String pem, Path name) {}

    private static Ak ek(String t, Path dir, String alg, String scheme) {
        String ek = dir.resolve("ek-" + alg + ".ctx").toString();
        Ak ak = new Ak(dir.resolve("ak-" + alg + ".ctx").toString(), dir.resolve("ak-" + alg + ".pem").toString(),
                dir.resolve("ak-" + alg + ".name"));
        Tools.tpm2(t, "tpm2_createek", "-G", alg, "-c", ek).ok();
        Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
        Tools.tpm2(t, "tpm2_createak", "-C", ek, "-c", ak.ctx(), "-G", alg, "-g", "sha256", "-s", scheme, "-f", "pem",
                "-u", ak.pem(), "-n", ak.name().toString()).ok();
        Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
        Tools.tpm2(t, "tpm2_flushcontext", "-s").ok();
        return ak;
    }

    @Test
    void quoteCertifyCertifyCreationGetTime_rsaAndEccAks_verifiedByCheckquoteAndOpenssl() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-attest");
        try (JtpmServer server = JtpmServer.started(Protocol.SWTPM)) {
            String t = server.tcti();
            Tools.tpm2(t, "tpm2_pcrextend", "0:sha1=" + "a1".repeat(20) + ",sha256=" + "b2".repeat(32)).ok();
            Tools.tpm2(t, "tpm2_pcrextend", "7:sha384=" + "c3".repeat(48)).ok();
            for (String[] alg : new String[][] {{"rsa", "rsassa"}, {"ecc", "ecdsa"}}) {
                Ak ak = ek(t, dir, alg[0], alg[1]);
                String[][] selections = {{"sha1:0,1,2+sha256:0,16", "5eed"}, {"sha384:0,7,16", "0badf00d"}};
                for (String[] sel : selections) {
                    String msg = dir.resolve("q.msg").toString(), sig = dir.resolve("q.sig").toString(),
                            pcr = dir.resolve("q.pcr").toString();
                    Tools.tpm2(t, "tpm2_quote", "-c", ak.ctx(), "-l", sel[0], "-q", sel[1], "-m", msg, "-s", sig, "-o", pcr,
                            "-g", "sha256").ok();
                    Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                    checkquote(ak.pem(), msg, sig, pcr, sel[1]).ok();
                    Tools.Run wrong = checkquote(ak.pem(), msg, sig, pcr, "00" + sel[1]);
                    assertThat(wrong.exit()).as("a wrong nonce").isNotZero();
                    assertThat(wrong.err()).contains("nonce");
                    TpmsAttest a = attest(Path.of(msg));
                    assertThat(a.type()).isEqualTo(TpmSt.ATTEST_QUOTE);
                    assertThat(a.extraData()).isEqualTo(Bytes.fromHex(sel[1]));
                    assertThat(((TpmsQuoteInfo) a.attested()).pcrDigest().size()).isEqualTo(32);
                }

                // an object made with creation data, certified, its creation certified, and the time signed
                String prim = dir.resolve("prim.ctx").toString(), pub = dir.resolve("key.pub").toString(),
                        priv = dir.resolve("key.priv").toString(), key = dir.resolve("key.ctx").toString();
                Path ch = dir.resolve("ch.bin"), ct = dir.resolve("ct.bin"), keyName = dir.resolve("key.name");
                Tools.tpm2(t, "tpm2_createprimary", "-Q", "-C", "o", "-c", prim).ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                Tools.tpm2(t, "tpm2_create", "-Q", "-C", prim, "-G", "ecc", "-u", pub, "-r", priv, "--creation-data",
                        dir.resolve("cd.bin").toString(), "--creation-ticket", ct.toString(), "--creation-hash", ch.toString()).ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                Tools.tpm2(t, "tpm2_load", "-Q", "-C", prim, "-u", pub, "-r", priv, "-c", key, "-n", keyName.toString()).ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();

                Path att = dir.resolve("c.att"), sig = dir.resolve("c.sig");
                Tools.tpm2(t, "tpm2_certify", "-c", key, "-C", ak.ctx(), "-g", "sha256", "-o", att.toString(), "-s",
                        sig.toString(), "-f", "plain").ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                assertThat(openssl("dgst", "-sha256", "-verify", ak.pem(), "-signature", sig.toString(), att.toString())
                        .ok().out()).contains("Verified OK");
                TpmsAttest c = attest(att);
                assertThat(c.type()).isEqualTo(TpmSt.ATTEST_CERTIFY);
                assertThat(((TpmsCertifyInfo) c.attested()).name()).isEqualTo(Bytes.wrap(Files.readAllBytes(keyName)));
                assertThat(c.qualifiedSigner().size()).isEqualTo(34);

                Tools.tpm2(t, "tpm2_certifycreation", "-C", ak.ctx(), "-c", key, "-d", ch.toString(), "-t", ct.toString(),
                        "-g", "sha256", "-o", sig.toString(), "--attestation", att.toString(), "-f", "plain", "-s", alg[1],
                        "-q", "1122").ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                assertThat(openssl("dgst", "-sha256", "-verify", ak.pem(), "-signature", sig.toString(), att.toString())
                        .ok().out()).contains("Verified OK");
                TpmsAttest cc = attest(att);
                assertThat(cc.type()).isEqualTo(TpmSt.ATTEST_CREATION);
                assertThat(cc.extraData()).isEqualTo(Bytes.fromHex("1122"));
                byte[] tpm2bHash = Files.readAllBytes(ch);                      // the tool writes the TPM2B_DIGEST
                assertThat(((TpmsCreationInfo) cc.attested()).creationHash())
                        .isEqualTo(Bytes.wrap(java.util.Arrays.copyOfRange(tpm2bHash, 2, tpm2bHash.length)));
                // a ticket for another creation hash is refused
                tpm2bHash[2] ^= 1;
                Files.write(ch, tpm2bHash);
                Tools.Run forged = Tools.tpm2(t, "tpm2_certifycreation", "-C", ak.ctx(), "-c", key, "-d", ch.toString(), "-t",
                        ct.toString(), "-g", "sha256", "-o", sig.toString(), "--attestation", att.toString(), "-f", "plain");
                assertThat(forged.outcome()).isEqualTo("0x" + Integer.toHexString(TpmRc.TICKET.atParameter(4).value()));
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();

                Tools.tpm2(t, "tpm2_gettime", "-c", ak.ctx(), "-q", "3344", "-o", sig.toString(), "--attestation",
                        att.toString(), "-f", "plain").ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                assertThat(openssl("dgst", "-sha256", "-verify", ak.pem(), "-signature", sig.toString(), att.toString())
                        .ok().out()).contains("Verified OK");
                TpmsAttest time = attest(att);
                assertThat(time.type()).isEqualTo(TpmSt.ATTEST_TIME);
                assertThat(((TpmsTimeAttestInfo) time.attested()).time().clockInfo().clock()).isEqualTo(time.clockInfo().clock());
                assertThat(time.extraData()).isEqualTo(Bytes.fromHex("3344"));
            }
        }
    }

    /** One measurement of the event log: the PCR and the measured data. */
    private record Event(int pcr, String data) {}

    @Test
    void remoteAttestation_verifierReplaysTheEventLog_checksNonceDigestAndSignature() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-ra");
        List<Event> log = List.of(new Event(0, "firmware 1.2"), new Event(2, "option rom"), new Event(4, "bootloader"),
                new Event(4, "kernel 6.1"), new Event(8, "cmdline root=/dev/sda1"), new Event(4, "initrd"));
        SecureRandom random = new SecureRandom();
        try (JtpmServer server = JtpmServer.started(Protocol.SWTPM)) {
            String t = server.tcti();
            // the attester: measures each event into its PCR (SHA-256 bank)
            for (Event e : log) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(e.data().getBytes());
                Tools.tpm2(t, "tpm2_pcrextend", e.pcr() + ":sha256=" + HEX.formatHex(digest)).ok();
            }
            for (String[] alg : new String[][] {{"rsa", "rsassa", "SHA256withRSA"}, {"ecc", "ecdsa", "SHA256withECDSA"}}) {
                Ak ak = ek(t, dir, alg[0], alg[1]);
                byte[] nonce = new byte[20];
                random.nextBytes(nonce);
                Path msg = dir.resolve("q.msg"), sig = dir.resolve("q.sig");
                Tools.tpm2(t, "tpm2_quote", "-c", ak.ctx(), "-l", "sha256:0,2,4,8", "-q", HEX.formatHex(nonce), "-m",
                        msg.toString(), "-s", sig.toString(), "-f", "plain", "-g", "sha256").ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();

                // the verifier: the AK's public key, the quote message and signature, the event log and its nonce
                PublicKey akKey = publicKey(Path.of(ak.pem()), alg[0]);
                byte[] quoted = Files.readAllBytes(msg);
                assertThat(verify(alg[2], akKey, quoted, Files.readAllBytes(sig))).isTrue();
                TpmsAttest a = TpmCodec.decodeLenient(TpmsAttest.class, quoted);
                assertThat(a.magic()).isEqualTo(TpmsAttest.TPM_GENERATED_VALUE);
                assertThat(a.type()).isEqualTo(TpmSt.ATTEST_QUOTE);
                assertThat(a.extraData()).isEqualTo(Bytes.wrap(nonce));
                TpmsQuoteInfo info = (TpmsQuoteInfo) a.attested();
                assertThat(info.pcrSelect().pcrSelections()).containsExactly(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 2, 4, 8));
                assertThat(info.pcrDigest()).isEqualTo(Bytes.wrap(replay(log, info.pcrSelect().pcrSelections().get(0))));
                // a log with one event left out, or in another order, does not give the quoted digest
                List<Event> tampered = new ArrayList<>(log);
                tampered.remove(3);
                assertThat(info.pcrDigest()).isNotEqualTo(Bytes.wrap(replay(tampered, info.pcrSelect().pcrSelections().get(0))));
                List<Event> reordered = new ArrayList<>(log);
                reordered.set(2, log.get(3));
                reordered.set(3, log.get(2));
                assertThat(info.pcrDigest()).isNotEqualTo(Bytes.wrap(replay(reordered, info.pcrSelect().pcrSelections().get(0))));
                // a quote message with another nonce does not carry this signature
                byte[] replayed = quoted.clone();
                int at = 4 + 2 + 2 + a.qualifiedSigner().size() + 2;
                replayed[at] ^= 1;
                assertThat(verify(alg[2], akKey, replayed, Files.readAllBytes(sig))).isFalse();
            }
        }
    }

    /** The SHA-256 PCR values the event log gives, then the digest of the selected ones (PCRs ascending). */
    private static byte[] replay(List<Event> log, TpmsPcrSelection selection) throws Exception {
        byte[][] pcrs = new byte[24][32];
        for (Event e : log) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(pcrs[e.pcr()]);
            md.update(MessageDigest.getInstance("SHA-256").digest(e.data().getBytes()));
            pcrs[e.pcr()] = md.digest();
        }
        ByteArrayOutputStream selected = new ByteArrayOutputStream();
        for (int pcr = 0; pcr < 24; pcr++) if (selection.isSelected(pcr)) selected.write(pcrs[pcr]);
        return MessageDigest.getInstance("SHA-256").digest(selected.toByteArray());
    }

    private static PublicKey publicKey(Path pem, String alg) throws Exception {
        String b64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(alg.equals("rsa") ? "RSA" : "EC").generatePublic(
                new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    private static boolean verify(String jca, PublicKey key, byte[] data, byte[] signature) throws Exception {
        Signature v = Signature.getInstance(jca);
        v.initVerify(key);
        v.update(data);
        try {
            return v.verify(signature);
        } catch (java.security.SignatureException e) {
            return false;
        }
    }
}
