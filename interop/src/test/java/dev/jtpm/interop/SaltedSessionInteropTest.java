package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Salted and bound sessions as tpm2-tools makes them (`tpm2_startauthsession -c KEY`: the key both salts
 * and binds the session, and parameter encryption is on), on an RSA and an ECC primary; what crosses the
 * wire is recorded by a relay, so a secret sent under such a session must not appear in it, while the same
 * octets sent as a parameter without a session do.
 */
class SaltedSessionInteropTest {

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    private static void saltedSessionKeepsTheSecretOffTheWire(String keyAlg) throws Exception {
        Tools.require("tpm2_startauthsession");
        Path dir = Files.createTempDirectory("jtpm-salted");
        String primary = dir.resolve("p.ctx").toString(), session = dir.resolve("s.ctx").toString();
        String secret = "wire-secret-" + keyAlg + "-0123456789";
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM); RecordingProxy proxy = new RecordingProxy(s.port())) {
            String t = proxy.tcti();
            Tools.tpm2(t, "tpm2_createprimary", "-C", "o", "-G", keyAlg, "-c", primary).ok();
            Tools.tpm2(t, "tpm2_startauthsession", "--hmac-session", "-c", primary, "-S", session).ok();
            // the new owner authValue travels as the first parameter, encrypted under the salted session
            Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "-p", "session:" + session, secret).ok();
            byte[] wire = proxy.recorded();
            assertThat(contains(wire, secret.getBytes(StandardCharsets.US_ASCII))).as("secret on the wire").isFalse();
            // the TPM decrypted it to the right value: the secret now authorizes the owner, a wrong one does not
            assertThat(Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "-p", "wrong", "x").exit()).isNotZero();
            Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "-p", secret).ok();
            // the relay does see the same octets sent in the clear (TPM2_Hash has no session): the check above can fail
            Path clear = dir.resolve("clear");
            Files.writeString(clear, secret);
            Tools.tpm2(t, "tpm2_hash", "-C", "n", "-g", "sha256", "-o", dir.resolve("digest").toString(), "-t",
                    dir.resolve("ticket").toString(), clear.toString()).ok();
            assertThat(contains(proxy.recorded(), secret.getBytes(StandardCharsets.US_ASCII))).isTrue();
            // the salted session authorizes key creation and use with HMACs keyed by the salt
            String key = dir.resolve("k.ctx").toString();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            Tools.tpm2(t, "tpm2_create", "-C", primary, "-G", "ecc", "-p", "keypass", "-c", key, "-P", "session:" + session).ok();
            Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
            Path msg = dir.resolve("msg");
            Files.writeString(msg, "to be signed");
            Tools.tpm2(t, "tpm2_sign", "-c", key, "-p", "session:" + session + "+keypass", "-o", dir.resolve("sig").toString(),
                    msg.toString()).ok();
            assertThat(Tools.tpm2(t, "tpm2_sign", "-c", key, "-p", "session:" + session + "+wrong", "-o",
                    dir.resolve("sig2").toString(), msg.toString()).exit()).isNotZero();
            Tools.tpm2(t, "tpm2_flushcontext", session).ok();
        }
    }

    @Test
    void saltedSessions_ofEverySessionHash_encryptBothWays() throws Exception {
        Tools.require("tpm2_startauthsession");
        Path dir = Files.createTempDirectory("jtpm-salted");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String t = s.tcti();
            for (String keyAlg : new String[] {"rsa", "ecc"}) {
                String primary = dir.resolve(keyAlg + ".ctx").toString();
                Tools.tpm2(t, "tpm2_createprimary", "-C", "o", "-G", keyAlg, "-c", primary).ok();
                Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                for (String hash : new String[] {"sha1", "sha256", "sha384", "sha512"}) {
                    String session = dir.resolve(keyAlg + hash + ".ctx").toString();
                    Tools.tpm2(t, "tpm2_startauthsession", "--hmac-session", "-g", hash, "-c", primary, "-S", session).ok();
                    Tools.tpm2(t, "tpm2_flushcontext", "-t").ok();
                    // an encrypted response (GetRandom) and an encrypted command parameter (newAuth)
                    assertThat(Tools.tpm2(t, "tpm2_getrandom", "-S", session, "--hex", "16").ok().out().trim()).hasSize(32);
                    Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "-p", "session:" + session, keyAlg + hash).ok();
                    Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "-p", keyAlg + hash).ok();
                    Tools.tpm2(t, "tpm2_flushcontext", session).ok();
                }
            }
        }
    }

    @Test
    void rsaSaltedBoundSession_encryptsParameters_andAuthorizes() throws Exception {
        saltedSessionKeepsTheSecretOffTheWire("rsa");
    }

    @Test
    void eccSaltedBoundSession_encryptsParameters_andAuthorizes() throws Exception {
        saltedSessionKeepsTheSecretOffTheWire("ecc");
    }
}
