package dev.jtpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jtpm eve-ptpm, eve-run and seal-key as processes: bad options are one line and a non-zero exit. */
class EveCommandsTest {
    @TempDir Path dir;

    @Test
    void evePtpm_badOptions_oneLine() throws Exception {
        JtpmProcess.Result r = JtpmProcess.run("eve-ptpm", "--tcti", "tpm:/dev/tpm0");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("jtpm eve-ptpm: --tcti: unknown backend 'tpm'").hasLineCount(1);
        r = JtpmProcess.run("eve-ptpm", "--tcti", "device:" + dir.resolve("tpmrm9"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jtpm eve-ptpm: --tcti: no device " + dir.resolve("tpmrm9") + "\n");
        r = JtpmProcess.run("eve-ptpm", "--listen", "nowhere", "--tcti", "in-process");
        assertThat(r.err()).isEqualTo("jtpm eve-ptpm: --listen: expected HOST:PORT, not 'nowhere'\n");
        r = JtpmProcess.run("eve-ptpm", "--tcti", "swtpm:path=/a,ctrl-path=/b", "--work-dir", dir.resolve("work").toString());
        assertThat(r.err()).startsWith("jtpm eve-ptpm: --tcti: tpm2-tools' swtpm TCTI reaches a swtpm over TCP only");
        assertThat(dir.resolve("work")).isEmptyDirectory(); // a given root is kept (empty); a private one is removed
    }

    @Test
    void eveRun_usage_andNoServer() throws Exception {
        JtpmProcess.Result r = JtpmProcess.run("eve-run");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEqualTo("Usage: eve_run tpm_command [args]\n");
        r = JtpmProcess.run("eve-run", "--server", "127.0.0.1:1", "tpm2_getcap", "-c", "algorithms");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("Failed to send request: ").hasLineCount(1);
    }

    @Test
    void sealKey_badPcrs_oneLine() throws Exception {
        JtpmProcess.Result r = JtpmProcess.run("seal-key", "--tcti", "in-process", "--pcrs", "md5:1", "--out", dir.resolve("k").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jtpm seal-key: --pcrs: expected BANK:N,N (sha1, sha256, sha384, sha512), not 'md5:1'\n");
    }
}
