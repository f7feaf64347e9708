package dev.jtpm.interop.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.vm.Qemu.BootReport;
import dev.jtpm.interop.vm.Qemu.Device;
import dev.jtpm.interop.vm.Qemu.Firmware;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jtpm as the TPM of a real QEMU VM (TCG; Debian's kernel and a busybox initramfs, bin/vm-image), under SeaBIOS and
 * OVMF, with tpm-tis and tpm-crb: the guest finds a TPM 2.0; the firmware's event log replays (tpm2_eventlog on the
 * host) to the PCRs the guest reads; the PCRs equal swtpm's for the same boot; GetRandom and PCR_Extend through
 * /dev/tpm0 work; a guest reboot (QEMU's reset: CMD_INIT, a new TPM2_Startup by the firmware) measures the same
 * firmware PCRs (and an event log that replays to them) and clears PCR 16, and so does a {@code system_reset}
 * from the QEMU monitor (QMP); after the guest powers off, jtpm exits (--terminate).
 */
class QemuBootTest {

    static List<Arguments> machines() {
        return List.of(Arguments.of(Firmware.SEABIOS, Device.TIS), Arguments.of(Firmware.SEABIOS, Device.CRB),
                Arguments.of(Firmware.OVMF, Device.CRB), Arguments.of(Firmware.OVMF, Device.TIS));
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("machines")
    void guestBootsMeasuresRebootsAndMatchesSwtpm(Firmware firmware, Device device) throws Exception {
        VmHost.requirePrograms(firmware == Firmware.OVMF);
        Path run = VmHost.tempDir("jtpm-vm-");
        try {
            BootReport first;
            BootReport again;
            double jtpmBoot;
            long jtpmListen;
            try (Vtpm tpm = Vtpm.start(Vtpm.Kind.JTPM, run.resolve("jtpm-state"), run);
                 Qemu vm = Qemu.start(firmware, device, tpm, run, true, null)) {
                jtpmListen = tpm.startNanos;
                first = BootReport.parse(vm.awaitReady());
                jtpmBoot = (System.nanoTime() - vm.startNanos) / 1e9;
                assertThat(first.tpmVersion()).as("the guest kernel found a TPM 2.0").isEqualTo("2");
                assertThat(first.eventLog()).as("the firmware's event log").isNotEmpty();
                assertReplays(first, run.resolve("eventlog.bin"));

                byte[] r1 = GuestTpm.randomBytes(vm.tpm(GuestTpm.getRandom(32)));
                byte[] r2 = GuestTpm.randomBytes(vm.tpm(GuestTpm.getRandom(32)));
                assertThat(r1).hasSize(32).isNotEqualTo(new byte[32]).isNotEqualTo(r2);

                byte[] measured = GuestTpm.sha256("jtpm-vm".getBytes());
                assertThat(GuestTpm.rc(vm.tpm(GuestTpm.pcrExtend(16, measured)))).as("PCR_Extend").isZero();
                assertThat(Qemu.pcrs(vm.command("pcrs")).get(16))
                        .isEqualTo(HexFormat.of().formatHex(GuestTpm.sha256(new byte[32], measured)));

                vm.send("reboot");
                again = BootReport.parse(vm.awaitReady());
                assertThat(again.pcrs()).as("PCRs after a guest reboot (QEMU reset: CMD_INIT, firmware Startup)")
                        .isEqualTo(first.pcrs());
                assertReplays(again, run.resolve("eventlog-after-reboot.bin"));

                vm.qmp("{\"execute\":\"system_reset\"}");
                BootReport reset = BootReport.parse(vm.awaitReady());
                assertThat(reset.pcrs()).as("PCRs after system_reset from the QEMU monitor").isEqualTo(first.pcrs());

                vm.send("poweroff");
                assertThat(vm.awaitExit()).isZero();
                assertThat(tpm.awaitExit()).as("jtpm exits when QEMU closes the control channel (--terminate); log:\n%s",
                        tpm.logText()).isZero();
            }

            double swtpmBoot;
            long swtpmListen;
            Path swtpmRun = Files.createDirectories(run.resolve("swtpm"));   // fresh OVMF variables, as jtpm's boot had
            try (Vtpm reference = Vtpm.start(Vtpm.Kind.SWTPM, swtpmRun.resolve("state"), swtpmRun);
                 Qemu vm = Qemu.start(firmware, device, reference, swtpmRun, false, null)) {
                swtpmListen = reference.startNanos;
                BootReport swtpm = BootReport.parse(vm.awaitReady());
                swtpmBoot = (System.nanoTime() - vm.startNanos) / 1e9;
                assertThat(first.pcrs()).as("PCRs of the same boot with jtpm and with swtpm").isEqualTo(swtpm.pcrs());
                assertThat(HexFormat.of().formatHex(GuestTpm.sha256(first.eventLog())))
                        .as("SHA-256 of the event logs with jtpm and with swtpm")
                        .isEqualTo(HexFormat.of().formatHex(GuestTpm.sha256(swtpm.eventLog())));
                vm.send("poweroff");
                vm.awaitExit();
            }
            System.out.printf("vm: %s + %s: boot to the guest's prompt %.1f s with jtpm, %.1f s with swtpm; control socket "
                    + "listening %.0f ms after start (jtpm launcher) vs %.0f ms (swtpm)%n", firmware, device.qemuName,
                    jtpmBoot, swtpmBoot, jtpmListen / 1e6, swtpmListen / 1e6);
        } finally {
            VmHost.delete(run);
        }
    }

    private static final Pattern REPLAYED = Pattern.compile("^\\s+(\\d+)\\s*:\\s*0x([0-9a-fA-F]{64})\\s*$");

    /** Replays the guest's event log with tpm2_eventlog and compares every SHA-256 PCR it computes with the guest's. */
    static void assertReplays(BootReport report, Path file) throws Exception {
        Files.write(file, report.eventLog());
        String yaml = VmHost.run(List.of("tpm2_eventlog", file.toString()), 120);
        Map<Integer, String> replayed = new TreeMap<>();
        boolean sha256 = false;
        boolean pcrs = false;
        for (String line : yaml.split("\n")) {
            if (line.startsWith("pcrs:")) pcrs = true;
            else if (pcrs && line.matches("^  \\w+:\\s*$")) sha256 = line.trim().equals("sha256:");
            else if (pcrs && sha256) {
                Matcher m = REPLAYED.matcher(line);
                if (m.matches()) replayed.put(Integer.parseInt(m.group(1)), m.group(2).toLowerCase());
            }
        }
        assertThat(replayed).as("tpm2_eventlog's SHA-256 PCRs").isNotEmpty();
        for (Map.Entry<Integer, String> e : replayed.entrySet()) {
            assertThat(report.pcrs().get(e.getKey())).as("PCR %d: the guest's value and the event log's replay", e.getKey())
                    .isEqualTo(e.getValue());
        }
    }
}
