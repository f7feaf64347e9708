package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.tpm12.Tpm12;
import dev.jtpm.wire.Ptm;
import dev.jtpm.wire.StateKey;
import dev.jtpm.wire.TpmHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What swtpm 0.7.1's own test suite observes of the control channel and the state, checked on the controller: a wrong
 * {@code --key} fails CMD_INIT (TPM_RC_FAILURE for a TPM 2.0, the storage's TPM_DECRYPT_ERROR or TPM_BAD_KEY_PROPERTY
 * for a TPM 1.2, as swtpm's _test_save_load_encrypted_state expects) with the files untouched and the controller still
 * serving, and CMD_SET_BUFFERSIZE shows in TPM_PT_MAX_COMMAND_SIZE / TPM_PT_MAX_RESPONSE_SIZE
 * (_test_tpm2_setbuffersize).
 */
class SwtpmSuiteBehaviourTest {
    @TempDir Path dir;
    @TempDir Path keys;

    private static final ServerLog QUIET = ServerLog.NONE;

    private StateKey key(String pass, String mode) throws IOException {
        Path f = Files.writeString(keys.resolve(pass), pass, StandardCharsets.UTF_8);
        return StateKey.parse("--key", "pwdfile=" + f + ",mode=" + mode, StateKey.FdOpener.PROC_SELF);
    }

    /** Makes state with {@code right}, then INITs a controller whose store was opened with {@code wrong} unchecked. */
    private int initWithWrongKey(boolean tpm2, StateKey right, StateKey wrong) throws IOException {
        Function<Platform, dev.jtpm.engine.TpmEngine> engine = tpm2 ? Tpm::new : Tpm12::new;
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0640, Optional.of(right), true, !tpm2)) {
            TpmController c = new TpmController(engine.apply(Platform.of(s)), s, SwtpmFlags.DEFAULT, false, QUIET);
            assertThat(c.init(0)).isEqualTo(Ptm.TPM_SUCCESS);
            c.terminate();
        }
        byte[] before = Files.readAllBytes(dir.resolve(tpm2 ? "tpm2-00.permall" : "tpm-00.permall"));
        int rc;
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0640, Optional.of(wrong), true, !tpm2, false)) {
            TpmController c = new TpmController(engine.apply(Platform.of(s)), s, SwtpmFlags.DEFAULT, false, QUIET);
            rc = c.init(0);
            assertThat(c.isRunning()).isFalse();
            // the controller keeps serving: data commands get the not-running answer, a second INIT fails the same way
            assertThat(TpmHeader.responseCode(c.execute(new byte[10], -1))).isEqualTo(c.tpm().fatalErrorCode());
            assertThat(c.init(0)).isEqualTo(rc);
        }
        assertThat(Files.readAllBytes(dir.resolve(tpm2 ? "tpm2-00.permall" : "tpm-00.permall"))).as("files untouched").isEqualTo(before);
        return rc;
    }

    @Test
    void init_wrongKey_tpm2_failsWithTpmRcFailure_filesUntouched() throws IOException {
        assertThat(initWithWrongKey(true, key("good", "aes-128-cbc"), key("bad", "aes-128-cbc"))).isEqualTo(0x101);
    }

    @Test
    void init_wrongKey_tpm12_failsWithTheStoragesCode() throws IOException {
        assertThat(initWithWrongKey(false, key("good", "aes-128-cbc"), key("bad", "aes-128-cbc")))
                .as("TPM_DECRYPT_ERROR").isEqualTo(0x21);
    }

    @Test
    void init_keyOfOtherSize_tpm12_failsWithBadKeyProperty() throws IOException {
        assertThat(initWithWrongKey(false, key("good", "aes-128-cbc"), key("good", "aes-256-cbc")))
                .as("TPM_BAD_KEY_PROPERTY").isEqualTo(0x28);
    }

    @Test
    void open_withVerification_refusesTheWrongKeyAtOnce() throws IOException {
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0640, Optional.of(key("good", "aes-128-cbc")), true)) {
            s.store(StateKind.PERMANENT, new byte[] {1, 2, 3});
        }
        assertThatThrownBy(() -> DirectoryStateStore.open(dir, 0640, Optional.of(key("bad", "aes-128-cbc")), true))
                .isInstanceOf(StateKeyException.class).hasMessageContaining("HMAC mismatch");
    }

    @Test
    void setBufferSize_isReportedAsMaxCommandAndResponseSize() {
        TpmController c = new TpmController(new Tpm(Platform.of(StateStore.inMemory())), StateStore.inMemory(),
                SwtpmFlags.DEFAULT, false, QUIET);
        assertThat(c.setBufferSize(4000)).isEqualTo(4000);
        assertThat(c.init(0)).isEqualTo(Ptm.TPM_SUCCESS);
        assertThat(TpmHeader.responseCode(c.execute(c.tpm().startupCommand(false), -1))).isZero();
        // TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES, TPM_PT_MAX_COMMAND_SIZE, 2): swtpm's test expects these bytes
        byte[] rsp = c.execute(HexFormat.of().parseHex("8001000000160000017a000000060000011e00000002"), -1);
        assertThat(HexFormat.of().formatHex(rsp))
                .isEqualTo("80010000002300000000010000000600000002" + "0000011e00000fa0" + "0000011f00000fa0");
        assertThat(c.setBufferSize(0)).isEqualTo(4000);
    }

    private static String[] runDevice(SwtpmDevice.Kind kind, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(), err = new java.io.ByteArrayOutputStream();
        int rc = SwtpmDevice.run(kind, java.util.List.of(args), java.util.Map.of(),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(rc), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void chardevAndCuse_printCapabilitiesAndStates_likeSocket() throws IOException {
        assertThat(runDevice(SwtpmDevice.Kind.CHARDEV, "--tpm2", "--print-capabilities"))
                .containsExactly("0", SwtpmSocket.capabilitiesJson(true) + "\n", "");
        assertThat(runDevice(SwtpmDevice.Kind.CHARDEV, "--print-capabilities"))
                .containsExactly("0", SwtpmSocket.capabilitiesJson(false) + "\n", "");
        assertThat(runDevice(SwtpmDevice.Kind.CUSE, "--tpm2", "--print-capabilities"))
                .containsExactly("0", SwtpmSocket.capabilitiesJson(true, true) + "\n", "");
        Files.write(dir.resolve("tpm2-00.permall"), new byte[7]);
        assertThat(runDevice(SwtpmDevice.Kind.CHARDEV, "--tpm2", "--print-states", "--tpmstate", "dir=" + dir))
                .containsExactly("0", "{ \"type\": \"swtpm\", \"states\": [ {\"name\": \"permall\", \"size\": 7} ] }\n", "");
    }
}
