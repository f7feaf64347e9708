package dev.jtpm.interop;

import static dev.jtpm.interop.RawCommands.cat;
import static dev.jtpm.interop.RawCommands.command;
import static dev.jtpm.interop.RawCommands.rc;
import static dev.jtpm.interop.RawCommands.u16;
import static dev.jtpm.interop.RawCommands.u32;
import static dev.jtpm.interop.Tools.tpm2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jtpm.server.SwtpmFlags;
import dev.jtpm.tss.SwtpmSocketTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code jtpm socket} started directly on the state directory a real swtpm 0.7.1 left (libtpms' format, tpm-server's
 * ForeignStateFormat with jtpm-libtpms): swtpm extends PCRs, creates and loads objects, increments an orderly counter
 * (its RAM copy is only in the volatile state), writes its volatile state (CMD_STORE_VOLATILE) and stops; jtpm starts
 * on the directory with _TPM_Init and answers as swtpm did — PCR values and update counter, the loaded objects'
 * public areas at the same handles (and the loaded key signs, openssl verifies), the orderly counter, primaries of
 * the same templates, TPM2_Startup refused as already started. swtpm's files are kept as {@code *.libtpms} once jtpm
 * writes its own. The same through SET_STATEBLOB (swtpm_ioctl --save on swtpm, --load on jtpm); a volatile state
 * with a hash sequence, and a damaged file, are refused with one line and the files are left byte-identical.
 */
class ImportStateAutoInteropTest {

    /** TPM2_PCR_Read of PCR 10 and 16 in SHA-1 and SHA-256: the response carries pcrUpdateCounter. */
    private static final byte[] PCR_READ = command(0x17e, cat(u32(2), u16(0x0004), new byte[] {3, 0, 4, 1},
            u16(0x000b), new byte[] {3, 0, 4, 1}));

    /** An ECC P-256 storage key (TPMT_PUBLIC): restricted decryption, AES-128-CFB. */
    private static final byte[] ECC_STORAGE = cat(u16(0x0023, 0x000b), u32(0x00030072), u16(0),
            u16(0x0006, 0x0080, 0x0043, 0x0010, 0x0003, 0x0010), u16(0), u16(0));

    @Test
    void resumesWhereSwtpmStopped() throws Exception {
        Tools.require("swtpm");
        Path work = JtpmServer.tempDir(), dir = work.resolve("state");
        Files.createDirectories(dir);
        Files.write(work.resolve("msg.txt"), "signed after the move".getBytes());
        Map<String, String> onSwtpm;
        try (ImportStateInteropTest.Swtpm swtpm = new ImportStateInteropTest.Swtpm(dir)) {
            String t = swtpm.tcti();
            tpm2(t, "tpm2_pcrextend", "10:sha1=" + "11".repeat(20) + ",sha256=" + "22".repeat(32)).ok();
            tpm2(t, "tpm2_pcrextend", "16:sha256=" + "33".repeat(32)).ok();
            tpm2(t, "tpm2_nvdefine", "-Q", "0x01500003", "-C", "o", "-a",
                    "nt=counter|ownerread|ownerwrite|authread|authwrite|orderly").ok();
            for (int i = 0; i < 5; i++) tpm2(t, "tpm2_nvincrement", "-Q", "0x01500003", "-C", "o").ok();
            // objects stay loaded: no resource manager between tpm2-tools and swtpm
            tpm2(t, "tpm2_createprimary", "-Q", "-C", "o", "-c", p(work, "primary.ctx")).ok();
            tpm2(t, "tpm2_create", "-Q", "-C", p(work, "primary.ctx"), "-G", "ecc256:ecdsa-sha256:null",
                    "-u", p(work, "key.pub"), "-r", p(work, "key.priv"), "-c", p(work, "key.ctx")).ok();
            onSwtpm = observe(t, swtpm.port(), work, false);
            // tpm2_create loads the primary's context again (0x80000001) and creates the key loaded at 0x80000002
            assertThat(onSwtpm.get("transient")).contains("0x80000000").contains("0x80000001").contains("0x80000002");
            swtpm.storeVolatile();
            swtpm.stop();
        }
        byte[] permall = Files.readAllBytes(dir.resolve("tpm2-00.permall"));
        byte[] volatileState = Files.readAllBytes(dir.resolve("tpm2-00.volatilestate"));

        // not-need-init: _TPM_Init at start, as CMD_INIT; the TPM resumes without TPM2_Startup
        try (JtpmServer jtpm = JtpmServer.onState(dir, new SwtpmFlags(true, SwtpmFlags.Startup.NONE, false))) {
            String t = jtpm.tcti();
            assertThat(observe(t, jtpm.port(), work, false)).isEqualTo(onSwtpm);
            try (SwtpmSocketTransport raw = SwtpmSocketTransport.tcp("127.0.0.1", jtpm.port())) {
                assertThat(rc(RawCommands.execute(raw, command(0x144, u16(0))))).isEqualTo(0x100); // TPM_RC_INITIALIZE
            }
            // the loaded key's private part came along: it signs, openssl verifies with its public key
            tpm2(t, "tpm2_readpublic", "-Q", "-c", "0x80000002", "-f", "pem", "-o", p(work, "key.pem")).ok();
            tpm2(t, "tpm2_sign", "-c", "0x80000002", "-g", "sha256", "-s", "ecdsa", "-f", "plain", "-o", p(work, "sig"),
                    p(work, "msg.txt")).ok();
            assertThat(Tools.run(Map.of(), null, "openssl", "dgst", "-sha256", "-verify", p(work, "key.pem"), "-signature",
                    p(work, "sig"), p(work, "msg.txt")).ok().out()).contains("Verified OK");
            // jtpm writes its own state from the first write on (here TPM2_Shutdown); swtpm's file is kept beside
            tpm2(t, "tpm2_shutdown", "-c").ok();
        }
        assertThat(Files.readAllBytes(dir.resolve("tpm2-00.permall.libtpms"))).isEqualTo(permall);
        assertThat(Files.readAllBytes(dir.resolve("tpm2-00.permall"))).isNotEqualTo(permall);

        // swtpm's volatile state stays until a CMD_INIT with PTM_INIT_FLAG_DELETE_VOLATILE (swtpm_ioctl -i), which still
        // resumes from it, as swtpm's tpmlib_start does, and then drops it (kept as *.libtpms)
        try (JtpmServer jtpm = JtpmServer.onState(dir, new SwtpmFlags(false, SwtpmFlags.Startup.NONE, false))) {
            Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", "127.0.0.1:" + (jtpm.port() + 1), "-i").ok();
            assertThat(Files.readAllBytes(dir.resolve("tpm2-00.volatilestate.libtpms"))).isEqualTo(volatileState);
            assertThat(Files.exists(dir.resolve("tpm2-00.volatilestate"))).isFalse();
            tpm2(jtpm.tcti(), "tpm2_nvincrement", "-Q", "0x01500003", "-C", "o").ok();
            tpm2(jtpm.tcti(), "tpm2_shutdown", "-c").ok();
        }
        // and on its own state alone, jtpm goes on from swtpm's counter
        try (JtpmServer jtpm = JtpmServer.onState(dir, new SwtpmFlags(false, SwtpmFlags.Startup.NONE, false))) {
            Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", "127.0.0.1:" + (jtpm.port() + 1), "-i").ok();
            tpm2(jtpm.tcti(), "tpm2_startup", "-c").ok();
            tpm2(jtpm.tcti(), "tpm2_nvread", "-Q", "0x01500003", "-C", "o", "-o", p(work, "counter")).ok();
            assertThat(HexFormat.of().formatHex(Files.readAllBytes(work.resolve("counter")))).isEqualTo("0000000000000006");
        }
    }

    @Test
    void takesLibtpmsBlobsThroughSetStateBlob() throws Exception {
        Tools.require("swtpm");
        Path work = JtpmServer.tempDir(), dir = work.resolve("state");
        Files.createDirectories(dir);
        Map<String, String> onSwtpm;
        try (ImportStateInteropTest.Swtpm swtpm = new ImportStateInteropTest.Swtpm(dir)) {
            String t = swtpm.tcti();
            tpm2(t, "tpm2_pcrextend", "10:sha256=" + "44".repeat(32)).ok();
            tpm2(t, "tpm2_createprimary", "-Q", "-C", "e", "-G", "ecc256", "-c", p(work, "primary.ctx")).ok();
            onSwtpm = observe(t, swtpm.port(), work, true);
            String ctrl = "127.0.0.1:" + (swtpm.port() + 1);
            Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", ctrl, "--save", "permanent", p(work, "perm.blob")).ok();
            Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", ctrl, "--save", "volatile", p(work, "vol.blob")).ok();
        }
        try (JtpmServer jtpm = JtpmServer.onState(work.resolve("target"), new SwtpmFlags(false, SwtpmFlags.Startup.NONE, false))) {
            String ctrl = "127.0.0.1:" + (jtpm.port() + 1);
            Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", ctrl, "--stop").ok();
            Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", ctrl, "--load", "permanent", p(work, "perm.blob")).ok();
            Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", ctrl, "--load", "volatile", p(work, "vol.blob")).ok();
            Tools.run(Map.of(), null, "swtpm_ioctl", "--tcp", ctrl, "-i").ok();
            assertThat(observe(jtpm.tcti(), jtpm.port(), work, true)).isEqualTo(onSwtpm);
        }
    }

    @Test
    void refusesWhatCannotBeTakenOverAndLeavesTheFiles() throws Exception {
        Tools.require("swtpm");
        Path work = JtpmServer.tempDir(), dir = work.resolve("state");
        Files.createDirectories(dir);
        try (ImportStateInteropTest.Swtpm swtpm = new ImportStateInteropTest.Swtpm(dir);
             SwtpmSocketTransport raw = SwtpmSocketTransport.tcp("127.0.0.1", swtpm.port())) {
            // TPM2_HashSequenceStart(SHA-256): a sequence object in OpenSSL's layout stays loaded
            assertThat(rc(RawCommands.execute(raw, command(0x186, cat(u16(0), u16(0x000b)))))).isZero();
            swtpm.storeVolatile();
            raw.close();
            swtpm.stop();
        }
        byte[] permall = Files.readAllBytes(dir.resolve("tpm2-00.permall"));
        byte[] volatileState = Files.readAllBytes(dir.resolve("tpm2-00.volatilestate"));
        assertThatThrownBy(() -> JtpmServer.onState(dir, new SwtpmFlags(true, SwtpmFlags.Startup.NONE, false)))
                .hasMessageContaining("tpm2-00.volatilestate").hasMessageContaining("hash sequence")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(Files.readAllBytes(dir.resolve("tpm2-00.permall"))).isEqualTo(permall);
        assertThat(Files.readAllBytes(dir.resolve("tpm2-00.volatilestate"))).isEqualTo(volatileState);
        assertThat(Files.exists(dir.resolve("tpm2-00.permall.libtpms"))).isFalse();

        // a damaged permanent state (swtpm's header and libtpms' magic intact, a structure cut short)
        Files.delete(dir.resolve("tpm2-00.volatilestate"));
        byte[] cut = java.util.Arrays.copyOf(permall, permall.length - 40);
        java.nio.ByteBuffer.wrap(cut).putInt(6, cut.length);                // swtpm's totlen
        java.nio.ByteBuffer.wrap(cut).putInt(12, cut.length - 16);          // TLV 1's length
        Files.write(dir.resolve("tpm2-00.permall"), cut);
        assertThatThrownBy(() -> JtpmServer.onState(dir, new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false)))
                .hasMessageContaining("tpm2-00.permall").hasMessageContaining("libtpms");
        assertThat(Files.readAllBytes(dir.resolve("tpm2-00.permall"))).isEqualTo(cut);
    }

    /** What both TPMs must answer alike. */
    private static Map<String, String> observe(String t, int port, Path work, boolean primary) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        try (SwtpmSocketTransport raw = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
            m.put("pcr read", HexFormat.of().formatHex(RawCommands.execute(raw, PCR_READ)));
        }
        m.put("transient", tpm2(t, "tpm2_getcap", "handles-transient").ok().out());
        for (String h : List.of("0x80000000", "0x80000001", "0x80000002")) {
            var r = tpm2(t, "tpm2_readpublic", "-c", h);
            m.put("public " + h, r.exit() == 0 ? r.out() : "none");
        }
        Files.deleteIfExists(work.resolve("counter"));
        var nv = tpm2(t, "tpm2_nvread", "-Q", "0x01500003", "-C", "o", "-o", p(work, "counter"));
        m.put("orderly counter", nv.exit() == 0 ? HexFormat.of().formatHex(Files.readAllBytes(work.resolve("counter"))) : "none");
        if (primary) {
            // a primary of a fixed template, all of the response but its handle: public area, creation data and ticket
            try (SwtpmSocketTransport raw = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
                byte[] r = RawCommands.execute(raw, RawCommands.authorized(0x131, 0x40000001,
                        cat(RawCommands.sized(cat(u16(0), u16(0))), RawCommands.sized(ECC_STORAGE), u16(0), u32(0))));
                assertThat(rc(r)).isZero();
                m.put("primary", HexFormat.of().formatHex(java.util.Arrays.copyOfRange(r, 14, r.length)));
                assertThat(RawCommands.flush(raw, RawCommands.u32At(r, 10))).isZero();
            }
        }
        return m;
    }

    private static String p(Path dir, String name) { return dir.resolve(name).toString(); }
}
