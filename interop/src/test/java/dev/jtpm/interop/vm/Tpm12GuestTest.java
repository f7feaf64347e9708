package dev.jtpm.interop.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.vm.Qemu.Sh;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * jtpm's TPM 1.2 ({@code swtpm socket} without {@code --tpm2}, through jtpm's swtpm launcher) in a QEMU guest (TCG,
 * SeaBIOS, tpm-tis; bin/vm-image-tpm12: Debian's kernel, a busybox initramfs with Debian's TrouSerS tcsd and tpm-tools),
 * one boot against the real swtpm 0.7.1 (TPM 1.2) and one against jtpm, the same session in each: SeaBIOS measured
 * into the TPM and its TCPA event log replays (SHA-1) to the PCRs the guest kernel shows in sysfs {@code pcrs}; the
 * {@code pcrs}, {@code caps}, flags, durations, timeouts, the event log, {@code pubek} before and after
 * {@code tpm_createek} (but its modulus) equal swtpm's; then the README's TrouSerS walk-through (tpm_version,
 * tpm_createek, tpm_takeownership -y -z, tpm_getpubek -z, tpm_sealdata/tpm_unsealdata plain and bound to PCRs 0 and 7,
 * tpm_nvdefine/nvwrite/nvread with owner and area secrets, tpm_nvinfo, tpm_setenable, tpm_setactive) succeeds on jtpm
 * step for step as on swtpm. Then jtpm is killed (SIGKILL) under the running guest; a third boot, on a new jtpm
 * process over the same state directory, finds the TPM owned, unseals the blobs sealed before, reads the NV index and refuses a second owner; a guest reboot on that process
 * (QEMU's reset: CMD_INIT, SeaBIOS' Startup(ST_CLEAR)) measures the same PCRs again, resets PCR 16 extended before it
 * (TPM_Extend written to /dev/tpm0), and keeps the owner and an NV write made before it.
 */
class Tpm12GuestTest {
    private static final String SYSFS = "/sys/class/tpm/tpm0";
    private static final String PLAIN = "sealed by a TPM 1.2 in a QEMU guest";
    private static final String NV_TEXT = "hello from a TPM 1.2";
    /** How tpm_nvread prints it (a hex dump, 16 octets a line). */
    private static final String NV_HEXDUMP = "00000000  68 65 6c 6c 6f 20 66 72 6f 6d 20 61 20 54 50 4d  hello from a TPM\n"
            + "00000010  20 31 2e 32";

    /** The guest session's steps, in order: name → shell command line. */
    private static Map<String, String> steps() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("tpm_version_major", "cat " + SYSFS + "/tpm_version_major");
        s.put("pcrs", "cat " + SYSFS + "/pcrs");
        s.put("device/pcrs", "cat " + SYSFS + "/device/pcrs");
        s.put("caps", "cat " + SYSFS + "/caps");
        s.put("flags", "cd " + SYSFS + " && for f in enabled active owned temp_deactivated durations timeouts; do "
                + "echo $f: $(cat $f); done");
        s.put("eventlog", "od -An -v -tx1 /sys/kernel/security/tpm0/binary_bios_measurements | tr -d ' \\n'");
        s.put("pubek before tpm_createek", "cat " + SYSFS + "/pubek");
        s.put("tpm_version", "tss tpm_version 2>/dev/null");
        s.put("tpm_createek", "tss tpm_createek");
        s.put("pubek", "cat " + SYSFS + "/device/pubek");
        s.put("tpm_takeownership", "tss tpm_takeownership -y -z");
        s.put("owned", "cat " + SYSFS + "/owned");
        s.put("pubek after tpm_takeownership", "cat " + SYSFS + "/pubek");
        s.put("tpm_getpubek", "tss tpm_getpubek -z");
        s.put("tpm_takeownership again", "tss tpm_takeownership -y -z");
        s.put("tpm_sealdata", "echo '" + PLAIN + "' >/tmp/plain.txt && tss tpm_sealdata -z -i /tmp/plain.txt -o /tmp/sealed.blob");
        s.put("tpm_unsealdata", "tss tpm_unsealdata -z -i /tmp/sealed.blob -o /tmp/unsealed.txt && cat /tmp/unsealed.txt");
        s.put("tpm_sealdata -p 0 -p 7", "tss tpm_sealdata -z -p 0 -p 7 -i /tmp/plain.txt -o /tmp/sealed-pcr.blob");
        s.put("tpm_unsealdata (PCRs 0, 7)", "tss tpm_unsealdata -z -i /tmp/sealed-pcr.blob -o /tmp/unsealed-pcr.txt "
                + "&& cat /tmp/unsealed-pcr.txt");
        s.put("tpm_nvdefine", "tss tpm_nvdefine -i 0x00011000 -s 32 -p 'OWNERWRITE|OWNERREAD' -y");
        s.put("tpm_nvwrite", "tss tpm_nvwrite -i 0x00011000 -d '" + NV_TEXT + "' -z");
        s.put("tpm_nvread", "tss tpm_nvread -i 0x00011000 -s 20 -z");
        s.put("tpm_nvdefine (area secret)", "tss tpm_nvdefine -i 0x00011001 -s 16 -p 'AUTHWRITE|AUTHREAD' -y --pwda=secret");
        s.put("tpm_nvwrite (area secret)", "tss tpm_nvwrite -i 0x00011001 -d 'area secret ok' --password=secret");
        s.put("tpm_nvread (area secret)", "tss tpm_nvread -i 0x00011001 -s 14 --password=secret");
        s.put("tpm_nvread (wrong area secret)", "tss tpm_nvread -i 0x00011001 -s 14 --password=wrong");
        s.put("tpm_nvinfo", "tss tpm_nvinfo");
        s.put("tpm_setenable -s", "tss tpm_setenable -z -s");
        s.put("tpm_setenable -e", "tss tpm_setenable -z -e");
        s.put("tpm_setactive -s", "tss tpm_setactive -z -s");
        s.put("flags at the end", "cd " + SYSFS + " && for f in enabled active owned temp_deactivated; do echo $f: $(cat $f); done");
        return s;
    }

    /** Steps whose output must equal swtpm's line for line (the rest differ by key material or by nothing at all). */
    private static final List<String> SAME_OUTPUT = List.of("tpm_version_major", "pcrs", "device/pcrs", "caps", "flags",
            "eventlog", "pubek before tpm_createek", "tpm_version", "tpm_createek", "tpm_takeownership", "owned",
            "pubek after tpm_takeownership", "tpm_takeownership again", "tpm_sealdata", "tpm_unsealdata",
            "tpm_sealdata -p 0 -p 7", "tpm_unsealdata (PCRs 0, 7)", "tpm_nvdefine", "tpm_nvwrite", "tpm_nvread",
            "tpm_nvdefine (area secret)", "tpm_nvwrite (area secret)", "tpm_nvread (area secret)",
            "tpm_nvread (wrong area secret)", "tpm_nvinfo", "tpm_setenable -s", "tpm_setenable -e", "tpm_setactive -s",
            "flags at the end");

    private static Map<String, Sh> session(Qemu vm) throws InterruptedException {
        Map<String, Sh> got = new LinkedHashMap<>();
        for (Map.Entry<String, String> step : steps().entrySet()) got.put(step.getKey(), vm.sh(step.getValue()));
        return got;
    }

    private static void requireTrousers() {
        VmHost.require(Files.isExecutable(Path.of("/usr/sbin/tcsd")), "/usr/sbin/tcsd (Debian's trousers)");
        VmHost.require(Files.isExecutable(Path.of("/usr/sbin/tpm_version")), "/usr/sbin/tpm_version (Debian's tpm-tools)");
    }

    @Test
    void seabiosMeasures_sysfsAndTrousersWalkThrough_asSwtpm_andOwnershipSurvivesARestart() throws Exception {
        VmHost.requirePrograms(false);
        requireTrousers();
        Path run = VmHost.tempDir("jtpm-vm12-");
        try {
            Map<String, Sh> reference;
            double swtpmBootSeconds;
            Path swtpmRun = Files.createDirectories(run.resolve("swtpm"));
            try (Vtpm swtpm = Vtpm.start(Vtpm.Kind.SWTPM, swtpmRun.resolve("state"), swtpmRun, false);
                 Qemu vm = Qemu.startTpm12(swtpm, swtpmRun, false)) {
                assertThat(vm.awaitReady()).as("the guest found a TPM 1.2 (swtpm)").contains("tpm-version 1");
                swtpmBootSeconds = (System.nanoTime() - vm.startNanos) / 1e9;
                reference = session(vm);
                vm.send("poweroff");
                vm.awaitExit();
            }

            Path state = run.resolve("jtpm-state");
            Map<String, Sh> jtpm;
            byte[] systemData, sealed, sealedPcr;
            double bootSeconds;
            try (Vtpm tpm = Vtpm.start(Vtpm.Kind.JTPM, state, run, false);
                 Qemu vm = Qemu.startTpm12(tpm, run, false)) {
                assertThat(vm.awaitReady()).as("the guest found a TPM 1.2 (jtpm)").contains("tpm-version 1");
                bootSeconds = (System.nanoTime() - vm.startNanos) / 1e9;
                jtpm = session(vm);
                systemData = fileOf(vm, "/var/lib/tpm/system.data");
                sealed = fileOf(vm, "/tmp/sealed.blob");
                sealedPcr = fileOf(vm, "/tmp/sealed-pcr.blob");
                tpm.kill();   // kill -9 under the running guest: what was acknowledged is in the state directory
            }
            for (String step : steps().keySet()) {
                Sh j = jtpm.get(step), s = reference.get(step);
                assertThat(j.rc()).as("%s: exit code with jtpm (output:\n%s)\nand with swtpm (output:\n%s)", step, j.text(),
                        s.text()).isEqualTo(s.rc());
                if (SAME_OUTPUT.contains(step)) {
                    assertThat(j.out()).as("%s: output with jtpm and with swtpm", step).isEqualTo(s.out());
                }
            }

            // what the walk-through must show (on swtpm as on jtpm: the step for step comparison above)
            Map<Integer, String> pcrs = sysfsPcrs(jtpm.get("pcrs").out());
            assertThat(pcrs).hasSize(24);
            byte[] eventLog = HexFormat.of().parseHex(String.join("", jtpm.get("eventlog").out()).trim());
            Map<Integer, String> replayed = replay(eventLog);
            assertThat(replayed).as("SeaBIOS measured into PCRs 0-7").containsOnlyKeys(0, 1, 2, 3, 4, 5, 6, 7);
            for (Map.Entry<Integer, String> e : replayed.entrySet()) {
                assertThat(pcrs.get(e.getKey())).as("PCR %d: sysfs pcrs and the TCPA event log's SHA-1 replay", e.getKey())
                        .isEqualTo(e.getValue());
            }
            assertThat(jtpm.get("caps").out()).containsExactly("Manufacturer: 0x49424d00", "TCG version: 1.2",
                    "Firmware version: 18.158");
            assertThat(jtpm.get("pubek before tpm_createek").out()).as("no EK yet: the kernel shows nothing")
                    .allMatch(String::isBlank);
            List<String> pubek = jtpm.get("pubek").out();
            List<String> swtpmPubek = reference.get("pubek").out();
            assertThat(pubek).hasSize(6 + 16).startsWith("Algorithm: 00 00 00 01", "Encscheme: 00 03", "Sigscheme: 00 01",
                    "Parameters: 00 00 08 00 00 00 00 02 00 00 00 00", "Modulus length: 256", "Modulus:");
            assertThat(pubek.subList(0, 6)).as("pubek's parameters with jtpm and with swtpm").isEqualTo(swtpmPubek.subList(0, 6));
            assertThat(pubek.subList(6, 22)).as("jtpm's EK and swtpm's are different keys")
                    .isNotEqualTo(swtpmPubek.subList(6, 22));
            String modulus = String.join("", pubek.subList(6, 22)).replace(" ", "");
            assertThat(getpubekModulus(jtpm.get("tpm_getpubek").out())).as("tpm_getpubek -z and sysfs pubek")
                    .isEqualTo(modulus);
            assertThat(jtpm.get("tpm_version").text()).contains("Chip Version:        1.2.18.158", "TPM Vendor ID:       IBM");
            assertThat(jtpm.get("owned").out()).containsExactly("1");
            assertThat(jtpm.get("tpm_takeownership again").rc()).as("a second owner").isNotZero();
            assertThat(jtpm.get("tpm_unsealdata").out()).containsExactly(PLAIN);
            assertThat(jtpm.get("tpm_unsealdata (PCRs 0, 7)").out()).containsExactly(PLAIN);
            assertThat(jtpm.get("tpm_nvread").text()).contains(NV_HEXDUMP);
            assertThat(jtpm.get("tpm_nvread (area secret)").text()).contains("area secret ok");
            assertThat(jtpm.get("tpm_nvread (wrong area secret)").rc()).as("a wrong area secret").isNotZero();
            assertThat(jtpm.get("tpm_nvinfo").text()).contains("0x00011001", "(AUTHREAD|AUTHWRITE)");
            assertThat(jtpm.get("tpm_setenable -s").text()).contains("Disabled status: false");
            assertThat(jtpm.get("tpm_setactive -s").text()).contains("Volatile Deactivated Status: false");
            for (String step : steps().keySet()) {
                if (step.startsWith("tpm_") && !step.contains("again") && !step.contains("wrong")) {
                    assertThat(jtpm.get(step).rc()).as("%s: %s", step, jtpm.get(step).text()).isZero();
                }
            }
            assertThat(state.resolve("tpm-00.permall")).exists();

            // after the kill -9, a new jtpm process on the same state and a fresh boot: still owned, the blobs unseal,
            // the NV index reads
            try (Vtpm tpm = Vtpm.start(Vtpm.Kind.JTPM, state, run, false);
                 Qemu vm = Qemu.startTpm12(tpm, run, true)) {
                assertThat(vm.awaitReady()).contains("tpm-version 1");
                assertThat(sysfsPcrs(vm.sh("cat " + SYSFS + "/pcrs").out())).as("SeaBIOS measured the same again")
                        .isEqualTo(pcrs);
                assertThat(vm.sh("cat " + SYSFS + "/owned").out()).containsExactly("1");
                // and a guest reboot on this process (QEMU's reset: CMD_INIT, SeaBIOS' TPM_Startup(ST_CLEAR) again)
                assertThat(vm.sh("tss tpm_nvwrite -i 0x00011001 -d 'after restart' --password=secret").rc()).isZero();
                byte[] measured = MessageDigest.getInstance("SHA-1").digest("jtpm-vm12".getBytes(StandardCharsets.US_ASCII));
                vm.put("/tmp/extend.bin", extend16(measured));   // TPM_Extend(16), raw through /dev/tpm0
                Sh rsp = vm.sh("exec 3<>/dev/tpm0; cat /tmp/extend.bin >&3; dd bs=4096 count=1 <&3 2>/dev/null "
                        + "| od -An -v -tx1 | tr -d ' \\n'");
                String pcr16 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(cat(new byte[20], measured)));
                assertThat(String.join("", rsp.out()).trim()).as("TPM_Extend's response").isEqualTo("00c40000001e00000000" + pcr16);
                assertThat(sysfsPcrs(vm.sh("cat " + SYSFS + "/pcrs").out()).get(16)).isEqualTo(pcr16);
                vm.send("reboot");
                assertThat(vm.awaitReady()).contains("tpm-version 1");
                assertThat(sysfsPcrs(vm.sh("cat " + SYSFS + "/pcrs").out())).as("PCRs after a guest reboot (PCR 16 reset)")
                        .isEqualTo(pcrs);
                assertThat(vm.sh("cat " + SYSFS + "/owned").out()).as("owned after a guest reboot").containsExactly("1");
                Sh area = vm.sh("tss tpm_nvread -i 0x00011001 -s 13 --password=secret");
                assertThat(area.rc()).as(area.text()).isZero();
                assertThat(area.text()).contains("after restart");
                vm.put("/var/lib/tpm/system.data", systemData);   // TrouSerS' own file, as a disk would keep it
                assertThat(vm.sh("chown tss:tss /var/lib/tpm/system.data").rc()).isZero();
                vm.put("/tmp/sealed.blob", sealed);
                vm.put("/tmp/sealed-pcr.blob", sealedPcr);
                Sh unsealed = vm.sh("tss tpm_unsealdata -z -i /tmp/sealed.blob -o /tmp/u.txt && cat /tmp/u.txt");
                assertThat(unsealed.rc()).as(unsealed.text()).isZero();
                assertThat(unsealed.out()).containsExactly(PLAIN);
                Sh unsealedPcr = vm.sh("tss tpm_unsealdata -z -i /tmp/sealed-pcr.blob -o /tmp/u.txt && cat /tmp/u.txt");
                assertThat(unsealedPcr.rc()).as(unsealedPcr.text()).isZero();
                assertThat(unsealedPcr.out()).containsExactly(PLAIN);
                Sh nv = vm.sh("tss tpm_nvread -i 0x00011000 -s 20 -z");
                assertThat(nv.rc()).as(nv.text()).isZero();
                assertThat(nv.text()).contains(NV_HEXDUMP);
                assertThat(vm.sh("tss tpm_takeownership -y -z").rc()).as("a second owner after the restart").isNotZero();
                Sh getpubek = vm.sh("tss tpm_getpubek -z");
                assertThat(getpubek.rc()).as(getpubek.text()).isZero();
                assertThat(getpubekModulus(getpubek.out())).as("the same EK after the restart").isEqualTo(modulus);
                vm.send("poweroff");
                vm.awaitExit();
            }
            System.out.printf("vm: TPM 1.2, SeaBIOS + tpm-tis: boot to the guest's prompt %.1f s with jtpm, %.1f s with "
                    + "swtpm; %d guest steps compared%n", bootSeconds, swtpmBootSeconds, steps().size());
        } finally {
            VmHost.delete(run);
        }
    }

    /** TPM_Extend (Part 3, 16.1) of {@code digest} into PCR 16. */
    private static byte[] extend16(byte[] digest) {
        return cat(new byte[] {0x00, (byte) 0xc1, 0, 0, 0, 34, 0, 0, 0, 0x14, 0, 0, 0, 16}, digest);
    }

    private static byte[] cat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** A guest file's octets (od's hex). */
    private static byte[] fileOf(Qemu vm, String path) throws InterruptedException {
        Sh hex = vm.sh("od -An -v -tx1 " + path + " | tr -d ' \\n'");
        assertThat(hex.rc()).as("od %s: %s", path, hex.text()).isZero();
        byte[] data = HexFormat.of().parseHex(String.join("", hex.out()).trim());
        assertThat(data).as(path).isNotEmpty();
        return data;
    }

    /** The "PCR-NN: XX XX …" lines of sysfs pcrs, as lower-case hex by index. */
    static Map<Integer, String> sysfsPcrs(List<String> lines) {
        Map<Integer, String> pcrs = new TreeMap<>();
        for (String l : lines) {
            if (!l.startsWith("PCR-")) continue;
            int colon = l.indexOf(':');
            pcrs.put(Integer.parseInt(l.substring(4, colon)), l.substring(colon + 1).replace(" ", "").toLowerCase());
        }
        return pcrs;
    }

    /** The EK modulus tpm_getpubek prints ("Public Key:" then lines of 8 hex words), as lower-case hex. */
    static String getpubekModulus(List<String> lines) {
        StringBuilder hex = new StringBuilder();
        boolean key = false;
        for (String l : lines) {
            if (l.contains("Public Key:")) key = true;
            else if (key && l.trim().matches("[0-9a-fA-F ]+")) hex.append(l.replaceAll("\\s", ""));
        }
        return hex.toString().toLowerCase();
    }

    /**
     * Replays a TCPA event log (TCG_PCClientPCREventStruct, little-endian: pcrIndex, eventType, SHA-1 digest,
     * eventDataSize, event data) from all-zero PCRs: the SHA-1 value of every PCR it extends.
     */
    static Map<Integer, String> replay(byte[] log) throws Exception {
        Map<Integer, byte[]> pcrs = new TreeMap<>();
        ByteBuffer b = ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> seen = new ArrayList<>();
        while (b.remaining() >= 32) {
            int pcr = b.getInt();
            int type = b.getInt();
            byte[] digest = new byte[20];
            b.get(digest);
            int size = b.getInt();
            if (size < 0 || size > b.remaining()) throw new AssertionError("event log cut short after " + seen.size() + " events");
            b.position(b.position() + size);
            if (pcr == 0 && type == 0 && size == 0) break;   // the table's unused space
            seen.add(type);
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(pcrs.getOrDefault(pcr, new byte[20]));
            sha1.update(digest);
            pcrs.put(pcr, sha1.digest());
        }
        assertThat(seen).as("events in SeaBIOS' log").isNotEmpty();
        Map<Integer, String> hex = new TreeMap<>();
        pcrs.forEach((k, v) -> hex.put(k, HexFormat.of().formatHex(v)));
        return hex;
    }
}
