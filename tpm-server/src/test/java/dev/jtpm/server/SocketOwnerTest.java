package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code uid=}, {@code gid=} (swtpm's) and {@code group=} (jtpm's) on a Unix socket's file. */
class SocketOwnerTest {

    @Test
    void optionsAreParsedAndNamesChecked() throws OptionException {
        SocketOptions o = SocketOptions.parse(List.of("--tpm2", "--server", "type=unixio,path=/run/d,mode=0660,group=root",
                "--ctrl", "type=unixio,path=/run/c,uid=0,gid=0", "--tpmstate", "dir=/x"), Map.of());
        assertThat(o.data()).isEqualTo(new ChannelSpec.UnixIo(Path.of("/run/d"), 0660, new SocketOwner(null, "root")));
        assertThat(o.ctrl()).isEqualTo(new ChannelSpec.UnixIo(Path.of("/run/c"), -1, new SocketOwner("0", "0")));
        assertThatThrownBy(() -> SocketOptions.parse(List.of("--tpm2", "--server", "type=unixio,path=/r,group=no-such-group-jtpm",
                "--tpmstate", "dir=/x"), Map.of())).isInstanceOf(OptionException.class).hasMessage("--server: no such group 'no-such-group-jtpm'");
        assertThatThrownBy(() -> SocketOptions.parse(List.of("--tpm2", "--server", "type=unixio,path=/r,gid=0,group=root",
                "--tpmstate", "dir=/x"), Map.of())).isInstanceOf(OptionException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> SocketOptions.parse(List.of("--tpm2", "--server", "type=tcp,port=2321,group=root",
                "--tpmstate", "dir=/x"), Map.of())).isInstanceOf(OptionException.class);
    }

    @Test
    void theSocketFileGetsItsGroupAndModeBeforeItAppears(@TempDir Path dir) throws Exception {
        assumeThat(System.getProperty("user.name")).as("chgrp to another group needs root").isEqualTo("root");
        Path sock = dir.resolve("d.sock");
        try (Listener l = Listener.unix(sock, 0660, new SocketOwner(null, "65534"))) {
            assertThat(Files.getAttribute(sock, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(65534);
            assertThat(Files.getAttribute(sock, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0);
            assertThat(Listener.rwx((Integer) Files.getAttribute(sock, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777)).isEqualTo("rw-rw----");
        }
        Path nat = dir.resolve("n.sock");
        if (Posix.AVAILABLE) {
            try (NativeUnixListener l = NativeUnixListener.bind(nat, 0600, new SocketOwner("65534", null))) {
                assertThat(Files.getAttribute(nat, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(65534);
            }
        }
    }
}
