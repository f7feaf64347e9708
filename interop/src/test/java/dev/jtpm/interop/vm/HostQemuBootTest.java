package dev.jtpm.interop.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.vm.Qemu.BootReport;
import dev.jtpm.interop.vm.Qemu.Device;
import dev.jtpm.interop.vm.Qemu.Firmware;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.host.InstanceHost;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A QEMU guest on an instance of {@code jtpm host}, as on a {@code jtpm socket}: QEMU reaches the instance's Unix
 * control socket (CMD_SET_DATAFD), the guest finds a TPM 2.0 and its event log replays; at poweroff QEMU's
 * CMD_SHUTDOWN ends that TPM and the host serves it again, so a second boot of the same VM finds it — with the same
 * firmware PCRs — while another instance of the same host serves a second VM beside it.
 */
class HostQemuBootTest {
    @Test
    void guestsBootOnHostInstances() throws Exception {
        VmHost.requirePrograms(false);
        Path run = VmHost.tempDir("jtpm-host-vm-");
        try (InstanceHost host = InstanceHost.open(run.resolve("host"), new InstanceHost.Endpoints.Sockets(run.resolve("s")),
                ServerLog.NONE)) {
            // QEMU sends CMD_INIT and the firmware TPM2_Startup itself: swtpm's default flags, as libvirt runs it
            Path ctrl1 = ctrl(host.create("vm1", "startup-none"));
            Path ctrl2 = ctrl(host.create("vm2", "startup-none"));
            BootReport first;
            try (Qemu vm = Qemu.start(Firmware.SEABIOS, Device.CRB, ctrl1, run, false, null);
                 Qemu other = Qemu.start(Firmware.SEABIOS, Device.TIS, ctrl2, run, false, null)) {
                first = BootReport.parse(vm.awaitReady());
                BootReport second = BootReport.parse(other.awaitReady());
                assertThat(first.tpmVersion()).isEqualTo("2");
                assertThat(second.tpmVersion()).isEqualTo("2");
                QemuBootTest.assertReplays(first, run.resolve("eventlog-host.bin"));
                byte[] measured = GuestTpm.sha256("jtpm-host".getBytes());
                assertThat(GuestTpm.rc(vm.tpm(GuestTpm.pcrExtend(16, measured)))).isZero();
                assertThat(Qemu.pcrs(vm.command("pcrs")).get(16))
                        .isEqualTo(HexFormat.of().formatHex(GuestTpm.sha256(new byte[32], measured)));
                assertThat(Qemu.pcrs(other.command("pcrs")).get(16)).as("the other instance is another TPM")
                        .isEqualTo("00".repeat(32));
                var before = host.running("vm1");
                vm.send("poweroff");
                assertThat(vm.awaitExit()).isZero();
                for (int i = 0; i < 500 && host.running("vm1") == before; i++) Thread.sleep(20);
                assertThat(host.running("vm1")).as("served again after QEMU's CMD_SHUTDOWN").isNotNull().isNotSameAs(before);
                other.send("poweroff");
                assertThat(other.awaitExit()).isZero();
            }
            try (Qemu again = Qemu.start(Firmware.SEABIOS, Device.CRB, ctrl1, run, false, null)) {
                BootReport report = BootReport.parse(again.awaitReady());
                assertThat(report.pcrs()).as("the same VM boots again on the same instance").isEqualTo(first.pcrs());
                again.send("poweroff");
                assertThat(again.awaitExit()).isZero();
            }
        } finally {
            VmHost.delete(run);
        }
    }

    private static Path ctrl(InstanceHost.Info i) {
        return ((dev.jtpm.server.ChannelSpec.UnixIo) i.ctrl()).path();
    }
}
