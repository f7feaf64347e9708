package dev.jtpm.interop.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.vm.Qemu.Device;
import dev.jtpm.interop.vm.Qemu.Firmware;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * QEMU's migration with jtpm (swtpm-protocol.md §4): the running VM is migrated to a file with QMP {@code migrate
 * "exec:cat > FILE"} (the source QEMU takes the TPM's PERMANENT, VOLATILE and SAVESTATE blobs with GET_STATEBLOB),
 * then a new jtpm on an empty state directory and a new QEMU with {@code -incoming "exec:cat FILE"} resume it (STOP,
 * SET_STATEBLOB ×3, INIT with DELETE_VOLATILE, no TPM2_Startup): the guest reads the PCR value it extended before,
 * the ECDSA key it created (a transient object at 0x80000000) still signs, and its TPM still answers GetRandom.
 * This is also what {@code virsh save}/{@code restore} do to the TPM.
 */
class QemuMigrationTest {

    @Test
    void migratedGuestKeepsPcrsAndLoadedKey() throws Exception {
        VmHost.requirePrograms(false);
        Path run = VmHost.tempDir("jtpm-mig-");
        try {
            Path image = run.resolve("vm.migration");
            byte[] digest = GuestTpm.sha256("signed before and after the migration".getBytes());
            GuestTpm.LoadedKey key;
            Map<Integer, String> before;
            try (Vtpm source = Vtpm.start(Vtpm.Kind.JTPM, run.resolve("source-state"), run);
                 Qemu vm = Qemu.start(Firmware.SEABIOS, Device.CRB, source, run, false, null)) {
                assertThat(Qemu.BootReport.parse(vm.awaitReady()).tpmVersion()).isEqualTo("2");
                assertThat(GuestTpm.rc(vm.tpm(GuestTpm.pcrExtend(16, GuestTpm.sha256("before".getBytes()))))).isZero();
                key = GuestTpm.loadedKey(vm.tpm(GuestTpm.createPrimaryEcc()));
                assertThat(key.handle()).isEqualTo(0x80000000);
                GuestTpm.assertSigned(vm.tpm(GuestTpm.sign(key.handle(), digest)), digest, key.publicKey());
                before = Qemu.pcrs(vm.command("pcrs"));

                vm.migrateTo(image);
                vm.qmp("{\"execute\":\"quit\"}");
                vm.awaitExit();
                assertThat(source.awaitExit()).as("the source jtpm exits with its QEMU; log:\n%s", source.logText()).isZero();
            }
            assertThat(Files.size(image)).isPositive();

            try (Vtpm destination = Vtpm.start(Vtpm.Kind.JTPM, run.resolve("destination-state"), run);
                 Qemu vm = Qemu.start(Firmware.SEABIOS, Device.CRB, destination, run, false, image)) {
                vm.awaitRunning();
                vm.send("");   // the first byte the guest's UART receives after the migration is lost
                Map<Integer, String> after = Qemu.pcrs(vm.command("pcrs"));
                assertThat(after).as("PCRs after the migration (the destination TPM started from an empty directory); console:\n%s\njtpm log:\n%s",
                        vm.tail(), destination.logText())
                        .isEqualTo(before);
                assertThat(after.get(16)).isNotEqualTo(HexFormat.of().formatHex(new byte[32]));
                GuestTpm.assertSigned(vm.tpm(GuestTpm.sign(key.handle(), digest)), digest, key.publicKey());
                assertThat(GuestTpm.randomBytes(vm.tpm(GuestTpm.getRandom(16)))).hasSize(16);
                // the TPM goes on: a new extend lands on the migrated value
                byte[] more = GuestTpm.sha256("after".getBytes());
                assertThat(GuestTpm.rc(vm.tpm(GuestTpm.pcrExtend(16, more)))).isZero();
                assertThat(Qemu.pcrs(vm.command("pcrs")).get(16)).isEqualTo(HexFormat.of().formatHex(
                        GuestTpm.sha256(HexFormat.of().parseHex(before.get(16)), more)));
                vm.send("poweroff");
                assertThat(vm.awaitExit()).isZero();
                assertThat(destination.awaitExit()).as("log:\n%s", destination.logText()).isZero();
            }
        } finally {
            VmHost.delete(run);
        }
    }

    /**
     * A live migration between two running QEMUs on this machine, each with its own jtpm (QEMU's outgoing and incoming
     * sequences over the control channels: GET_STATEBLOB on the source, SET_STATEBLOB and INIT on the destination).
     */
    @Test
    void liveMigrationBetweenTwoQemusKeepsTheTpm() throws Exception {
        VmHost.requirePrograms(false);
        Path run = VmHost.tempDir("jtpm-live-");
        try (Vtpm source = Vtpm.start(Vtpm.Kind.JTPM, run.resolve("source-state"), run);
             Qemu vm = Qemu.start(Firmware.SEABIOS, Device.TIS, source, run, false, null);
             Vtpm destination = Vtpm.start(Vtpm.Kind.JTPM, run.resolve("destination-state"), run)) {
            assertThat(Qemu.BootReport.parse(vm.awaitReady()).tpmVersion()).isEqualTo("2");
            byte[] digest = GuestTpm.sha256("live".getBytes());
            assertThat(GuestTpm.rc(vm.tpm(GuestTpm.pcrExtend(16, digest)))).isZero();
            GuestTpm.LoadedKey key = GuestTpm.loadedKey(vm.tpm(GuestTpm.createPrimaryEcc()));
            Map<Integer, String> before = Qemu.pcrs(vm.command("pcrs"));
            int port = freePort();
            try (Qemu target = Qemu.startIncoming(Firmware.SEABIOS, Device.TIS, destination, run, "tcp:127.0.0.1:" + port)) {
                target.qmp("{\"execute\":\"query-status\"}"); // QEMU listens for the stream once QMP answers
                vm.migrate("tcp:127.0.0.1:" + port);
                vm.qmp("{\"execute\":\"quit\"}");
                vm.awaitExit();
                target.awaitRunning();
                target.send("");   // the first byte the guest's UART receives after the migration is lost
                assertThat(Qemu.pcrs(target.command("pcrs"))).as("PCRs after the live migration").isEqualTo(before);
                GuestTpm.assertSigned(target.tpm(GuestTpm.sign(key.handle(), digest)), digest, key.publicKey());
                target.send("poweroff");
                assertThat(target.awaitExit()).isZero();
                assertThat(destination.awaitExit()).as("log:\n%s", destination.logText()).isZero();
            }
        } finally {
            VmHost.delete(run);
        }
    }

    /** A free TCP port below Linux's ephemeral range. */
    private static int freePort() throws java.io.IOException {
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 200; i++) {
            int p = 24000 + random.nextInt(900);
            try (java.net.ServerSocket s = new java.net.ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
                return p;
            } catch (java.io.IOException retry) {
                // taken
            }
        }
        throw new java.io.IOException("no free port");
    }
}
