package dev.jtpm.interop.vm;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A QEMU (TCG, 256 MiB, one CPU) running the test guest of bin/vm-image with a {@code tpm-emulator} TPM on a
 * {@link Vtpm}'s control socket. The guest's serial console is QEMU's stdin/stdout: {@link #send} writes a command
 * line, {@link #awaitReady} collects what it printed up to its next "jtpm-vm: ready". The QMP monitor is on a Unix
 * socket ({@link #qmp}). Every console line is also kept in {@code console.log} of the run directory.
 */
final class Qemu implements AutoCloseable {
    enum Firmware { SEABIOS, OVMF }

    enum Device {
        TIS("tpm-tis"), CRB("tpm-crb");

        final String qemuName;

        Device(String qemuName) { this.qemuName = qemuName; }
    }

    private static final String READY = "jtpm-vm: ready";
    private static final long WAIT_SECONDS = 600;   // a generous limit against hangs, not a timing assertion

    final long startNanos = System.nanoTime();
    private final Process process;
    private final OutputStream console;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path consoleLog;
    private final Path qmpSocket;
    private final List<String> transcript = java.util.Collections.synchronizedList(new ArrayList<>());
    private BufferedReader qmpIn;
    private SocketChannel qmpChannel;

    private Qemu(Process process, Path consoleLog, Path qmpSocket) {
        this.process = process;
        this.console = process.getOutputStream();
        this.consoleLog = consoleLog;
        this.qmpSocket = qmpSocket;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.ISO_8859_1));
                 var log = Files.newBufferedWriter(consoleLog, StandardCharsets.ISO_8859_1)) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.write(line);
                    log.newLine();
                    log.flush();
                    transcript.add(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                // QEMU ended
            } finally {
                lines.add("\0eof");
            }
        }, "qemu-console");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts QEMU. {@code reboot}: a guest reboot resets the machine (else QEMU exits, -no-reboot). {@code incoming}:
     * the file of a migration to load ({@code -incoming exec:cat FILE}), or null for a fresh boot.
     */
    static Qemu start(Firmware firmware, Device device, Vtpm tpm, Path runDir, boolean reboot, Path incoming) {
        return start(firmware, device, tpm.ctrl, runDir, reboot, incoming);
    }

    /** {@link #start(Firmware, Device, Vtpm, Path, boolean, Path)} on any TPM's control socket ({@code jtpm host}'s). */
    static Qemu start(Firmware firmware, Device device, Path tpmCtrl, Path runDir, boolean reboot, Path incoming) {
        return launch(VmHost.guest().resolve("initrd.img"), firmware, device, tpmCtrl, runDir, reboot,
                incoming == null ? null : "exec:cat " + incoming);
    }

    /** A destination QEMU waiting for a live migration at {@code uri} ({@code -incoming tcp:127.0.0.1:PORT}). */
    static Qemu startIncoming(Firmware firmware, Device device, Vtpm tpm, Path runDir, String uri) {
        return launch(VmHost.guest().resolve("initrd.img"), firmware, device, tpm.ctrl, runDir, false, uri);
    }

    /**
     * The TPM 1.2 guest (bin/vm-image-tpm12: TrouSerS and tpm-tools, commands {@link #sh} and {@link #put}) under
     * SeaBIOS with a tpm-tis device. {@code reboot}: a guest reboot resets the machine (else QEMU exits).
     */
    static Qemu startTpm12(Vtpm tpm, Path runDir, boolean reboot) {
        return launch(VmHost.guestTpm12().resolve("initrd-tpm12.img"), Firmware.SEABIOS, Device.TIS, tpm.ctrl, runDir,
                reboot, null);
    }

    private static Qemu launch(Path initrd, Firmware firmware, Device device, Path tpmCtrl, Path runDir, boolean reboot,
            String incoming) {
        Path guest = initrd.getParent();
        List<String> cmd = new ArrayList<>(List.of(VmHost.QEMU, "-accel", "tcg", "-m", "256", "-smp", "1",
                "-display", "none", "-vga", "none", "-monitor", "none", "-serial", "stdio",
                "-kernel", guest.resolve("vmlinuz").toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0 quiet loglevel=1 panic=-1",
                "-chardev", "socket,id=chrtpm,path=" + tpmCtrl,
                "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                "-device", device.qemuName + ",tpmdev=tpm0"));
        Path qmp = runDir.resolve("qmp-" + System.nanoTime() + ".sock");
        cmd.addAll(List.of("-qmp", "unix:" + qmp + ",server=on,wait=off"));
        if (!reboot) cmd.add("-no-reboot");
        if (firmware == Firmware.OVMF) {
            Path vars = runDir.resolve("OVMF_VARS.fd");
            try {
                if (!Files.exists(vars)) Files.copy(VmHost.OVMF_VARS, vars);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            cmd.addAll(List.of("-drive", "if=pflash,format=raw,readonly=on,file=" + VmHost.OVMF_CODE,
                    "-drive", "if=pflash,format=raw,file=" + vars));
        }
        if (incoming != null) cmd.addAll(List.of("-incoming", incoming));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            return new Qemu(p, runDir.resolve("console-" + System.nanoTime() + ".log"), qmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines the guest printed up to (without) its next "jtpm-vm: ready". */
    List<String> awaitReady() throws InterruptedException {
        List<String> got = new ArrayList<>();
        while (true) {
            String line = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (line == null) fail("no '" + READY + "' from the guest within " + WAIT_SECONDS + " s; console:\n" + tail());
            if (line.equals("\0eof")) fail("QEMU ended (exit " + exitCode() + ") before '" + READY + "'; console:\n" + tail());
            // firmware may leave terminal escapes in front of the guest's first line
            int at = line.indexOf(READY);
            if (at >= 0) return got;
            got.add(line);
        }
    }

    /** Sends one command line to the guest's console and returns its answer lines. */
    List<String> command(String line) throws InterruptedException {
        send(line);
        return awaitReady();
    }

    void send(String line) {
        try {
            console.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            console.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a raw TPM command through the guest's /dev/tpm0 and returns the response. */
    byte[] tpm(byte[] command) throws InterruptedException {
        List<String> answer = command("tpm " + HexFormat.of().formatHex(command));
        for (String l : answer) {
            if (l.startsWith("rsp ")) return HexFormat.of().parseHex(l.substring(4).trim());
        }
        fail("no TPM response from the guest: " + answer);
        return null;
    }

    /** What a "sh" command printed (without the "| " prefix) and its exit code. */
    record Sh(int rc, List<String> out) {
        String text() { return String.join("\n", out); }
    }

    /** Runs {@code cmdline} with the TPM 1.2 guest's shell (stdin /dev/null) and returns its output and exit code. */
    Sh sh(String cmdline) throws InterruptedException {
        List<String> out = new ArrayList<>();
        Integer rc = null;
        for (String l : command("sh " + cmdline)) {
            if (l.startsWith("| ")) out.add(l.substring(2));
            else if (l.equals("|")) out.add("");
            else if (l.startsWith("rc ")) rc = Integer.valueOf(l.substring(3).trim());
        }
        if (rc == null) fail("no exit code from the guest for: " + cmdline + "\n" + tail());
        return new Sh(rc, out);
    }

    /** Writes {@code data} to {@code path} in the TPM 1.2 guest (appending "put" lines of 1 KiB). */
    void put(String path, byte[] data) throws InterruptedException {
        Sh removed = sh("rm -f " + path);
        if (removed.rc() != 0) fail("rm -f " + path + ": " + removed);
        for (int at = 0; at < data.length; at += 1024) {
            String hex = HexFormat.of().formatHex(data, at, Math.min(data.length, at + 1024));
            List<String> answer = command("put " + path + " " + hex);
            if (!answer.contains("rc 0")) fail("put " + path + ": " + answer);
        }
    }

    /** Sends a QMP command (a JSON object) and returns its answer line, skipping events; negotiates on first use. */
    String qmp(String json) throws IOException {
        if (qmpChannel == null) {
            for (long t0 = System.nanoTime(); !Vtpm.listening(qmpSocket); ) {
                if (!process.isAlive()) fail("QEMU ended (exit " + process.exitValue() + "); console:\n" + tail());
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(WAIT_SECONDS)) fail("no QMP socket " + qmpSocket);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            qmpChannel = SocketChannel.open(StandardProtocolFamily.UNIX);
            qmpChannel.connect(UnixDomainSocketAddress.of(qmpSocket));
            qmpIn = new BufferedReader(new InputStreamReader(Channels.newInputStream(qmpChannel), StandardCharsets.UTF_8));
            qmpIn.readLine();   // the greeting
            qmp("{\"execute\":\"qmp_capabilities\"}");
        }
        qmpChannel.write(ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8)));
        for (String line; (line = qmpIn.readLine()) != null; ) {
            if (line.contains("\"event\"")) continue;
            if (line.contains("\"error\"")) fail("QMP " + json + " → " + line);
            return line;
        }
        throw new IOException("QMP connection closed");
    }

    /** Migrates the running VM to {@code file} (QMP migrate "exec:cat > FILE") and waits for it to complete. */
    void migrateTo(Path file) throws IOException, InterruptedException {
        migrate("exec:cat > " + file);
    }

    /** Migrates the running VM to {@code uri} (QMP migrate; e.g. tcp:127.0.0.1:PORT) and waits for it to complete. */
    void migrate(String uri) throws IOException, InterruptedException {
        qmp("{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"" + uri + "\"}}");
        for (long t0 = System.nanoTime(); ; ) {
            String status = qmp("{\"execute\":\"query-migrate\"}");
            if (status.contains("\"completed\"")) return;
            if (status.contains("\"failed\"") || status.contains("\"cancelled\"")) fail("migration: " + status);
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(WAIT_SECONDS)) fail("migration did not complete: " + status);
            Thread.sleep(100);
        }
    }

    /**
     * Waits until the VM runs (QMP query-status), as after an incoming migration: console input sent while QEMU
     * still loads the migration stream is lost.
     */
    void awaitRunning() throws IOException, InterruptedException {
        for (long t0 = System.nanoTime(); ; ) {
            String status = qmp("{\"execute\":\"query-status\"}");
            if (status.contains("\"running\"")) return;
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(WAIT_SECONDS)) fail("the VM does not run: " + status);
            Thread.sleep(100);
        }
    }

    /** Waits for QEMU to exit by itself (guest poweroff, or QMP quit). */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) fail("QEMU did not exit; console:\n" + tail());
        return process.exitValue();
    }

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            return "?";
        }
    }

    /** The last console lines (without the event-log hex dump), for failure messages. */
    String tail() {
        List<String> all;
        synchronized (transcript) {
            all = new ArrayList<>(transcript);
        }
        List<String> shown = all.stream().filter(l -> !l.startsWith("ev ")).toList();
        return String.join("\n", shown.subList(Math.max(0, shown.size() - 60), shown.size())) + "\n(console log: " + consoleLog + ")";
    }

    @Override
    public void close() {
        try {
            if (qmpChannel != null) qmpChannel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the guest reported at boot: its TPM's major version, PCRs (SHA-256) and the firmware's event log. */
    record BootReport(String tpmVersion, Map<Integer, String> pcrs, byte[] eventLog) {
        static BootReport parse(List<String> lines) {
            String version = null;
            Map<Integer, String> pcrs = new TreeMap<>();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            boolean booted = false;
            for (String raw : lines) {
                int boot = raw.indexOf("jtpm-vm: boot");
                if (boot >= 0) {
                    booted = true;
                    continue;
                }
                if (!booted) continue;
                if (raw.startsWith("tpm-version ")) version = raw.substring(12).trim();
                else if (raw.startsWith("ev ")) log.writeBytes(HexFormat.of().parseHex(raw.substring(3).trim()));
                else if (raw.startsWith("pcr-sha256 ")) {
                    String[] f = raw.trim().split(" ");
                    pcrs.put(Integer.parseInt(f[1]), f[2].toLowerCase());
                }
            }
            if (!booted) fail("the guest did not report its boot: " + lines);
            return new BootReport(version, pcrs, log.toByteArray());
        }
    }

    /** The "pcr-sha256 I HEX" lines of an answer. */
    static Map<Integer, String> pcrs(List<String> lines) {
        Map<Integer, String> pcrs = new TreeMap<>();
        for (String l : lines) {
            if (!l.startsWith("pcr-sha256 ")) continue;
            String[] f = l.trim().split(" ");
            pcrs.put(Integer.parseInt(f[1]), f[2].toLowerCase());
        }
        return pcrs;
    }
}
