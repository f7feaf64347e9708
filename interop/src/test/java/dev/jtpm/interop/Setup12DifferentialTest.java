package dev.jtpm.interop;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.TpmInstance;
import dev.jtpm.tpm12.Ordinal;
import dev.jtpm.tpm12.Tpm12Client;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TPM 1.2 manufacture: swtpm_setup 0.7.1 (without {@code --tpm2}) driving the real swtpm against {@code jtpm setup}
 * with the same options and the same swtpm_setup.conf (swtpm_localca), then each state served by its own TPM 1.2 and
 * looked at as a client: the permanent and volatile flags, the NV index list and each certificate index's
 * TPM_NV_DATA_PUBLIC (but its size), the owner and the SRK usable with the secrets swtpm_setup sets (SHA-1 of the
 * well-known secret; the well-known secret itself refused by both), the certificates behind the TCG header (openssl's
 * text equal but for serial, date, the TPM's identity and the keys; the EK certificate's key is the EK of
 * TPM_OwnerReadInternalPub; openssl verifies jtpm's EK
 * certificate against swtpm's root, the platform certificates' signatures are checked with Bouncy Castle) and the NV lock. And swtpm_setup driving
 * {@code jtpm socket} without {@code --tpm2} as its TPM: the state it leaves is jtpm's and served by jtpm with the same
 * result.
 */
@Timeout(600)
class Setup12DifferentialTest {
    private static final Pattern HEX_LINE = Pattern.compile("^\\s+([0-9a-f]{2}:)*[0-9a-f]{2}:?$");
    private static final int KH_EK = 0x40000006, TPM_AUTHFAIL = 1;

    /** swtpm_setup.conf naming swtpm_localca with its CA in dir/ca. */
    static Path configs(Path dir) throws Exception {
        return SwtpmSetupDrivesJtpmTest.configs(dir);
    }

    static final String[] OPTIONS = {"--create-ek-cert", "--create-platform-cert", "--take-ownership", "--owner-well-known",
            "--srk-well-known", "--lock-nvram", "--vmid", "test"};

    @Test
    void swtpmSetupAndJtpmSetup_manufactureTheSameTpm12() throws Exception {
        Tools.require("swtpm_setup");
        Tools.require("swtpm_localca");
        Path work = Files.createTempDirectory("jtpm-setup12-diff");
        Path conf = configs(work);
        Path swState = Files.createDirectories(work.resolve("swtpm")), jState = Files.createDirectories(work.resolve("jtpm"));
        Tools.run(Map.of(), null, SetupDifferentialTest.concat(new String[] {"swtpm_setup", "--tpm-state", swState.toString(),
                "--config", conf.toString()}, OPTIONS)).ok();
        Tools.Run j = SetupInteropTest.jtpm(SetupDifferentialTest.concat(new String[] {"setup", "--tpm-state", jState.toString(),
                "--config", conf.toString()}, OPTIONS)).ok();
        assertThat(j.out()).contains("Successfully created EK.", "Successfully took ownership of the TPM.",
                "Successfully created NVRAM area for EK certificate.", "Successfully created NVRAM area for Platform certificate.",
                "Successfully locked NVRAM access.", "Successfully authored TPM state.");
        assertThat(jState.resolve("tpm-00.permall")).exists();
        assertThat(jState.resolve("tpm2-00.permall")).doesNotExist();

        int sport = FreePorts.pair();
        Process swtpm = new ProcessBuilder("swtpm", "socket", "--server", "type=tcp,port=" + sport + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + (sport + 1) + ",bindaddr=127.0.0.1", "--flags", "not-need-init",
                "--tpmstate", "dir=" + swState).redirectErrorStream(true).redirectOutput(work.resolve("swtpm.log").toFile()).start();
        TpmInstance jtpm = Tpm12Pair.startJtpm(jState);
        try (var sd = new SwtpmSocketTransport(new Endpoint.Tcp("127.0.0.1", sport), new Endpoint.Tcp("127.0.0.1", sport + 1));
             var jd = new SwtpmSocketTransport(new Endpoint.Tcp("127.0.0.1", jtpm.dataPort()),
                     new Endpoint.Tcp("127.0.0.1", jtpm.ctrlPort()))) {
            SetupDifferentialTest.awaitPorts(sport, swtpm);
            Seen s = look(new Tpm12Client(sd, new Random(1)), work, "s");
            Seen jt = look(new Tpm12Client(jd, new Random(2)), work, "j");
            assertThat(jt.facts()).isEqualTo(s.facts());
            assertThat(s.facts()).containsEntry("owner with the well-known secret", "0x" + Integer.toHexString(TPM_AUTHFAIL))
                    .containsEntry("owner with SHA-1(well-known)", "0x0").containsEntry("seal/unseal", "0x0")
                    .containsEntry("NV list", "1000f000 1000f002").containsEntry("OwnerReadInternalPub(EK)", "0x0")
                    .containsEntry("ek header", "100100 size-ok=true 1002").containsEntry("platform header", "100100 size-ok=true 1002")
                    .containsEntry("ek certificate key is the EK", "true").containsEntry("platform certificate key is the EK", "true")
                    .containsEntry("ek certificate (JDK) key is the EK", "true");
            assertThat(s.facts().get("NV_DefineSpace without auth (locked)")).isNotEqualTo("0x0");
            assertThat(jt.certText().get("ek")).isEqualTo(s.certText().get("ek"));
            assertThat(jt.certText().get("platform")).isEqualTo(s.certText().get("platform"));
            // jtpm's EK certificate chains to swtpm's root through swtpm's signing certificate
            Path ca = work.resolve("ca");
            assertThat(Tools.run(Map.of(), null, "openssl", "verify", "-CAfile", ca.resolve("swtpm-localca-rootca-cert.pem").toString(),
                    "-untrusted", ca.resolve("issuercert.pem").toString(), work.resolve("jek.pem").toString()).ok().out())
                    .contains(": OK");
            // the platform certificates' subjectAltName is no GeneralNames openssl's verify accepts (swtpm's as
            // jtpm's: "invalid certificate"): both signatures checked against the signing certificate instead
            var issuer = new org.bouncycastle.cert.X509CertificateHolder(
                    java.util.Base64.getMimeDecoder().decode(Files.readString(ca.resolve("issuercert.pem"))
                            .replaceAll("-----[A-Z ]+-----", "")));
            var verifier = new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(issuer);
            for (String t : List.of("s", "j")) {
                var cert = new org.bouncycastle.cert.X509CertificateHolder(Files.readAllBytes(work.resolve(t + "platform.der")));
                assertThat(cert.isSignatureValid(verifier)).as(t + " platform").isTrue();
                assertThat(cert.getIssuer()).isEqualTo(issuer.getSubject());
            }
        } finally {
            jtpm.close();
            SetupInteropTest.stop(swtpm);
        }
    }

    @Test
    void swtpmSetupDrivesJtpmSocket_asItsTpm12() throws Exception {
        Tools.require("swtpm_setup");
        Tools.require("swtpm_localca");
        Path work = Files.createTempDirectory("jtpm-setup12-drive");
        Path conf = configs(work);
        Path state = Files.createDirectories(work.resolve("state"));
        Tools.run(Map.of(), null, SetupDifferentialTest.concat(new String[] {"swtpm_setup", "--tpm",
                SwtpmSetupDrivesJtpmTest.launcher(work) + " socket", "--tpm-state", state.toString(), "--config", conf.toString(),
                "--logfile", work.resolve("setup.log").toString()}, OPTIONS)).ok();
        assertThat(Files.readString(work.resolve("setup.log"))).contains("Successfully took ownership of the TPM.",
                "Successfully locked NVRAM access.", "Successfully authored TPM state.");
        assertThat(state.resolve("tpm-00.permall")).exists();
        TpmInstance jtpm = Tpm12Pair.startJtpm(state);
        try (var jd = new SwtpmSocketTransport(new Endpoint.Tcp("127.0.0.1", jtpm.dataPort()),
                new Endpoint.Tcp("127.0.0.1", jtpm.ctrlPort()))) {
            Seen seen = look(new Tpm12Client(jd, new Random(3)), work, "d");
            assertThat(seen.facts()).containsEntry("owner with SHA-1(well-known)", "0x0").containsEntry("seal/unseal", "0x0")
                    .containsEntry("NV list", "1000f000 1000f002");
            assertThat(seen.raw().get("ek")).contains("2.23.133.2.1=id:4A54504D", "Signature Algorithm: sha1WithRSAEncryption",
                    "Subject: \n");
        } finally {
            jtpm.close();
        }
    }

    /** What a client sees: facts to compare, and openssl's masked text of each certificate. */
    record Seen(Map<String, String> facts, Map<String, String> certText, Map<String, String> raw) {}

    private static String rc(Tpm12Client.Response r) { return "0x" + Integer.toHexString(r.rc()); }

    private static byte[] cap(Tpm12Client c, int area, int sub) throws Exception {
        Tpm12Client.Response r = c.send(Ordinal.GetCapability, params(area, 4, sub));
        assertThat(r.ok()).as("GetCapability " + area + "/" + sub).isTrue();
        return r.body();
    }

    private static Seen look(Tpm12Client c, Path work, String tag) throws Exception {
        assertThat(c.send(Ordinal.Startup, params((short) 1)).ok()).isTrue();
        byte[] owner = MessageDigest.getInstance("SHA-1").digest(new byte[20]);
        byte[] srk = owner;
        Map<String, String> f = new LinkedHashMap<>();
        HexFormat hex = HexFormat.of();
        f.put("permanent flags", hex.formatHex(cap(c, 4, 0x108)));
        f.put("volatile flags", hex.formatHex(cap(c, 4, 0x109)));
        Tpm12Client.Response list = c.send(Ordinal.GetCapability, params(0x0D, 0));
        byte[] lb = list.body();
        f.put("NV list", Arrays.stream(hex.formatHex(Arrays.copyOfRange(lb, 4, lb.length)).split("(?<=\\G.{8})"))
                .sorted().collect(Collectors.joining(" ")));
        for (int index : new int[] {0x1000F000, 0x1000F002}) {
            byte[] pub = cap(c, 0x11, index);
            // TPM_NV_DATA_PUBLIC without its dataSize (the certificates' lengths differ)
            f.put("NV_INDEX 0x" + Integer.toHexString(index), hex.formatHex(Arrays.copyOfRange(pub, 4, pub.length - 4)));
        }
        f.put("owner with the well-known secret", rc(c.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], c.oiap(),
                new byte[20], false)));
        f.put("owner with SHA-1(well-known)", rc(c.auth1(Ordinal.GetCapabilityOwner, new byte[0], new byte[0], c.oiap(), owner,
                false)));
        Tpm12Client.Response sealed = c.seal(srk, new byte[20], new byte[0], "manufactured".getBytes());
        f.put("seal/unseal", sealed.ok() ? rc(c.unseal(srk, new byte[20], sealed.body())) : rc(sealed));
        f.put("NV_ReadValue without auth", rc(c.send(Ordinal.NV_ReadValue, params(0x1000F000, 0, 1))));
        byte[] pcrInfoShort = params((short) 3, new byte[3], (byte) 0x1F, new byte[20]);
        byte[] nvPub = params((short) 0x18, 0x1000F004, pcrInfoShort, pcrInfoShort, (short) 0x17, 0, (byte) 0, (byte) 0,
                (byte) 0, 8);
        f.put("NV_DefineSpace without auth (locked)", rc(c.send(Ordinal.NV_DefineSpace, params(nvPub, new byte[20]))));
        Tpm12Client.Response pub = c.auth1(Ordinal.OwnerReadInternalPub, new byte[0], params(KH_EK), c.oiap(), owner, false);
        f.put("OwnerReadInternalPub(EK)", rc(pub));
        RSAPublicKey ek = Tpm12Client.pubkey(pub.body());
        Map<String, String> texts = new LinkedHashMap<>(), raw = new LinkedHashMap<>();
        for (var e : Map.of("ek", 0x1000F000, "platform", 0x1000F002).entrySet()) {
            byte[] nvpub = cap(c, 0x11, e.getValue());
            int size = java.nio.ByteBuffer.wrap(nvpub, nvpub.length - 4, 4).getInt();
            Tpm12Client.Response r = c.auth1(Ordinal.NV_ReadValue, new byte[0], params(e.getValue(), 0, size), c.oiap(), owner, false);
            assertThat(r.ok()).as("NV_ReadValue " + e.getKey()).isTrue();
            byte[] stored = Arrays.copyOfRange(r.body(), 4, r.body().length);
            // TCG_PCCLIENT_STORED_FULL_CERT_HEADER: 0x1001, certType 0, certSize = DER + 2, 0x1002
            f.put(e.getKey() + " header", hex.formatHex(stored, 0, 3) + " size-ok=" + (((stored[3] & 0xff) << 8 | stored[4] & 0xff)
                    == stored.length - 5) + " " + hex.formatHex(stored, 5, 7));
            byte[] der = Arrays.copyOfRange(stored, 7, stored.length);
            Path derFile = Files.write(work.resolve(tag + e.getKey() + ".der"), der);
            Tools.run(Map.of(), null, "openssl", "x509", "-inform", "der", "-in", derFile.toString(), "-out",
                    work.resolve(tag + e.getKey() + ".pem").toString()).ok();
            String text = Tools.run(Map.of(), null, "openssl", "x509", "-inform", "der", "-in", derFile.toString(), "-text",
                    "-noout").ok().out();
            raw.put(e.getKey(), text);
            texts.put(e.getKey(), mask(text) + "\nSAN " + mask(san(der)));
            String modulus = Tools.run(Map.of(), null, "openssl", "x509", "-inform", "der", "-in", derFile.toString(), "-noout",
                    "-modulus").ok().out().strip();
            f.put(e.getKey() + " certificate key is the EK", String.valueOf(modulus.equalsIgnoreCase("Modulus="
                    + hex.formatHex(Tpm12Client.modulus(ek)))));
            if (e.getKey().equals("ek")) {
                X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der));
                f.put("ek certificate (JDK) key is the EK", String.valueOf(x.getPublicKey().equals(ek)));
            }
        }
        return new Seen(f, texts, raw);
    }

    /**
     * openssl's text with what differs by nature masked: hex dumps, serial, date, the TPM's identity; a subjectAltName
     * openssl shows as raw octets (the platform certificate's, whose lengths differ with the identity) is left out
     * (compared as {@link #san}).
     */
    static String mask(String text) {
        boolean[] rawSan = {false};
        return text.lines().filter(l -> !HEX_LINE.matcher(l).matches())
                .filter(l -> {
                    if (l.contains("X509v3 Basic Constraints")) rawSan[0] = false;
                    boolean keep = !rawSan[0];
                    if (l.contains("X509v3 Subject Alternative Name")) rawSan[0] = true;
                    return keep || l.strip().startsWith("DirName:");
                })
                .map(l -> l.replaceAll("Serial Number: .*", "Serial Number: <serial>")
                        .replaceAll("Not Before: .*", "Not Before: <now>")
                        .replace("2.23.133.2.1=id:4A54504D/2.23.133.2.2=jtpm/2.23.133.2.3=id:00010000",
                                "2.23.133.2.1=id:00001014/2.23.133.2.2=swtpm/2.23.133.2.3=id:00740001")
                        .replace("UTF8String(id:4A54504D)", "UTF8String(id:00001014)").replace("UTF8String(jtpm)", "UTF8String(swtpm)")
                        .replace("UTF8String(id:00010000)", "UTF8String(id:00740001)"))
                .collect(Collectors.joining("\n"));
    }

    /** The subjectAltName's structure (Bouncy Castle's dump: types and values, no lengths). */
    static String san(byte[] der) {
        var cert = org.bouncycastle.asn1.x509.Certificate.getInstance(der);
        var ext = cert.getTBSCertificate().getExtensions().getExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName);
        return org.bouncycastle.asn1.util.ASN1Dump.dumpAsString(ext.getParsedValue(), true);
    }
}
