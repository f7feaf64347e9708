package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** swtpm's single-file ("linear", {@code file://}) backend: layout, placement, keys, locking, --print-states. */
class LinearFileStateStoreTest {
    @TempDir Path dir;

    private static ByteBuffer header(Path f) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** offset, data length, section length of entry {@code e}. */
    private static int[] entry(Path f, int e) throws IOException {
        ByteBuffer b = header(f);
        return new int[] {b.getInt(12 + 12 * e), b.getInt(16 + 12 * e), b.getInt(20 + 12 * e)};
    }

    @Test
    void newFile_isFormattedWithSwtpmsHeader_andModeBits() throws IOException {
        Path f = dir.resolve("state");
        LinearFileStateStore.open(f, 0600, Optional.empty(), true, true).close();
        byte[] b = Files.readAllBytes(f);
        assertThat(b).hasSize(192);
        assertThat(new String(b, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("nilmptws"); // "swtpmlin", little-endian
        assertThat(b[8]).isEqualTo((byte) 1);
        assertThat(header(f).getShort(10)).isEqualTo((short) 192);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    }

    @Test
    void states_goInPowerOfTwoSections_andARemovedOneMovesItsFollowersDown() throws IOException {
        Path f = dir.resolve("state");
        try (LinearFileStateStore s = LinearFileStateStore.open(f, 0640, Optional.empty(), true, true)) {
            s.store(StateKind.PERMANENT, new byte[1000]);
            s.store(StateKind.VOLATILE, new byte[3000]);
            int[] perm = entry(f, 0), vol = entry(f, 1);
            assertThat(perm[0]).isEqualTo(192);
            assertThat(perm[2]).isEqualTo(Integer.highestOneBit(perm[1]) * 2);
            assertThat(vol[0]).isEqualTo(192 + perm[2]);
            assertThat(Files.size(f)).isEqualTo(192L + perm[2] + vol[2]);
            // a permanent state that outgrows its section moves after the volatile state, which moves down
            s.store(StateKind.PERMANENT, new byte[5000]);
            assertThat(entry(f, 1)[0]).isEqualTo(192);
            assertThat(entry(f, 0)[0]).isEqualTo(192 + vol[2]);
            s.delete(StateKind.VOLATILE);
            assertThat(entry(f, 1)).containsExactly(0, 0, 0);
            assertThat(entry(f, 0)[0]).isEqualTo(192);
            assertThat(s.load(StateKind.PERMANENT)).hasSize(5000);
            assertThat(s.load(StateKind.VOLATILE)).isNull();
        }
        try (LinearFileStateStore s = LinearFileStateStore.open(f, 0640, Optional.empty(), true, true)) {
            assertThat(s.load(StateKind.PERMANENT)).hasSize(5000);
        }
        assertThat(LinearFileStateStore.statesJson(f)).startsWith("{ \"type\": \"swtpm\", \"states\": [ {\"name\": \"permall\", \"size\": ")
                .endsWith("} ] }");
    }

    @Test
    void wrongKey_showsAtVerify_whenNotCheckedAtOpen_andChangesNothing() throws IOException {
        Path f = dir.resolve("state");
        Path k1 = Files.writeString(dir.resolve("k1"), "one"), k2 = Files.writeString(dir.resolve("k2"), "two");
        try (LinearFileStateStore s = LinearFileStateStore.open(f, 0640,
                Optional.of(StateKey.parse("pwdfile=" + k1, StateKey.FdOpener.PROC_SELF)), true, true)) {
            s.store(StateKind.PERMANENT, new byte[] {1, 2, 3});
        }
        byte[] before = Files.readAllBytes(f);
        Optional<StateKey> wrong = Optional.of(StateKey.parse("pwdfile=" + k2, StateKey.FdOpener.PROC_SELF));
        assertThatThrownBy(() -> LinearFileStateStore.open(f, 0640, wrong, true, true)).isInstanceOf(StateKeyException.class)
                .hasMessageContaining("HMAC mismatch");
        try (LinearFileStateStore s = LinearFileStateStore.open(f, 0640, wrong, true, false)) {
            assertThatThrownBy(s::verify).isInstanceOf(StateKeyException.class);
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
    }

    @Test
    void secondOpen_isRefusedWhileTheFirstHoldsTheLock() throws IOException {
        Path f = dir.resolve("state");
        try (LinearFileStateStore s = LinearFileStateStore.open(f, 0640, Optional.empty(), true, true)) {
            assertThatThrownBy(() -> LinearFileStateStore.open(f, 0640, Optional.empty(), true, true))
                    .isInstanceOf(StateLockedException.class);
        }
    }

    @Test
    void aFileOfAnotherFormat_isRefused_andLeftAlone() throws IOException {
        Path f = Files.writeString(dir.resolve("state"), "not a state file at all");
        assertThatThrownBy(() -> LinearFileStateStore.open(f, 0640, Optional.empty(), true, true))
                .hasMessageContaining("no \"swtpmlin\" magic");
        assertThat(Files.readString(f)).isEqualTo("not a state file at all");
    }

    @Test
    void printStates_ofAMissingFile_formatsIt_asSwtpmDoes() throws IOException {
        Path f = dir.resolve("new.state");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int rc = SwtpmSocket.run(java.util.List.of("--tpm2", "--print-states", "--tpmstate", "backend-uri=file://" + f),
                java.util.Map.of(), new java.io.PrintStream(out, true, StandardCharsets.UTF_8), System.err, null);
        assertThat(rc).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{ \"type\": \"swtpm\", \"states\": [] }\n");
        assertThat(Files.size(f)).as("swtpm_setup unlinks it next").isEqualTo(192);
    }
}
