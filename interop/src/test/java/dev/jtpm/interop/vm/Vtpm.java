package dev.jtpm.interop.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A vTPM process for QEMU's {@code tpm-emulator} backend, started with the command line libvirt 9 uses
 * ({@code swtpm socket --ctrl type=unixio,path=…,mode=0600 --tpmstate dir=…,mode=0600 --log file=…,level=20
 * --terminate --tpm2}; without {@code --tpm2} for a TPM 1.2): jtpm through the {@code swtpm} launcher of {@code jtpm install}, or the real swtpm as the
 * reference. It exits when QEMU closes the control channel.
 */
final class Vtpm implements AutoCloseable {
    enum Kind {
        JTPM, SWTPM;

        Path program() {
            return this == JTPM ? VmHost.installBin().resolve("swtpm") : VmHost.which("swtpm");
        }
    }

    final Kind kind;
    final Path stateDir;
    final Path ctrl;
    final Path log;
    /** Nanoseconds from the process start until its control socket listened. */
    final long startNanos;
    private final Process process;

    private Vtpm(Kind kind, Path stateDir, Path ctrl, Path log, Process process, long startNanos) {
        this.kind = kind;
        this.stateDir = stateDir;
        this.ctrl = ctrl;
        this.log = log;
        this.process = process;
        this.startNanos = startNanos;
    }

    /** Starts a vTPM on {@code stateDir} (made if missing) with its control socket and log in {@code runDir}. */
    static Vtpm start(Kind kind, Path stateDir, Path runDir) {
        return start(kind, stateDir, runDir, true);
    }

    /** {@link #start(Kind, Path, Path)} of a TPM 2.0 ({@code --tpm2}) or, with {@code tpm2} false, of a TPM 1.2. */
    static Vtpm start(Kind kind, Path stateDir, Path runDir, boolean tpm2) {
        try {
            Files.createDirectories(stateDir);
            String name = kind.name().toLowerCase() + "-" + System.nanoTime();
            Path ctrl = runDir.resolve(name + ".sock");
            Path log = runDir.resolve(name + ".log");
            long t0 = System.nanoTime();
            List<String> cmd = new java.util.ArrayList<>(List.of(kind.program().toString(), "socket",
                    "--ctrl", "type=unixio,path=" + ctrl + ",mode=0600",
                    "--tpmstate", "dir=" + stateDir + ",mode=0600",
                    "--log", "file=" + log + ",level=20",
                    "--terminate"));
            if (tpm2) cmd.add("--tpm2");
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            // Ready when the socket listens (libvirt waits the same way, for the socket file). Connecting to test it
            // would end the TPM: --terminate exits when the control connection closes.
            // jtpm's socket file appears only once it listens (bound under a private name, then renamed)
            while (kind == Kind.JTPM ? !Files.exists(ctrl) : !listening(ctrl)) {
                if (!p.isAlive()) throw new IllegalStateException(kind + " exited with " + p.exitValue() + ": " + Files.readString(log));
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(120)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(kind + " did not listen on " + ctrl + " within 120 s");
                }
                Thread.sleep(5);
            }
            return new Vtpm(kind, stateDir, ctrl, log, p, System.nanoTime() - t0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether a Unix socket at {@code path} is listening (/proc/net/unix: flags __SO_ACCEPTCON). */
    static boolean listening(Path path) throws IOException {
        String suffix = " " + path;
        for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
            if (!line.endsWith(suffix)) continue;
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && (Integer.parseInt(f[3], 16) & 0x10000) != 0) return true;
        }
        return false;
    }

    boolean isAlive() { return process.isAlive(); }

    /** Waits for the process to exit by itself (as after QEMU's CMD_SHUTDOWN): its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) throw new AssertionError(kind + " did not exit after QEMU ended");
        return process.exitValue();
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGKILL (Process.destroyForcibly) and waits for the end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError(kind + " did not die of SIGKILL");
    }

    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
