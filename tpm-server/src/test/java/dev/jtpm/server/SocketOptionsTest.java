package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketOptionsTest {
    static SocketOptions parse(String... args) throws OptionException {
        return SocketOptions.parse(List.of(args), Map.of());
    }

    @Test
    void fullSwtpmCommandLine_isUnderstood() throws OptionException {
        SocketOptions o = parse("--tpm2", "--server", "type=tcp,port=2321,bindaddr=0.0.0.0,disconnect",
                "--ctrl=type=unixio,path=/run/x.sock,mode=0600,terminate", "--tpmstate", "dir=/var/x,mode=0600",
                "--flags", "not-need-init,startup-clear,disable-auto-shutdown", "--pid", "file=/run/x.pid",
                "--log", "file=/tmp/l,level=20", "--locality", "reject-locality-4", "-t");
        assertThat(o.data()).isEqualTo(new ChannelSpec.Tcp("0.0.0.0", 2321, true));
        assertThat(o.ctrl()).isEqualTo(new ChannelSpec.UnixIo(Path.of("/run/x.sock"), 0600));
        assertThat(o.ctrlTerminate()).isTrue();
        assertThat(o.stateDir()).isEqualTo(Path.of("/var/x"));
        assertThat(o.stateMode()).isEqualTo(0600);
        assertThat(o.flags()).isEqualTo(new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, true));
        assertThat(o.pidFile()).isEqualTo(Path.of("/run/x.pid"));
        assertThat(o.logLevel()).isEqualTo(20);
        assertThat(o.rejectLocality4()).isTrue();
        assertThat(o.terminate()).isTrue();
    }

    @Test
    void libvirtsEncryptionAndMigrationOptions_areKeptForStartUp() throws OptionException {
        SocketOptions o = parse("--tpm2", "--ctrl", "type=unixio,path=/run/x.sock,mode=0600", "--tpmstate",
                "backend-uri=dir:///var/x,mode=0600", "--key", "pwdfd=5,mode=aes-256-cbc", "--migration-key",
                "pwdfd=6,mode=aes-256-cbc", "--migration", "release-lock-outgoing,incoming", "--pid", "fd=7",
                "--runas", "tss");
        assertThat(o.stateDir()).isEqualTo(Path.of("/var/x"));
        assertThat(o.key()).isEqualTo("pwdfd=5,mode=aes-256-cbc");
        assertThat(o.migrationKey()).isEqualTo("pwdfd=6,mode=aes-256-cbc");
        assertThat(o.incomingMigration()).isTrue();
        assertThat(o.releaseLockOutgoing()).isTrue();
        assertThat(o.pidFd()).isEqualTo(7);
        assertThat(o.pidFile()).isNull();
        assertThat(o.runas()).isEqualTo("tss");
        assertThat(o.daemon()).isFalse();
        assertThat(parse("--tpm2", "-d", "--ctrl", "type=unixio,path=/x", "--tpmstate", "dir=/y").daemon()).isTrue();
    }

    @Test
    void badHygieneOptions_areOneLineErrors() {
        assertThatThrownBy(() -> parse("--tpm2", "--ctrl", "type=unixio,path=/x", "--tpmstate", "dir=/y", "--migration", "outgoing"))
                .hasMessage("--migration: unknown parameter 'outgoing'");
        assertThatThrownBy(() -> parse("--tpm2", "--ctrl", "type=unixio,path=/x", "--tpmstate", "dir=/y", "--pid", "file=/a,fd=4"))
                .hasMessage("--pid: give file=<path> or fd=<fd>");
        assertThatThrownBy(() -> parse("--tpm2", "--ctrl", "type=unixio,path=/x", "--tpmstate", "backend-uri=file:///f"))
                .hasMessage("--tpmstate: backend-uri 'file:///f' is not supported: jtpm has dir:// built in, and postgresql://"
                        + " with the jtpm-fleet module on the class path");
        assertThatThrownBy(() -> parse("--tpm2", "--ctrl", "type=unixio,path=/x", "--tpmstate", "dir=/y,name=vm1"))
                .hasMessage("--tpmstate: name= goes with a backend-uri other than dir://");
        assertThatThrownBy(() -> parse("--tpm2", "-d", "--ctrl", "type=unixio,path=/x", "--tpmstate", "dir=/y", "--key", "pwdfd=5"))
                .hasMessageStartingWith("--daemon: jtpm re-executes itself");
        assertThatThrownBy(() -> parse("--tpm2", "--daemon", "--server", "type=tcp,fd=5", "--tpmstate", "dir=/y"))
                .hasMessageStartingWith("--daemon:");
    }

    @Test
    void legacyPort_meansTcpWithDisconnect_andTpmPathComesFromTheEnvironment() throws OptionException {
        SocketOptions o = SocketOptions.parse(List.of("--tpm2", "-p", "2321"), Map.of("TPM_PATH", "/s"));
        assertThat(o.data()).isEqualTo(new ChannelSpec.Tcp("127.0.0.1", 2321, true));
        assertThat(o.stateDir()).isEqualTo(Path.of("/s"));
        assertThat(o.stateMode()).isEqualTo(0640);
    }

    @Test
    void inheritedDescriptors_asSwtpmSetupAndQemuWrappersPassThem() throws OptionException {
        SocketOptions o = parse("--tpm2", "--server", "type=tcp,fd=5", "--ctrl", "type=unixio,clientfd=6", "--tpmstate", "dir=/s");
        assertThat(o.data()).isEqualTo(new ChannelSpec.Fd(5));
        assertThat(o.ctrl()).isEqualTo(new ChannelSpec.Fd(6));
        assertThat(o.ctrlTerminate()).isTrue();
        SocketOptions f = parse("--tpm2", "--fd=7", "--tpmstate", "dir=/s");
        assertThat(f.data()).isEqualTo(new ChannelSpec.Fd(7));
        assertThat(f.terminate()).as("--fd implies --terminate").isTrue();
        assertThatThrownBy(() -> parse("--tpm2", "--fd", "1", "--tpmstate", "dir=/s")).hasMessageContaining("bad file descriptor");
        assertThatThrownBy(() -> parse("--tpm2", "--fd", "5", "-p", "1", "--tpmstate", "dir=/s")).hasMessageContaining("only one");
    }

    @Test
    void startupFlags_implyNotNeedInit() throws OptionException {
        assertThat(SocketOptions.parseFlags("startup-state").initAtStart()).isTrue();
        assertThat(SocketOptions.parseFlags("startup-none").initAtStart()).isFalse();
        assertThat(SocketOptions.parseFlags(null)).isEqualTo(SwtpmFlags.DEFAULT);
    }

    @Test
    void badOptions_areOneLineErrors() {
        assertThatThrownBy(() -> parse("--server", "type=mssim,port=1", "--tpmstate", "dir=/x")).hasMessage("type=mssim needs --tpm2");
        assertThatThrownBy(() -> parse("--tpm2", "--server", "type=tcp,port=99999", "--tpmstate", "dir=/x")).hasMessageContaining("bad port");
        assertThatThrownBy(() -> parse("--tpm2", "--server", "type=tcp,bogus=1", "--tpmstate", "dir=/x")).hasMessageContaining("unknown parameter 'bogus'");
        assertThatThrownBy(() -> parse("--tpm2", "--server", "type=foo", "--tpmstate", "dir=/x")).hasMessageContaining("unsupported type");
        assertThatThrownBy(() -> parse("--tpm2", "--server", "type=unixio", "--tpmstate", "dir=/x")).hasMessageContaining("missing path=");
        assertThatThrownBy(() -> parse("--tpm2", "--ctrl", "type=tcp", "--tpmstate", "dir=/x")).hasMessageContaining("missing port=");
        assertThatThrownBy(() -> parse("--tpm2", "--server", "port=1")).hasMessageContaining("--tpmstate");
        assertThatThrownBy(() -> parse("--tpm2", "--server", "port=1", "--tpmstate", "dir=/x,mode=999")).hasMessageContaining("bad mode");
        assertThatThrownBy(() -> parse("--tpm2", "--tpmstate", "dir=/x")).hasMessageContaining("data channel");
        assertThatThrownBy(() -> parse("--tpm2", "--frobnicate")).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> parse("--tpm2", "--server")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> parse("--tpm2", "--chroot", "/x", "--server", "port=1")).hasMessageContaining("not supported");
        assertThatThrownBy(() -> parse("--tpm2", "--server", "port=1", "--tpmstate", "dir=/x", "--flags", "startup-clear,startup-state")).hasMessageContaining("only one");
    }

    @Test
    void run_badOption_printsOneLineAndFails() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = SwtpmSocket.run(List.of("--server", "type=mssim,port=1"), Map.of(), System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8), null);
        assertThat(rc).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("jtpm socket: type=mssim needs --tpm2\n");
    }

    @Test
    void printCapabilities_isSwtpmShapedJson() {
        assertThat(SwtpmSocket.capabilitiesJson()).startsWith("{ \"type\": \"swtpm\", \"features\": [ \"tpm-1.2\", \"tpm-2.0\", ")
                .endsWith("\"version\": \"" + SwtpmSocket.VERSION + "\" }").contains("\"flags-opt-startup\"");
    }
}
