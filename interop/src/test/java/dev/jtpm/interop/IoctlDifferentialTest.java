package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.cli.IoctlCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code jtpm ioctl} against Debian's swtpm_ioctl 0.7.1: every option, and the parse errors, run by both tools
 * one after the other against the same server (swtpm, and jtpm), comparing stdout, stderr (the program name aside)
 * and the exit code. Only the help and version text differ (they name the program), and whatever a second
 * {@code -s} finds after the first stopped the server.
 */
class IoctlDifferentialTest {
    @TempDir Path dir;

    record Out(int exit, String out, String err) {}

    private static Out jtpm(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = IoctlCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin));
        return new Out(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Out swtpm(byte[] stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("swtpm_ioctl"));
        cmd.addAll(List.of(args));
        Tools.Run r = Tools.run(Map.of(), stdin, cmd.toArray(String[]::new));
        return new Out(r.exit(), r.out(), r.err().replace("swtpm_ioctl: ", IoctlCommand.PROGRAM + ": "));
    }

    @ParameterizedTest
    @EnumSource(SocketServerProcess.Kind.class)
    void everyOption_sameOutputAndExitCode(SocketServerProcess.Kind kind) throws Exception {
        Tools.require("swtpm_ioctl");
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        byte[] services = new byte[10_000];   // three HASH_DATA chunks from stdin
        Arrays.fill(services, (byte) 'x');
        SoftAssertions soft = new SoftAssertions();
        try (SocketServerProcess server = new SocketServerProcess(kind, state, "not-need-init,startup-clear")) {
            String[] t = {"--tcp", server.ctrl()};
            String perm = dir.resolve("perm.bin").toString(), vol = dir.resolve("vol.bin").toString(),
                    save = dir.resolve("save.bin").toString(), empty = dir.resolve("empty.bin").toString();
            Files.write(Path.of(empty), new byte[0]);
            Object[][] steps = {
                    {"-c"}, {"-e"}, {"-g"}, {"-b", "0"}, {"--info", "1"}, {"--info", "2"}, {"--info", "3"}, {"--info", "0"},
                    {"-l", "3"}, {"-l", "0"}, {"-l", "5"}, {"-r", "3"}, {"-r", "0"}, {"-h", "hello"}, {"-e"},
                    {services, "-h", "-"}, {"-r", "4"}, {"-v"}, {"-C"},
                    {"--save", "permanent", perm}, {"--save", "volatile", vol}, {"--save", "savestate", save},
                    {"--save", "bogus", perm}, {"--save", "volatile", "/nonexistent/x"}, {"-i"},
                    {"--load", "volatile", vol},                                 // running: TPM_BAD_ORDINAL
                    {"--stop"}, {"-e"}, {"-h", "x"}, {"-v"}, {"--save", "volatile", vol},
                    {"-b", "3000"}, {"-b", "1"}, {"-b", "99999"},
                    {"--load", "permanent", "/nonexistent"}, {"--load", "bogus", perm}, {"--load", "savestate", empty},
                    {"--load", "permanent", perm}, {"-i"}, {"-e"}, {"-b", "4096"},
                    {"-c", "-e"}, {"-c", "-c"}, {}, {"-x"}, {"-t"}, {"-r"}, {"-r", "abc"}, {"-l", "-1"}, {"-b", "x"},
                    {"--info", "0xq"}, {"--info", ""}, {"-cap"}, {"-stop"}, {"--c"},
            };
            for (Object[] step : steps) {
                byte[] stdin = step.length > 0 && step[0] instanceof byte[] b ? b : new byte[0];
                List<String> args = new ArrayList<>();
                for (Object o : step) if (o instanceof String s) args.add(s);
                args.addAll(List.of(t));
                String[] a = args.toArray(String[]::new);
                Out ref = swtpm(stdin, a);
                Out got = jtpm(stdin, a);
                if (args.getFirst().equals("-stop") || args.getFirst().equals("--c")) {
                    // a command spelled otherwise: swtpm_ioctl prints its usage and fails, so does jtpm ioctl
                    soft.assertThat(got.exit()).as(String.join(" ", a)).isEqualTo(ref.exit()).isEqualTo(1);
                    soft.assertThat(got.out()).as(String.join(" ", a)).contains("Usage: jtpm ioctl command");
                    continue;
                }
                soft.assertThat(got).as(String.join(" ", a)).isEqualTo(ref);
            }
            // not needing a server
            for (String[] a : new String[][] {{"--save", "volatile"}, {"--save", "volatile", "-c"}, {"-c", "--tcp", ":70000"},
                    {"-c", "--tcp", "localhost:70000"}, {"-c", "--tcp", ":abc"}, {"-c", "--tcp", ":1"}, {"-c", "--unix", "/nonexistent"},
                    {"-c", "--tcp", "127.0.0.1:1", "--unix", "/nonexistent"}, {"-c", "--tcp=" + server.ctrl()}, {"-c"}}) {
                soft.assertThat(jtpm(new byte[0], a)).as(String.join(" ", a)).isEqualTo(swtpm(new byte[0], a));
            }
            soft.assertThat(jtpm(new byte[0], "-c", "/dev/vtpm-none")).as("a missing device")
                    .isEqualTo(swtpm(new byte[0], "-c", "/dev/vtpm-none"));
            soft.assertThat(jtpm(new byte[0], "--help").out()).contains("--lock-storage <n>").contains("--save <type> <file>");
            soft.assertThat(jtpm(new byte[0], "--version")).isEqualTo(jtpm(new byte[0], "-V"));
            // --lock-storage: swtpm 0.7.1 does not know CMD_LOCK_STORAGE (0xa); jtpm holds its lock for its life
            Out lock = jtpm(new byte[0], "--lock-storage", "300", "--tcp", server.ctrl());
            if (kind == SocketServerProcess.Kind.SWTPM) {
                soft.assertThat(lock).isEqualTo(new Out(1, "", "TPM result from PTM_LOCK_STORAGE: 0xa\n"));
            } else {
                soft.assertThat(lock).isEqualTo(new Out(0, "", ""));
            }
            soft.assertThat(jtpm(new byte[0], "-s", "--tcp", server.ctrl())).isEqualTo(new Out(0, "", ""));
            soft.assertThat(server.awaitExit()).isZero();
        }
        soft.assertAll();
    }
}
