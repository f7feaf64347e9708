package dev.jtpm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateKeyTest {
    static final HexFormat HEX = HexFormat.of();
    static final String K256 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    static final StateKey.FdOpener NO_FDS = fd -> { throw new java.io.IOException("no fd " + fd); };

    @TempDir Path dir;

    @Test
    void hexKeyFile_withAndWithout0xAndNewline() throws Exception {
        Path f = Files.writeString(dir.resolve("k"), K256 + "\n");
        StateKey k = StateKey.parse("file=" + f + ",mode=aes-256-cbc", NO_FDS);
        assertThat(k.bytes()).isEqualTo(HEX.parseHex(K256));
        Files.writeString(f, "0x" + K256.substring(0, 32));
        assertThat(StateKey.parse("file=" + f, NO_FDS).bytes()).isEqualTo(HEX.parseHex(K256.substring(0, 32)));
        assertThat(StateKey.parse("file=" + f + ",format=hex,mode=aes-cbc", NO_FDS).length()).isEqualTo(16);
    }

    @Test
    void hexKey_mustMatchTheMode() throws Exception {
        Path f = Files.writeString(dir.resolve("k"), K256.substring(0, 32));
        assertThatThrownBy(() -> StateKey.parse("file=" + f + ",mode=aes-256-cbc", NO_FDS))
                .hasMessage("--key: the key has 128 bits but the mode needs 256");
        Files.writeString(f, "zz" + K256.substring(2, 32));
        assertThatThrownBy(() -> StateKey.parse("file=" + f, NO_FDS)).hasMessageContaining("not a hex key");
        Files.writeString(f, K256.substring(0, 30));
        assertThatThrownBy(() -> StateKey.parse("file=" + f, NO_FDS)).hasMessageContaining("not 30");
    }

    @Test
    void binaryKey_fromAnFd() throws Exception {
        byte[] raw = HEX.parseHex(K256);
        StateKey k = StateKey.parse("--migration-key", "fd=7,format=binary,mode=aes-256-cbc",
                fd -> { assertThat(fd).isEqualTo(7); return new ByteArrayInputStream(raw); });
        assertThat(k.bytes()).isEqualTo(raw);
        // swtpm takes a shorter binary key as AES-128 even under aes-256-cbc
        assertThat(StateKey.parse("--key", "fd=7,format=binary,mode=aes-256-cbc",
                fd -> new ByteArrayInputStream(Arrays.copyOf(raw, 16))).length()).isEqualTo(16);
        assertThatThrownBy(() -> StateKey.parse("--key", "fd=7,format=binary",
                fd -> new ByteArrayInputStream(raw))).hasMessageContaining("more than the mode's 16");
    }

    @Test
    void passphrase_pbkdf2AndSha512_asSwtpm() throws Exception {
        byte[] pass = "secret\n".getBytes(StandardCharsets.US_ASCII);
        Path f = Files.write(dir.resolve("pw"), pass);
        StateKey k = StateKey.parse("pwdfile=" + f + ",mode=aes-256-cbc", NO_FDS);
        // independent: the JDK's PBKDF2 (chars = ASCII octets here)
        byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                .generateSecret(new PBEKeySpec("secret\n".toCharArray(), "swtpm".getBytes(), 1000, 256)).getEncoded();
        assertThat(k.bytes()).isEqualTo(expected);
        StateKey s = StateKey.parse("pwdfile=" + f + ",kdf=sha512", NO_FDS);
        assertThat(s.bytes()).isEqualTo(Arrays.copyOf(MessageDigest.getInstance("SHA-512").digest(pass), 16));
        StateKey viaFd = StateKey.parse("--key", "pwdfd=9,mode=aes-256-cbc,kdf=pbkdf2", fd -> new ByteArrayInputStream(pass));
        assertThat(viaFd.bytes()).isEqualTo(expected);
    }

    @Test
    void remove_unlinksTheFile() throws Exception {
        Path f = Files.writeString(dir.resolve("pw"), "passphrase");
        StateKey.parse("pwdfile=" + f + ",remove", NO_FDS);
        assertThat(f).doesNotExist();
        Path g = Files.writeString(dir.resolve("k"), K256.substring(0, 32));
        StateKey.parse("file=" + g + ",remove=false", NO_FDS);
        assertThat(g).exists();
        StateKey.parse("file=" + g + ",remove=true", NO_FDS);
        assertThat(g).doesNotExist();
    }

    @Test
    void badOptions_oneLineEach() throws Exception {
        Path f = Files.writeString(dir.resolve("k"), K256.substring(0, 32));
        assertThatThrownBy(() -> StateKey.parse("mode=aes-256-cbc", NO_FDS))
                .hasMessage("--key: either file=, fd=, pwdfile=, pwdfd= or sealed= is required");
        assertThat(StateKey.parse("file=" + f + ",mode=aes-128-gcm", NO_FDS).gcm()).as("jtpm's GCM mode").isTrue();
        assertThat(StateKey.parse("file=" + f + ",mode=aes-128-cbc", NO_FDS).gcm()).isFalse();
        assertThatThrownBy(() -> StateKey.parse("file=" + f + ",mode=aes-256-gcm", NO_FDS))
                .hasMessage("--key: the key has 128 bits but the mode needs 256");
        assertThatThrownBy(() -> StateKey.parse("file=" + f + ",mode=des", NO_FDS))
                .hasMessageContaining("unknown encryption mode 'des'");
        assertThatThrownBy(() -> StateKey.parse("file=" + f + ",format=base64", NO_FDS))
                .hasMessageContaining("unknown key format");
        assertThatThrownBy(() -> StateKey.parse("pwdfile=" + f + ",kdf=md5", NO_FDS)).hasMessageContaining("unknown kdf");
        assertThatThrownBy(() -> StateKey.parse("file=" + f + ",colour=red", NO_FDS)).hasMessageContaining("unknown parameter");
        assertThatThrownBy(() -> StateKey.parse("file=" + dir.resolve("none"), NO_FDS))
                .hasMessageStartingWith("--key: cannot read the key from");
        assertThatThrownBy(() -> StateKey.parse("fd=x", NO_FDS)).hasMessageContaining("bad file descriptor");
        assertThatThrownBy(() -> StateKey.parse("file=" + f + ",pwdfile=" + f, NO_FDS)).hasMessageContaining("only one");
    }

    @Test
    void toString_isRedacted() throws Exception {
        StateKey k = StateKey.of(HEX.parseHex(K256));
        assertThat(k.toString()).isEqualTo("StateKey[AES-256, redacted]").doesNotContain("0001");
    }

    @Test
    void sealed_tctiTakesTheRest_unsealerGivesTheKey_refusalsOneLine() throws Exception {
        byte[] key = HEX.parseHex(K256);
        String[] seen = new String[2];
        StateKey.Unsealer unsealer = (file, tcti) -> {
            seen[0] = file.toString();
            seen[1] = tcti;
            return key.clone();
        };
        StateKey k = StateKey.parse("--key", "sealed=/v/key.sealed,mode=aes-256-cbc,tcti=swtpm:host=10.0.0.1,port=2321", NO_FDS, unsealer);
        assertThat(k.bytes()).isEqualTo(key);
        assertThat(seen).containsExactly("/v/key.sealed", "swtpm:host=10.0.0.1,port=2321");
        assertThatThrownBy(() -> StateKey.parse("--key", "sealed=/v/k,mode=aes-128-cbc,tcti=device:/dev/tpmrm0", NO_FDS, unsealer))
                .hasMessage("--key: the binary key has 32 octets, more than the mode's 16");
        assertThatThrownBy(() -> StateKey.parse("--key", "sealed=/v/k", NO_FDS, unsealer)).hasMessage("--key: sealed= needs tcti=");
        assertThatThrownBy(() -> StateKey.parse("--key", "file=/v/k,tcti=device:/dev/tpm0", NO_FDS, unsealer))
                .hasMessage("--key: tcti= applies to sealed= only");
        assertThatThrownBy(() -> StateKey.parse("--key", "sealed=/v/k,format=hex,tcti=x", NO_FDS, unsealer))
                .hasMessage("--key: format= does not apply to sealed=");
        assertThatThrownBy(() -> StateKey.parse("--key", "sealed=/v/k,mode=aes-256-cbc,tcti=x", NO_FDS))
                .hasMessage("--key: sealed= is not supported here");
        StateKey.Unsealer refusing = (file, tcti) -> { throw new java.io.IOException("the TPM's PCRs differ"); };
        assertThatThrownBy(() -> StateKey.parse("--key", "sealed=/v/k,mode=aes-256-cbc,tcti=x", NO_FDS, refusing))
                .hasMessage("--key: the TPM's PCRs differ");
    }
}
