package dev.jtpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.wire.TpmHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jtpm command as a process: option errors, lock exclusion, pid file, start, ioctl. */
class CliTest {
    @TempDir Path dir;

    @Test
    void socketMssimWithoutTpm2_failsWithOneLine() throws Exception {
        JtpmProcess.Result r = JtpmProcess.run("socket", "--server", "type=mssim,port=1", "--tpmstate", "dir=" + dir);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).isEqualTo("jtpm socket: type=mssim needs --tpm2\n");
    }

    @Test
    void badOptions_oneLineNoStackTrace() throws Exception {
        for (String[] args : new String[][] {
                {"socket", "--tpm2", "--server", "type=tcp,port=x", "--tpmstate", "dir=" + dir},
                {"socket", "--tpm2", "--bogus"},
                {"ioctl", "--tcp", "127.0.0.1:1"},
                {"ioctl", "-c", "-e"},
                {"nosuchcommand"}}) {
            JtpmProcess.Result r = JtpmProcess.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err()).as(String.join(" ", args)).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void versionHelpAndCapabilities() throws Exception {
        assertThat(JtpmProcess.run("socket", "--version").out()).startsWith("jtpm socket ");
        assertThat(JtpmProcess.run("socket", "--help").out()).contains("--tpmstate");
        assertThat(JtpmProcess.run("socket", "--print-capabilities").out()).startsWith("{ \"type\": \"swtpm\"");
    }

    @Test
    void secondServerOnTheSameState_exitsNonZero_firstCleansUpAtShutdown() throws Exception {
        int port = JtpmProcess.freePortPair();
        Path pid = dir.resolve("jtpm.pid");
        Path state = dir.resolve("state");
        Files.createFile(pid); // as swtpm_setup does (mkstemp), then it watches that inode's size
        Object inode = Files.getAttribute(pid, "unix:ino");
        try (JtpmProcess first = JtpmProcess.start("socket", "--tpm2", "--server", "type=tcp,port=" + port,
                "--ctrl", "type=tcp,port=" + (port + 1), "--tpmstate", "dir=" + state, "--pid", "file=" + pid,
                "--flags", "not-need-init,startup-clear")) {
            for (int i = 0; i < 600 && Files.size(pid) == 0; i++) Thread.sleep(50);
            assertThat(Files.readString(pid).trim()).isEqualTo(Long.toString(first.process.pid()));
            assertThat(Files.getAttribute(pid, "unix:ino")).as("written in place").isEqualTo(inode);
            JtpmProcess.Result second = JtpmProcess.run("socket", "--tpm2", "--server", "type=tcp,port=0",
                    "--ctrl", "type=tcp,port=0", "--tpmstate", "dir=" + state);
            assertThat(second.exitCode()).isNotZero();
            assertThat(second.err()).contains("in use").endsWith("\n").doesNotContain("Exception");
            assertThat(second.err().lines().count()).isEqualTo(1);

            try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
                byte[] rsp = t.execute(HexFormat.of().parseHex("80010000000c0000017b0008"), 0);
                assertThat(TpmHeader.responseCode(rsp)).isZero();
                assertThat(t.ctrl().shutdown()).isZero();
            }
            assertThat(first.waitFor()).isZero();
        }
        assertThat(pid).doesNotExist();
        assertThat(state.resolve("tpm2-00.permall")).exists();
    }

    @Test
    void start_printsHowToReachIt_andIoctlTalksToIt() throws Exception {
        int port = JtpmProcess.freePortPair();
        try (JtpmProcess p = JtpmProcess.start("start", "--state", dir.resolve("s").toString(), "--port", Integer.toString(port))) {
            String line = p.out.readLine();
            assertThat(line).startsWith("jtpm: vTPM ready").endsWith("try: tpm2_getrandom -T swtpm:host=127.0.0.1,port=" + port + " 8");
            JtpmProcess.Result caps = JtpmProcess.run("ioctl", "--tcp", "127.0.0.1:" + (port + 1), "-c");
            assertThat(caps.out()).isEqualTo("ptm capability is 0x1efff\n");
            JtpmProcess.Result info = JtpmProcess.run("ioctl", "--tcp", "127.0.0.1:" + (port + 1), "--info", "2");
            assertThat(info.out()).contains("\"model\":\"jtpm\"");
            JtpmProcess.Result loc = JtpmProcess.run("ioctl", "--tcp", "127.0.0.1:" + (port + 1), "-l", "7");
            assertThat(loc.exitCode()).isEqualTo(1);
            assertThat(JtpmProcess.run("ioctl", "--tcp", "127.0.0.1:" + (port + 1), "-e").out()).isEqualTo("tpmEstablished is 0\n");
            assertThat(JtpmProcess.run("ioctl", "--tcp", "127.0.0.1:" + (port + 1), "-b", "0").out()).startsWith("TPM buffersize: 4096\n");
            assertThat(JtpmProcess.run("ioctl", "--tcp", "127.0.0.1:" + (port + 1), "-s").exitCode()).isZero();
            assertThat(p.waitFor()).isZero();
        }
    }
}
