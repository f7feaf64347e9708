package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A remote-attestation round trip as a verifier (Keylime, EVE's controller) runs it, with tpm2-tools on the
 * TPM's side and the verifier's steps done offline: the TPM makes an EK and an AK under it; the verifier makes a
 * credential for the AK's Name against the EK's public key without any TPM (`tpm2_makecredential -T none`); the
 * TPM activates it (the EK's PolicySecret on the endorsement hierarchy) and so proves the AK lives beside the EK;
 * the TPM quotes PCRs 0–7 and 16 over the verifier's nonce after a series of measured events; the verifier checks
 * the quote (`tpm2_checkquote`: signature, nonce, PCR digest) against the PCR values it replays from its own event
 * list. RSA and ECC.
 */
class RemoteAttestationInteropTest {

    private static void roundTrip(String alg) throws Exception {
        Path dir = Files.createTempDirectory("jtpm-attest-" + alg);
        String t;
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            t = s.tcti();
            java.util.function.Function<String, String> f = n -> dir.resolve(n).toString();
            Tools.tpm2(t, "tpm2_createek", "-c", f.apply("ek.ctx"), "-G", alg, "-u", f.apply("ek.pub")).ok();
            Tools.tpm2(t, "tpm2_createak", "-C", f.apply("ek.ctx"), "-c", f.apply("ak.ctx"), "-G", alg, "-g", "sha256",
                    "-s", alg.equals("rsa") ? "rsassa" : "ecdsa", "-u", f.apply("ak.pub"), "-n", f.apply("ak.name"),
                    "-r", f.apply("ak.priv")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            // the verifier: a credential for the AK's Name, sealed to the EK public key, without a TPM
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Files.write(dir.resolve("secret"), secret);
            Tools.run(java.util.Map.of(), null, "tpm2_makecredential", "-T", "none", "-u", f.apply("ek.pub"), "-s",
                    f.apply("secret"), "-n", HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("ak.name"))),
                    "-o", f.apply("cred")).ok();
            // the TPM: activate it under the EK's policy
            Tools.tpm2(t, "tpm2_startauthsession", "--policy-session", "-S", f.apply("ps.ctx")).ok();
            Tools.tpm2(t, "tpm2_policysecret", "-S", f.apply("ps.ctx"), "-c", "e").ok();
            Tools.tpm2(t, "tpm2_activatecredential", "-c", f.apply("ak.ctx"), "-C", f.apply("ek.ctx"), "-i", f.apply("cred"),
                    "-o", f.apply("recovered"), "-P", "session:" + f.apply("ps.ctx")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", f.apply("ps.ctx")).ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            assertThat(Files.readAllBytes(dir.resolve("recovered"))).isEqualTo(secret);
            // measured events into PCR 16; the verifier keeps the list and replays it
            byte[] pcr16 = new byte[32];
            for (String event : new String[] {"bootloader", "kernel", "initrd", "policy"}) {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(event.getBytes());
                Tools.tpm2(t, "tpm2_pcrextend", "16:sha256=" + HexFormat.of().formatHex(d)).ok();
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                md.update(pcr16);
                md.update(d);
                pcr16 = md.digest();
            }
            String nonce = HexFormat.of().formatHex(secret, 0, 16);
            Tools.tpm2(t, "tpm2_quote", "-c", f.apply("ak.ctx"), "-l", "sha256:0,1,2,3,4,5,6,7,16", "-q", nonce, "-m",
                    f.apply("quote.msg"), "-s", f.apply("quote.sig"), "-o", f.apply("quote.pcrs"), "-g", "sha256").ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            String pcrs = Tools.tpm2(t, "tpm2_pcrread", "sha256:16").ok().out();
            assertThat(pcrs.toLowerCase()).contains(HexFormat.of().formatHex(pcr16));
        }
        // the verifier, offline: the AK public key from the activation, the nonce it chose, the PCR values it got
        Tools.Run ok = Tools.run(java.util.Map.of(), null, "tpm2_checkquote", "-u", dir.resolve("ak.pub").toString(),
                "-m", dir.resolve("quote.msg").toString(), "-s", dir.resolve("quote.sig").toString(), "-f",
                dir.resolve("quote.pcrs").toString(), "-g", "sha256", "-q", HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("secret")), 0, 16));
        assertThat(ok.exit()).as(ok.err()).isZero();
        Tools.Run wrongNonce = Tools.run(java.util.Map.of(), null, "tpm2_checkquote", "-u", dir.resolve("ak.pub").toString(),
                "-m", dir.resolve("quote.msg").toString(), "-s", dir.resolve("quote.sig").toString(), "-f",
                dir.resolve("quote.pcrs").toString(), "-g", "sha256", "-q", "00112233445566778899aabbccddeeff");
        assertThat(wrongNonce.exit()).isNotZero();
    }

    @Test
    void rsaEkAndAk_credentialActivated_quoteVerified() throws Exception { roundTrip("rsa"); }

    @Test
    void eccEkAndAk_credentialActivated_quoteVerified() throws Exception { roundTrip("ecc"); }
}
