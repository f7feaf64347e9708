package dev.jtpm.interop.vm;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the VM tests need on the host, made once per JVM: the guest (bin/vm-image: Debian's kernel and a busybox
 * initramfs, in interop/target/vm) and jtpm's swtpm launchers ({@code jtpm install} into interop/target/vm/install).
 * A missing program (qemu-system-x86_64, OVMF, busybox-static, swtpm) skips the test with a visible notice, and fails
 * it when {@code CI=true}.
 */
final class VmHost {
    static final String QEMU = "qemu-system-x86_64";
    static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

    private static Path repo;
    private static Path vmDir;
    private static Path vmDirTpm12;
    private static Path installBin;

    private VmHost() {}

    static boolean onCi() { return "true".equalsIgnoreCase(System.getenv("CI")); }

    /** Skips (or on CI fails) unless {@code ok}. */
    static void require(boolean ok, String what) {
        if (ok) return;
        String msg = "vm interop: " + what + " is missing; install Debian's qemu-system-x86, ovmf, busybox-static and "
                + "swtpm (.ci/run does)";
        if (onCi()) fail(msg + " — required on CI");
        System.err.println("NOTICE: skipping, " + msg);
        Assumptions.abort(msg);
    }

    static Path which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** Checks the programs a VM test needs (qemu, the firmware when {@code ovmf}, busybox, swtpm as the reference). */
    static void requirePrograms(boolean ovmf) {
        require(which(QEMU) != null, QEMU);
        require(!ovmf || Files.isReadable(OVMF_CODE) && Files.isReadable(OVMF_VARS), OVMF_CODE.toString());
        require(Files.isExecutable(Path.of("/bin/busybox")), "/bin/busybox");
        require(which("swtpm") != null, "swtpm");
    }

    static synchronized Path repo() {
        if (repo == null) {
            Path p = Path.of("").toAbsolutePath();
            while (p != null && !Files.isRegularFile(p.resolve("bin/vm-image"))) p = p.getParent();
            if (p == null) throw new IllegalStateException("bin/vm-image not found above " + Path.of("").toAbsolutePath());
            repo = p;
        }
        return repo;
    }

    /** interop/target/vm with vmlinuz and initrd.img (built by bin/vm-image on first use). */
    static synchronized Path guest() {
        if (vmDir == null) {
            Path dir = repo().resolve("interop/target/vm");
            run(List.of(repo().resolve("bin/vm-image").toString(), dir.toString()), 900);
            vmDir = dir;
        }
        return vmDir;
    }

    /**
     * interop/target/vm with vmlinuz and initrd-tpm12.img (bin/vm-image-tpm12: the guest that also carries TrouSerS'
     * tcsd and tpm-tools, copied from this host's Debian packages trousers and tpm-tools).
     */
    static synchronized Path guestTpm12() {
        if (vmDirTpm12 == null) {
            Path dir = repo().resolve("interop/target/vm");
            run(List.of(repo().resolve("bin/vm-image-tpm12").toString(), dir.toString()), 900);
            vmDirTpm12 = dir;
        }
        return vmDirTpm12;
    }

    /** The bin directory written by {@code jtpm install} (swtpm, swtpm_setup, swtpm_ioctl running jtpm). */
    static synchronized Path installBin() {
        if (installBin == null) {
            Path prefix = repo().resolve("interop/target/vm/install");
            int rc = dev.jtpm.cli.Main.execute("install", "--prefix", prefix.toString());
            if (rc != 0) fail("jtpm install --prefix " + prefix + " failed: " + rc);
            installBin = prefix.resolve("bin");
        }
        return installBin;
    }

    /** Runs a program to completion (stdout and stderr into the test's output); fails on a non-zero exit. */
    static String run(List<String> command, int limitSeconds) {
        try {
            Path out = Files.createTempFile("jtpm-vm", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("did not finish in " + limitSeconds + " s: " + command);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            if (p.exitValue() != 0) fail(command + " exited with " + p.exitValue() + ":\n" + text);
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Path tempDir(String prefix) {
        try {
            // short: QEMU and the TPM put Unix sockets in it (108-byte path limit)
            return Files.createTempDirectory(Path.of("/tmp"), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a directory tree made by a test (best effort). */
    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(all);
            for (Path p : all) Files.deleteIfExists(p);
        } catch (IOException e) {
            System.err.println("vm interop: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
