package dev.jtpm.interop.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * libvirt running jtpm with no configuration beyond PATH (libvirt-notes.md): libvirtd (root, qemu:///system, TCG) is
 * started with the {@code jtpm install} directory first in its PATH; a domain with {@code <tpm model='tpm-crb'><backend
 * type='emulator' version='2.0'/></tpm>} starts (libvirt runs swtpm_setup and then {@code swtpm socket} as tss); the
 * guest extends PCR 16; {@code virsh save} and {@code virsh restore}, {@code suspend}/{@code resume} and
 * {@code managedsave} with the next start keep that value. A domain whose vTPM state is
 * encrypted with a libvirt secret ({@code <encryption secret=…/>}) starts, and starts again after it was stopped.
 *
 * <p>Opt-in, because it changes the machine: it needs root and Debian's libvirt-daemon, libvirt-daemon-driver-qemu
 * and libvirt-clients, creates the user libvirt-qemu and the groups kvm and libvirt-qemu when missing, and runs its own
 * virtlogd and libvirtd (none may be running). Run it with {@code JTPM_LIBVIRT=1}; {@code .ci/run} does, on CI's
 * fresh machine, after installing those packages. swtpm_setup is jtpm's
 * ({@code jtpm setup}), or Debian's when this build has none (which then runs jtpm's {@code swtpm} from the PATH).
 *
 * <p>libvirt 9.0 gives the started swtpm 1 s to create its control socket ("swtpm socket did not show up"); a JVM on
 * a loaded machine can miss that, so a start is tried three times and each miss is reported.
 */
class LibvirtTest {
    private static final String DOMAIN = "jtpm-interop";
    private static final String URI = "qemu:///system";
    private static final String SECRET = "6a3b1c52-1f0e-4d7a-9a41-2b7f0c9e5d11";

    @Test
    void libvirtStartsSavesAndRestoresAVmWithJtpm() throws Exception {
        if (!"1".equals(System.getenv("JTPM_LIBVIRT"))) {
            String msg = "vm interop: the libvirt test is opt-in (JTPM_LIBVIRT=1; root, libvirt-daemon, "
                    + "libvirt-daemon-driver-qemu, libvirt-clients; it starts its own libvirtd)";
            System.err.println("NOTICE: skipping, " + msg);
            Assumptions.abort(msg);
        }
        VmHost.requirePrograms(false);
        VmHost.require("root".equals(System.getProperty("user.name")), "root (libvirt's system instance)");
        for (String p : List.of("libvirtd", "virtlogd", "virsh", "swtpm_setup")) VmHost.require(VmHost.which(p) != null, p);
        VmHost.require(!Files.exists(Path.of("/run/libvirt/libvirt-sock")), "a stopped libvirtd (one is running)");

        for (String g : List.of("kvm", "libvirt-qemu")) {
            if (exit("getent", "group", g) != 0) sh("groupadd", "-r", g);
        }
        if (exit("id", "libvirt-qemu") != 0) sh("useradd", "-r", "-g", "kvm", "libvirt-qemu");
        for (String d : List.of("/var/log/libvirt", "/var/run/libvirt", "/var/lib/libvirt/images", "/var/lib/swtpm-localca")) {
            Files.createDirectories(Path.of(d));
        }
        sh("chown", "tss", "/var/lib/swtpm-localca");

        Path run = VmHost.tempDir("jtpm-libvirt-");
        Files.setPosixFilePermissions(run, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path path = Files.createDirectories(run.resolve("bin"));
        Path jtpmBin = VmHost.installBin();
        Files.createSymbolicLink(path.resolve("swtpm"), jtpmBin.resolve("swtpm"));
        Files.createSymbolicLink(path.resolve("swtpm_ioctl"), jtpmBin.resolve("swtpm_ioctl"));
        boolean jtpmSetup = exists("dev.jtpm.cli.SetupCommand");
        Files.createSymbolicLink(path.resolve("swtpm_setup"),
                jtpmSetup ? jtpmBin.resolve("swtpm_setup") : VmHost.which("swtpm_setup"));
        if (!jtpmSetup) System.err.println("NOTICE: libvirt test: no `jtpm setup` yet, swtpm_setup is Debian's (driving jtpm)");
        Path images = Path.of("/var/lib/libvirt/images");
        Files.copy(VmHost.guest().resolve("vmlinuz"), images.resolve(DOMAIN + "-vmlinuz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(VmHost.guest().resolve("initrd.img"), images.resolve(DOMAIN + "-initrd.img"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path serial = Path.of("/var/lib/libvirt/qemu/" + DOMAIN + "-serial.sock");
        Path xml = run.resolve("domain.xml");
        Files.writeString(xml, """
                <domain type='qemu'>
                  <name>%s</name>
                  <memory unit='MiB'>256</memory>
                  <vcpu>1</vcpu>
                  <os>
                    <type arch='x86_64' machine='pc'>hvm</type>
                    <kernel>%s</kernel>
                    <initrd>%s</initrd>
                    <cmdline>console=ttyS0 quiet loglevel=1 panic=-1</cmdline>
                  </os>
                  <features><acpi/><apic/></features>
                  <devices>
                    <serial type='unix'><source mode='bind' path='%s'/><target port='0'/></serial>
                    <tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>
                    <video><model type='none'/></video>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(DOMAIN, images.resolve(DOMAIN + "-vmlinuz"), images.resolve(DOMAIN + "-initrd.img"), serial));

        // daemonized as libvirt-notes.md does it (run in the foreground as a child of this JVM, libvirtd found no
        // TPM 2.0 support in swtpm: "TPM version '2.0' is not supported"); stopped through their pid files
        Path virtlogdPid = run.resolve("virtlogd.pid");
        Path libvirtdPid = run.resolve("libvirtd.pid");
        try {
            sh("virtlogd", "--daemon", "--pid-file", virtlogdPid.toString());
            ProcessBuilder lb = new ProcessBuilder("libvirtd", "--daemon", "--pid-file", libvirtdPid.toString())
                    .redirectErrorStream(true).redirectOutput(run.resolve("libvirtd.out").toFile());
            lb.environment().put("PATH", path + ":" + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
            assertThat(lb.start().waitFor()).as("libvirtd --daemon").isZero();
            for (int i = 0; exit("virsh", "-c", URI, "version") != 0; i++) {
                if (i > 300) fail("libvirtd did not answer: " + Files.readString(run.resolve("libvirtd.out")));
                Thread.sleep(200);
            }
            virsh("define", xml.toString());
            virshStart("start", DOMAIN);
            String measured = HexFormat.of().formatHex(GuestTpm.sha256("libvirt".getBytes()));
            try (Console console = new Console(serial)) {
                byte[] rsp = HexFormat.of().parseHex(console.command("tpm " + HexFormat.of().formatHex(
                        GuestTpm.pcrExtend(16, HexFormat.of().parseHex(measured)))).stream()
                        .filter(l -> l.startsWith("rsp ")).findFirst().orElseThrow().substring(4).trim());
                assertThat(GuestTpm.rc(rsp)).isZero();
            }
            String before;
            try (Console console = new Console(serial)) {
                before = Qemu.pcrs(console.command("pcrs")).get(16);
            }
            assertThat(before).isEqualTo(HexFormat.of().formatHex(GuestTpm.sha256(new byte[32], HexFormat.of().parseHex(measured))));
            Path saved = run.resolve(DOMAIN + ".save");
            virsh("save", DOMAIN, saved.toString());
            virshStart("restore", saved.toString());
            try (Console console = new Console(serial)) {
                Map<Integer, String> after = Qemu.pcrs(console.command("pcrs"));
                assertThat(after.get(16)).as("PCR 16 after virsh save / virsh restore").isEqualTo(before);
            }
            // suspend/resume: QEMU stops and continues the vCPU; the TPM keeps serving the same state
            virsh("suspend", DOMAIN);
            virsh("resume", DOMAIN);
            try (Console console = new Console(serial)) {
                assertThat(Qemu.pcrs(console.command("pcrs")).get(16)).as("PCR 16 after suspend/resume").isEqualTo(before);
            }
            // managedsave: the domain's state (the TPM's blobs with it) kept by libvirt; the next start restores it
            virsh("managedsave", DOMAIN);
            virshStart("start", DOMAIN);
            try (Console console = new Console(serial)) {
                assertThat(Qemu.pcrs(console.command("pcrs")).get(16)).as("PCR 16 after managedsave / start").isEqualTo(before);
            }
            virsh("destroy", DOMAIN);
            virsh("undefine", DOMAIN, "--tpm", "--managed-save");

            // an encrypted vTPM (a libvirt secret of usage vtpm: swtpm_setup --pwdfile-fd, swtpm --key pwdfd=)
            // manufactures, starts, and starts again on its encrypted state
            Path secretXml = run.resolve("secret.xml");
            Files.writeString(secretXml, """
                    <secret ephemeral='no' private='yes'>
                      <uuid>%s</uuid>
                      <usage type='vtpm'><name>%s</name></usage>
                    </secret>
                    """.formatted(SECRET, DOMAIN));
            virsh("secret-define", secretXml.toString());
            Path value = run.resolve("secret.value");
            Files.writeString(value, "a passphrase for jtpm's state");
            virsh("secret-set-value", SECRET, "--file", value.toString(), "--plain");
            Files.writeString(xml, Files.readString(xml).replace("<backend type='emulator' version='2.0'/>",
                    "<backend type='emulator' version='2.0'><encryption secret='" + SECRET + "'/></backend>"));
            virsh("define", xml.toString());
            for (int boot = 1; boot <= 2; boot++) {
                virshStart("start", DOMAIN);
                try (Console console = new Console(serial)) {
                    byte[] rsp = HexFormat.of().parseHex(console.command("tpm " + HexFormat.of().formatHex(GuestTpm.getRandom(8)))
                            .stream().filter(l -> l.startsWith("rsp ")).findFirst().orElseThrow().substring(4).trim());
                    assertThat(GuestTpm.randomBytes(rsp)).as("encrypted vTPM, start %d", boot).hasSize(8);
                }
                virsh("destroy", DOMAIN);
            }
            String log = Files.readString(Path.of("/var/log/libvirt/qemu/" + DOMAIN + ".log"));
            assertThat(log).as("libvirt passed the key to swtpm").contains("--key pwdfd=");
        } finally {
            exit("virsh", "-c", URI, "secret-undefine", SECRET);
            exit("virsh", "-c", URI, "destroy", DOMAIN);
            exit("virsh", "-c", URI, "undefine", DOMAIN, "--tpm");
            for (Path pidFile : List.of(libvirtdPid, virtlogdPid)) stopDaemon(pidFile);
            Files.deleteIfExists(images.resolve(DOMAIN + "-vmlinuz"));
            Files.deleteIfExists(images.resolve(DOMAIN + "-initrd.img"));
            VmHost.delete(run);
        }
    }

    /** virsh start/restore, tried three times when libvirt's 1 s wait for the swtpm socket runs out. */
    private static void virshStart(String... args) throws Exception {
        for (int attempt = 1; ; attempt++) {
            List<String> cmd = new ArrayList<>(List.of("virsh", "-c", URI));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) fail("virsh " + args[0] + " hangs");
            if (p.exitValue() == 0) return;
            if (out.contains("swtpm socket did not show up") && attempt < 3) {
                System.err.println("NOTICE: libvirt test: virsh " + args[0] + " attempt " + attempt
                        + ": jtpm's control socket missed libvirt's 1 s deadline; trying again");
                continue;
            }
            fail("virsh " + String.join(" ", args) + ": " + out);
        }
    }

    /** Stops a daemon this test started, by the pid in its pid file. */
    private static void stopDaemon(Path pidFile) throws IOException, InterruptedException {
        if (!Files.exists(pidFile)) return;
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) return;
        handle.get().destroy();
        for (int i = 0; i < 200 && handle.get().isAlive(); i++) Thread.sleep(100);
        if (handle.get().isAlive()) handle.get().destroyForcibly();
    }

    private static void virsh(String... args) {
        List<String> cmd = new ArrayList<>(List.of("virsh", "-c", URI));
        cmd.addAll(List.of(args));
        VmHost.run(cmd, 300);
    }

    private static boolean exists(String className) {
        try {
            Class.forName(className);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void sh(String... cmd) { VmHost.run(List.of(cmd), 60); }

    private static int exit(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** The guest's serial console through libvirt's Unix socket (the guest protocol of bin/vm-image). */
    private static final class Console implements AutoCloseable {
        private final SocketChannel channel;
        private final StringBuilder pending = new StringBuilder();

        Console(Path socket) throws IOException, InterruptedException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            for (int i = 0; ; i++) {
                try {
                    channel.connect(UnixDomainSocketAddress.of(socket));
                    break;
                } catch (IOException e) {
                    if (i > 300) throw e;
                    Thread.sleep(100);
                }
            }
            channel.configureBlocking(false);
            sync();
        }

        /**
         * Gets in step with the guest, whatever it printed before we connected (QEMU drops console output while no
         * client is connected) and whether it is still booting: sends "sync-N" lines until the answer to the last
         * one ("unknown command: sync-N", then the prompt) arrives; the guest answers lines in order, so every
         * earlier answer has arrived by then.
         */
        private void sync() throws IOException, InterruptedException {
            long t0 = System.nanoTime();
            while (true) {
                String token = "sync-" + System.nanoTime();
                channel.write(ByteBuffer.wrap(("\n" + token + "\n").getBytes(StandardCharsets.US_ASCII)));
                long sent = System.nanoTime();
                while (System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(5)) {
                    readSome();
                    int at = pending.indexOf("unknown command: " + token);
                    int ready = at < 0 ? -1 : pending.indexOf("jtpm-vm: ready", at);
                    if (ready >= 0) {
                        pending.delete(0, ready + "jtpm-vm: ready".length());
                        return;
                    }
                    Thread.sleep(50);
                }
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(600)) fail("the guest does not answer: " + pending);
            }
        }

        private void readSome() throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            if (channel.read(buf) < 0) fail("the guest console closed: " + pending);
            buf.flip();
            pending.append(StandardCharsets.ISO_8859_1.decode(buf));
        }

        /** Sends an empty line (ignored by the guest, and lost if the UART drops its first byte) and the command. */
        List<String> command(String line) throws IOException, InterruptedException {
            channel.write(ByteBuffer.wrap(("\n" + line + "\n").getBytes(StandardCharsets.US_ASCII)));
            long t0 = System.nanoTime();
            while (true) {
                int at = pending.indexOf("jtpm-vm: ready");
                if (at >= 0) {
                    String answer = pending.substring(0, at);
                    pending.delete(0, at + "jtpm-vm: ready".length());
                    return List.of(answer.split("\r?\n")).stream().map(String::strip).toList();
                }
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(600)) fail("the guest does not answer: " + pending);
                readSome();
                Thread.sleep(20);
            }
        }

        @Override
        public void close() throws IOException { channel.close(); }
    }
}
