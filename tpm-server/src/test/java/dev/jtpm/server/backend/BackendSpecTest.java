package dev.jtpm.server.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.server.OptionException;
import dev.jtpm.tss.Endpoint;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendSpecTest {

    private static final byte[] GET_RANDOM_8 = HexFormat.of().parseHex("80010000000c0000017b0008");

    @Test
    void parsesEveryForm() throws Exception {
        assertThat(BackendSpec.parse("--backend", "in-process")).isEqualTo(new BackendSpec.InProcess(Optional.empty(), Optional.empty()));
        assertThat(BackendSpec.parse("--backend", "in-process:/var/x"))
                .isEqualTo(new BackendSpec.InProcess(Optional.of(Path.of("/var/x")), Optional.empty()));
        assertThat(BackendSpec.parse("--backend", "in-process:dir=/d,key=pwdfile=/k"))
                .isEqualTo(new BackendSpec.InProcess(Optional.of(Path.of("/d")), Optional.of("pwdfile=/k")));
        assertThat(BackendSpec.parse("--backend", "swtpm:host=10.0.0.1,port=2400"))
                .isEqualTo(new BackendSpec.Swtpm(new Endpoint.Tcp("10.0.0.1", 2400), new Endpoint.Tcp("10.0.0.1", 2401)));
        assertThat(BackendSpec.parse("--backend", "swtpm:port=2400,ctrl=3000"))
                .isEqualTo(new BackendSpec.Swtpm(new Endpoint.Tcp("127.0.0.1", 2400), new Endpoint.Tcp("127.0.0.1", 3000)));
        assertThat(BackendSpec.parse("--backend", "swtpm:path=/run/d,ctrl-path=/run/c"))
                .isEqualTo(new BackendSpec.Swtpm(new Endpoint.Unix(Path.of("/run/d")), new Endpoint.Unix(Path.of("/run/c"))));
        assertThat(BackendSpec.parse("--backend", "mssim:host=h,port=2321")).isEqualTo(new BackendSpec.Mssim("h", 2321));
        assertThat(BackendSpec.parse("--backend", "device:/dev/tpmrm0")).isEqualTo(new BackendSpec.Device(Path.of("/dev/tpmrm0")));
    }

    @Test
    void refusesBadSpecsWithOneLine() {
        for (String bad : new String[] {"", "tcp:1", "swtpm:port=x", "swtpm:port=0", "swtpm:port=65535", "swtpm:colour=red",
                "swtpm:port=1,port=2", "swtpm:path=/a", "swtpm:path=/a,ctrl-path=/b,port=3", "mssim:port=65535", "device:",
                "in-process:dir=", "in-process:key=x", "swtpm:novalue"}) {
            assertThatThrownBy(() -> BackendSpec.parse("--backend", bad)).as(bad)
                    .isInstanceOf(OptionException.class)
                    .hasMessageStartingWith("--backend")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void inProcessAnswersAndKeepsItsDirectoryLocked(@TempDir Path dir) throws Exception {
        BackendSpec spec = BackendSpec.parse("--backend", "in-process:" + dir);
        try (Backend b = spec.open()) {
            byte[] rsp = b.execute(GET_RANDOM_8, 0);
            assertThat(HexFormat.of().formatHex(rsp, 6, 10)).as("GetRandom after the implicit Startup(CLEAR)").isEqualTo("00000000");
            assertThat(rsp).hasSize(10 + 2 + 8);
            assertThatThrownBy(() -> spec.open().close()).as("a second owner of the same state").isInstanceOf(Exception.class);
        }
        try (Backend again = spec.open()) {
            assertThat(again.describe()).isEqualTo("in-process:" + dir);
        }
    }
}
