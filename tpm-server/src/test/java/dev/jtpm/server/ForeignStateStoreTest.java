package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DirectoryStateStore} with a {@link ForeignStateFormat} on the class path (a test format registered in this
 * module's test resources: payloads "??FRGN…", converted to "jtpm:" + the rest, "??FRGNbad" refused): a recognised
 * file is converted at load, in swtpm's container or without one, plain or encrypted; it is kept as
 * {@code <file>.libtpms} when jtpm first writes or deletes that kind, and not before; a refused one is the one-line
 * error, the file untouched; what no format recognises is what it was (jtpm's own blob, or the error).
 */
class ForeignStateStoreTest {
    @TempDir Path dir;

    /** The test format. */
    public static final class TestFormat implements ForeignStateFormat {
        @Override public String name() { return "test"; }

        @Override
        public boolean recognises(StateKind kind, byte[] payload) {
            return new String(payload, StandardCharsets.ISO_8859_1).startsWith("??FRGN");
        }

        @Override
        public byte[] convert(StateKind kind, byte[] payload, byte[] permanent) throws IOException {
            String s = new String(payload, StandardCharsets.ISO_8859_1).substring(6);
            if (s.equals("bad")) throw new IOException("test state: damaged");
            String with = kind == StateKind.VOLATILE ? " of " + new String(permanent, StandardCharsets.ISO_8859_1) : "";
            return ("jtpm:" + s + with).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    @Test
    void convertsAtLoadAndKeepsTheFileAtTheFirstWrite() throws Exception {
        Path permall = dir.resolve("tpm2-00.permall"), vol = dir.resolve("tpm2-00.volatilestate");
        byte[] foreign = StateBlob.encodeFile(b("??FRGNperm"), Optional.empty());
        Files.write(permall, foreign);
        Files.write(vol, b("??FRGNvol")); // no container: swtpm's version-1 file
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0640, Optional.empty(), true)) {
            assertThat(s.load(StateKind.PERMANENT)).isEqualTo(b("jtpm:perm"));
            assertThat(s.load(StateKind.VOLATILE)).isEqualTo(b("jtpm:vol of jtpm:perm"));
            assertThat(Files.readAllBytes(permall)).isEqualTo(foreign); // reading changes nothing
            s.store(StateKind.PERMANENT, b("jtpm state"));
            assertThat(Files.readAllBytes(dir.resolve("tpm2-00.permall.libtpms"))).isEqualTo(foreign);
            assertThat(s.load(StateKind.PERMANENT)).isEqualTo(b("jtpm state"));
            s.delete(StateKind.VOLATILE);
            assertThat(Files.readAllBytes(dir.resolve("tpm2-00.volatilestate.libtpms"))).isEqualTo(b("??FRGNvol"));
            assertThat(Files.exists(vol)).isFalse();
            s.store(StateKind.PERMANENT, b("jtpm state 2")); // the kept file is kept once
            assertThat(Files.readAllBytes(dir.resolve("tpm2-00.permall.libtpms"))).isEqualTo(foreign);
        }
    }

    @Test
    void aRefusedFileStopsTheOpenAndStaysAsItIs() throws Exception {
        Path permall = dir.resolve("tpm2-00.permall");
        byte[] foreign = StateBlob.encodeFile(b("??FRGNbad"), Optional.empty());
        Files.write(permall, foreign);
        assertThatThrownBy(() -> DirectoryStateStore.open(dir, 0640, Optional.empty(), true))
                .isInstanceOf(IOException.class).hasMessage(permall + ": test state: damaged");
        assertThat(Files.readAllBytes(permall)).isEqualTo(foreign);
        assertThat(Files.exists(dir.resolve("tpm2-00.permall.libtpms"))).isFalse();
    }

    @Test
    void encryptedFilesWithTheKey() throws Exception {
        StateKey key = StateKey.of(new byte[16]);
        Files.write(dir.resolve("tpm2-00.permall"), StateBlob.encodeFile(b("??FRGNperm"), Optional.of(key)));
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0640, Optional.of(key), true)) {
            assertThat(s.load(StateKind.PERMANENT)).isEqualTo(b("jtpm:perm"));
        }
        assertThatThrownBy(() -> DirectoryStateStore.open(dir, 0640, Optional.empty(), true))
                .hasMessageContaining("encrypted");
    }

    @Test
    void whatNoFormatRecognisesIsUnchanged() throws Exception {
        Path permall = dir.resolve("tpm2-00.permall");
        Files.write(permall, StateBlob.encodeFile(b("jtpm's own"), Optional.empty()));
        try (DirectoryStateStore s = DirectoryStateStore.open(dir, 0640, Optional.empty(), true)) {
            assertThat(s.load(StateKind.PERMANENT)).isEqualTo(b("jtpm's own"));
            s.store(StateKind.PERMANENT, b("next"));
        }
        assertThat(Files.exists(dir.resolve("tpm2-00.permall.libtpms"))).isFalse();
        // a file without a container that no format recognises: swtpm's header error, as before
        byte[] junk = Arrays.copyOf(b("not a state at all"), 40);
        Files.write(permall, junk);
        assertThatThrownBy(() -> DirectoryStateStore.open(dir, 0640, Optional.empty(), true))
                .hasMessageContaining("totlen");
        assertThat(Files.readAllBytes(permall)).isEqualTo(junk);
    }
}
