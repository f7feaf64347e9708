package dev.jtpm.eve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child's environment, output bound and run-time limit, with stand-in tools (shell scripts) in a tools dir. */
class ToolRunnerTest {

    @TempDir Path tools;
    @TempDir Path work;

    private void tool(String name, String script) throws Exception {
        Path p = tools.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void environment_onlyTheTcti_cwdIsWorkDir_stdinEmpty() throws Exception {
        tool("tpm2_getcap", "/usr/bin/env; echo cwd=$(/bin/pwd); /bin/cat; echo end");
        var r = new ToolRunner(tools, "swtpm:host=127.0.0.1,port=2321", Duration.ofSeconds(30), 10236).run("tpm2_getcap", List.of(), work);
        String out = new String(r.output(), StandardCharsets.UTF_8);
        assertThat(r.exitCode()).isZero();
        assertThat(out).contains("TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=2321").contains("cwd=" + work.toRealPath()).endsWith("end\n");
        assertThat(out).doesNotContain("HOME=").doesNotContain("TSS2_").doesNotContain("TPM2TOOLS_TCTI=device");
    }

    @Test
    void stdoutAndStderr_interleaved_exitCodePassed() throws Exception {
        tool("tpm2_hash", "echo one; echo two >&2; exit 3");
        var r = new ToolRunner(tools, "x", Duration.ofSeconds(30), 10236).run("tpm2_hash", List.of(), work);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("one\ntwo\n");
    }

    @Test
    void output_bounded() throws Exception {
        tool("tpm2_getcap", "/usr/bin/head -c 1000000 /dev/zero");
        var r = new ToolRunner(tools, "x", Duration.ofSeconds(30), 100).run("tpm2_getcap", List.of(), work);
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).hasSize(100);
    }

    @Test
    void runTime_bounded_toolAndChildrenKilled() throws Exception {
        tool("tpm2_getcap", "/bin/sleep 600 & /bin/sleep 600");
        var r = new ToolRunner(tools, "x", Duration.ofSeconds(1), 100).run("tpm2_getcap", List.of(), work);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
    }

    @Test
    void missingTool_exitTwo() throws Exception {
        var r = new ToolRunner(tools, "x", Duration.ofSeconds(1), 100).run("tpm2_nothere", List.of(), work);
        assertThat(r.exitCode()).isEqualTo(2);
    }

    @Test
    void timeoutReply_usesReferencePrefix() throws Exception {
        tool("tpm2_getcap", "/bin/sleep 600");
        RequestHandler h = new RequestHandler(new ToolRunner(tools, "x", Duration.ofSeconds(1), 100), work, true, Duration.ofSeconds(5));
        var reply = h.handle(dev.jtpm.eve.proto.EveTPMRequest.newBuilder().setCommand("tpm2_getcap").build(), "127.0.0.1_1");
        assertThat(reply.getResponse().toStringUtf8())
                .isEqualTo("Backend failure while serving the request: Error -1 (the tool ran longer than 1 s and was killed)");
        assertThat(work).isEmptyDirectory();
    }
}
