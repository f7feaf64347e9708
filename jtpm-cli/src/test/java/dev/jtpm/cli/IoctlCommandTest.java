package dev.jtpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * jtpm ioctl's command line as swtpm_ioctl 0.7.1 parses it (getopt_long_only): the messages here are the ones
 * swtpm_ioctl prints (checked by running it; IoctlDifferentialTest compares the two against live servers).
 */
class IoctlCommandTest {
    record Out(int exit, String out, String err) {}

    private static Out run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = IoctlCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]));
        return new Out(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Out err(String text) { return new Out(1, "", text); }

    @Test
    void parseErrors_asSwtpmIoctl() {
        assertThat(run()).isEqualTo(err("No valid command.\n"));
        assertThat(run("-c")).isEqualTo(err("Error: Missing device name.\n"));
        assertThat(run("-c", "-e", "--tcp", ":1")).isEqualTo(err("Only one command may be given.\n"));
        assertThat(run("-c", "-c", "--tcp", ":1")).isEqualTo(err("Only one command may be given.\n"));
        assertThat(run("-r")).isEqualTo(err("jtpm ioctl: option '-r' requires an argument\nNo valid command.\n"));
        assertThat(run("-xyz")).isEqualTo(err("jtpm ioctl: unrecognized option '-xyz'\nNo valid command.\n"));
        assertThat(run("-t")).isEqualTo(err("jtpm ioctl: option '-t' is ambiguous; possibilities: '-tpm-device' '-tcp'\nNo valid command.\n"));
        assertThat(run("-r", "abc")).isEqualTo(err("Could not get locality number from abc.\n"));
        assertThat(run("-l", "-1")).isEqualTo(err("Locality outside valid range of [0..4].\n"));
        assertThat(run("-l", "5")).isEqualTo(err("Locality outside valid range of [0..4].\n"));
        assertThat(run("-b", "x")).isEqualTo(err("Could not get buffersize from x.\n"));
        assertThat(run("--lock-storage", "x")).isEqualTo(err("Could not parse lock retries from x.\n"));
        assertThat(run("--info", "0xq")).isEqualTo(err("Cannot parse info flags.\n"));
        assertThat(run("--save", "volatile")).isEqualTo(err("Missing filename argument for --save option\n"));
        assertThat(run("--load", "volatile", "-c")).isEqualTo(err("Missing filename argument for --load option\n"));
        assertThat(run("-c", "--tcp", ":70000")).isEqualTo(err("Port '70000' outside valid range.\n"));
        assertThat(run("-c", "--tcp", "localhost:70000")).isEqualTo(err("Port 'ocalhost:70000' outside valid range.\n"));
        assertThat(run("-c", "--tcp", ":abc")).isEqualTo(err("Invalid port 'abc'\n"));
        assertThat(run("-c", "--tcp", "h:")).isEqualTo(err("Invalid port ''\n"));
        assertThat(run("-c", "/dev/vtpm0")).isEqualTo(err("Unable to open device '/dev/vtpm0'.\n"));
        assertThat(run("-c", "--tpm-device", "/dev/vtpm0")).isEqualTo(err("Unable to open device '/dev/vtpm0'.\n"));
        assertThat(run("-c", "--unix", "/" + "x".repeat(120))).isEqualTo(err("Socket path is too long.\n"));
        assertThat(run("-c", "--unix", "/nonexistent/ctrl")).isEqualTo(err("Connect failed: No such file or directory\n"));
    }

    @Test
    void helpAndVersion_exitZero() {
        Out help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: jtpm ioctl command <device path>").contains("--lock-storage <n>");
        assertThat(run("-he")).isEqualTo(help);   // a unique prefix, as getopt_long_only takes it
        Out version = run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("TPM emulator control tool (jtpm ioctl) version ");
        assertThat(run("-V")).isEqualTo(version);
    }

    @Test
    void numbers_asScanfAndStrtoul() {
        assertThat(IoctlCommand.scanUnsigned(" 12abc")).isEqualTo(12);
        assertThat(IoctlCommand.scanUnsigned("-1")).isEqualTo(0xFFFFFFFFL);
        assertThat(IoctlCommand.scanUnsigned("99999999999999999999999")).isEqualTo(0xFFFFFFFFL);
        assertThat(IoctlCommand.scanUnsigned("x")).isNull();
        assertThat(IoctlCommand.strtoul("0x1f")).isEqualTo(31);
        assertThat(IoctlCommand.strtoul("010")).isEqualTo(8);
        assertThat(IoctlCommand.strtoul("")).isZero();
        assertThat(IoctlCommand.strtoul("3 ")).isNull();
        assertThat(IoctlCommand.strtoul("0x")).isNull();
    }
}
