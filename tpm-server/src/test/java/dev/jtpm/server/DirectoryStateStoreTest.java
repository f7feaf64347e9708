package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.wire.StateBlob;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStateStoreTest {
    @TempDir Path dir;

    @Test
    void store_writesSwtpmNamedFileInBlobHeader_mode0640_noTempLeft() throws Exception {
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, DirectoryStateStore.DEFAULT_MODE)) {
            s.store(StateKind.PERMANENT, new byte[] {1, 2, 3});
            Path f = dir.resolve("tpm2-00.permall");
            assertThat(Files.readAllBytes(f)).isEqualTo(StateBlob.plainFile(new byte[] {1, 2, 3}).encode());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
            assertThat(dir.resolve("TMP2-00.permall")).doesNotExist();
            assertThat(s.load(StateKind.PERMANENT)).containsExactly(1, 2, 3);
            assertThat(s.load(StateKind.VOLATILE)).isNull();
            s.store(StateKind.VOLATILE, new byte[] {4});
            assertThat(dir.resolve("tpm2-00.volatilestate")).exists();
            s.delete(StateKind.VOLATILE);
            s.delete(StateKind.VOLATILE);
            assertThat(s.load(StateKind.VOLATILE)).isNull();
        }
        assertThat(dir.resolve(".lock")).exists();
    }

    @Test
    void modeOption_isApplied() throws Exception {
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0600)) {
            s.store(StateKind.PERMANENT, new byte[] {1});
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tpm2-00.permall"))))
                .isEqualTo("rw-------");
    }

    @Test
    void secondOpen_isRefusedWhileTheFirstHoldsTheLock() throws Exception {
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0640)) {
            assertThatThrownBy(() -> DirectoryStateStore.open(dir, 0640)).isInstanceOf(StateLockedException.class)
                    .hasMessageContaining(".lock");
        }
        DirectoryStateStore.open(dir, 0640).close();
    }

    @Test
    void corruptFile_isRefusedAtOpen_andTheLockIsReleased() throws Exception {
        Files.write(dir.resolve("tpm2-00.permall"), new byte[] {2, 1, 0, 10, 0, 0, 0, 0, 0, 99});
        assertThatThrownBy(() -> DirectoryStateStore.open(dir, 0640)).isInstanceOf(StateKeyException.class)
                .hasMessageEndingWith("tpm2-00.permall: state blob totlen 99 but 10 octets");
        DirectoryStateStore.open(dir, 0640, java.util.Optional.empty(), false).close();
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0640, java.util.Optional.empty(), false)) {
            assertThat(s.lock(0)).as("the failed open gave the lock back").isTrue();
            assertThatThrownBy(() -> s.load(StateKind.PERMANENT)).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void withAKey_everyFileIsWrittenEncrypted_andOpenChecksTheKey() throws Exception {
        dev.jtpm.wire.StateKey key = dev.jtpm.wire.StateKey.of(new byte[32]);
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0600, java.util.Optional.of(key), true)) {
            for (StateKind k : StateKind.values()) s.store(k, new byte[] {(byte) k.ordinal(), 7});
            assertThat(s.fileKey()).contains(key);
        }
        for (StateKind k : StateKind.values()) {
            byte[] f = Files.readAllBytes(dir.resolve("tpm2-00." + k.fileSuffix()));
            assertThat(f[5]).as(k + " flags").isEqualTo((byte) 0x09);
            assertThat(StateBlob.decodeFile(f, java.util.Optional.of(key))).containsExactly(k.ordinal(), 7);
        }
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0600, java.util.Optional.of(key), true)) {
            assertThat(s.load(StateKind.VOLATILE)).containsExactly(StateKind.VOLATILE.ordinal(), 7);
        }
        assertThatThrownBy(() -> DirectoryStateStore.open(dir, 0600, java.util.Optional.empty(), true))
                .isInstanceOf(StateKeyException.class).hasMessageContaining("state is encrypted but no key was given");
        assertThatThrownBy(() -> DirectoryStateStore.open(dir, 0600,
                java.util.Optional.of(dev.jtpm.wire.StateKey.of(new byte[16])), true))
                .isInstanceOf(StateKeyException.class).hasMessageContaining("needs a 256-bit key");
    }

    @Test
    void releasedLock_refusesWrites_untilTakenAgain() throws Exception {
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0640)) {
            s.unlock();
            assertThat(s.isLocked()).isFalse();
            try (DirectoryStateStore other = DirectoryStateStore.open(dir, 0640)) {
                assertThat(s.lock(0)).as("the other holds it").isFalse();
            }
            assertThatThrownBy(() -> s.store(StateKind.PERMANENT, new byte[] {1})).hasMessageContaining("released");
            assertThat(s.lock(3)).isTrue();
            s.store(StateKind.PERMANENT, new byte[] {1});
        }
    }

    @Test
    void sigkillDuringWrites_neverLeavesAnUnloadableState() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        for (int round = 0; round < 5; round++) {
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    StoreWriterMain.class.getName(), dir.toString()).redirectErrorStream(true).start();
            int written = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                int target = 20 + round * 37;
                while ((line = r.readLine()) != null) {
                    written = Integer.parseInt(line.trim());
                    if (written >= target) break;
                }
                p.destroyForcibly(); // SIGKILL while the loop keeps writing
                p.waitFor();
            }
            assertThat(written).as("child output").isPositive();
            try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0640)) {
                byte[] blob = s.load(StateKind.PERMANENT);
                assertThat(blob).isNotNull();
                int i = (blob[0] & 0xff) << 8 | blob[blob.length - 1] & 0xff;
                assertThat(blob).as("a whole blob of one write").hasSize(1000 + (i % 7) * 5000);
                for (int k = 1; k < blob.length; k++) assertThat(blob[k]).isEqualTo(blob[blob.length - 1]);
            }
        }
    }
}
