package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Session files as tpm2-tools uses them: StartAuthSession (HMAC, AES-128-CFB by default),
 * ContextSave into a file, ContextLoad for each tool, parameter encryption both ways, FlushContext.
 */
class SessionInteropTest {

    @Test
    void encryptedHmacSession_fromAFile_authorizesAndEncryptsBothWays() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-session");
        String ctx = dir.resolve("s.ctx").toString();
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            String t = s.tcti();
            Tools.tpm2(t, "tpm2_startauthsession", "--hmac-session", "-S", ctx).ok();
            Tools.tpm2(t, "tpm2_sessionconfig", ctx, "--enable-encrypt", "--enable-decrypt").ok();
            // the response parameter comes back encrypted; tpm2-tss decrypts it
            assertThat(Tools.tpm2(t, "tpm2_getrandom", "-S", ctx, "--hex", "16").ok().out().trim()).hasSize(32);
            // the command parameter (newAuth) goes out encrypted; the TPM must decrypt it to the right value
            Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "-p", "session:" + ctx, "secret").ok();
            assertThat(Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "-p", "wrong", "x").exit()).isNotZero();
            Tools.tpm2(t, "tpm2_changeauth", "-c", "o", "-p", "secret").ok();
            Tools.tpm2(t, "tpm2_flushcontext", ctx).ok();
            // a flushed session's file no longer loads
            assertThat(Tools.tpm2(t, "tpm2_getrandom", "-S", ctx, "--hex", "4").exit()).isNotZero();
        }
    }
}
