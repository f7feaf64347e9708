package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Moving a running TPM to another server process as QEMU migrates a VM (swtpm-protocol.md §4): on the source
 * GET_STATEBLOB permanent, volatile, savestate (swtpm_ioctl or jtpm ioctl {@code --save}); on the destination, a
 * server waiting for CMD_INIT, CMD_STOP, SET_STATEBLOB ×3 ({@code --load}), CMD_INIT with DELETE_VOLATILE
 * ({@code -i}), and no TPM2_Startup. On the source tpm2-tools left a sealed object under PolicyPCR, a salted HMAC
 * session saved in a context file (used once, for response encryption and an owner authorization), PCRs extended;
 * on the destination the session continues, the secret unseals, the PCRs are equal. The same script runs
 * swtpm → swtpm (the reference: the script is right) and jtpm → jtpm; jtpm and swtpm blobs are not interchangeable.
 */
class StateBlobMigrationInteropTest {
    @TempDir Path dir;

    private Tools.Run ioctl(String tool, String... args) {
        List<String> cmd = new ArrayList<>();
        if (tool.equals("swtpm_ioctl")) {
            cmd.add("swtpm_ioctl");
        } else {
            cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                    "dev.jtpm.cli.Main", "ioctl"));
        }
        cmd.addAll(List.of(args));
        return Tools.run(Map.of(), null, cmd.toArray(String[]::new));
    }

    private String f(String name) { return dir.resolve(name).toString(); }

    @ParameterizedTest(name = "{0} server, {1}")
    @CsvSource({"JTPM, jtpm", "JTPM, swtpm_ioctl", "SWTPM, swtpm_ioctl", "SWTPM, jtpm"})
    void sealedObjectHmacSessionAndPcrs_moveWithTheThreeBlobs(SocketServerProcess.Kind kind, String tool) throws Exception {
        Tools.require("tpm2_startauthsession");
        Tools.require("swtpm_ioctl");
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        try (SocketServerProcess a = new SocketServerProcess(kind, dir.resolve("a"), "not-need-init,startup-clear");
             SocketServerProcess b = new SocketServerProcess(kind, dir.resolve("b"), null)) {
            String ta = a.tcti();
            Tools.tpm2(ta, "tpm2_pcrextend", "16:sha256=" + "00".repeat(31) + "01").ok();
            Tools.tpm2(ta, "tpm2_createprimary", "-Q", "-C", "o", "-G", "ecc", "-c", f("prim.ctx")).ok();
            Tools.tpm2(ta, "tpm2_flushcontext", "-t").ok();
            Tools.tpm2(ta, "tpm2_startauthsession", "-S", f("trial.ctx")).ok();
            Tools.tpm2(ta, "tpm2_policypcr", "-Q", "-S", f("trial.ctx"), "-l", "sha256:16", "-L", f("pcr.policy")).ok();
            Tools.tpm2(ta, "tpm2_flushcontext", f("trial.ctx")).ok();
            Files.writeString(dir.resolve("secret.txt"), "the secret");
            Tools.tpm2(ta, "tpm2_create", "-Q", "-C", f("prim.ctx"), "-L", f("pcr.policy"), "-i", f("secret.txt"),
                    "-u", f("seal.pub"), "-r", f("seal.priv")).ok();
            Tools.tpm2(ta, "tpm2_flushcontext", "-t").ok();
            Tools.tpm2(ta, "tpm2_load", "-Q", "-C", f("prim.ctx"), "-u", f("seal.pub"), "-r", f("seal.priv"), "-c", f("seal.ctx")).ok();
            Tools.tpm2(ta, "tpm2_flushcontext", "-t").ok();
            // the HMAC session, salted with the primary key, kept open in its context file
            Tools.tpm2(ta, "tpm2_startauthsession", "--hmac-session", "-S", f("hmac.ctx"), "-c", f("prim.ctx")).ok();
            Tools.tpm2(ta, "tpm2_flushcontext", "-t").ok();
            Tools.tpm2(ta, "tpm2_sessionconfig", "--enable-encrypt", f("hmac.ctx")).ok();
            assertThat(Tools.tpm2(ta, "tpm2_getrandom", "-S", f("hmac.ctx"), "--hex", "8").ok().out()).hasSize(16);
            Tools.tpm2(ta, "tpm2_nvdefine", "-Q", "0x01500016", "-C", "o", "-s", "8", "-P", "session:" + f("hmac.ctx")).ok();
            Tools.tpm2(ta, "tpm2_pcrextend", "23:sha256=" + "00".repeat(31) + "ff").ok();
            String pcrs = Tools.tpm2(ta, "tpm2_pcrread", "sha1:16,23+sha256:16,23").ok().out();

            // source: the three blobs, the TPM still running (QEMU's pre_save)
            for (String type : List.of("permanent", "volatile", "savestate")) {
                ioctl(tool, "--tcp", a.ctrl(), "--save", type, f(type + ".blob")).ok();
            }
            assertThat(Files.size(dir.resolve("permanent.blob"))).isPositive();
            assertThat(Files.size(dir.resolve("volatile.blob"))).isPositive();
            a.close();   // the source is gone
            // destination (QEMU's post_load): stop, the blobs, INIT with DELETE_VOLATILE; no Startup
            ioctl(tool, "--tcp", b.ctrl(), "--stop").ok();
            for (String type : List.of("permanent", "volatile", "savestate")) {
                ioctl(tool, "--tcp", b.ctrl(), "--load", type, f(type + ".blob")).ok();
            }
            ioctl(tool, "--tcp", b.ctrl(), "-i").ok();

            String tb = b.tcti();
            assertThat(Tools.tpm2(tb, "tpm2_pcrread", "sha1:16,23+sha256:16,23").ok().out()).isEqualTo(pcrs);
            assertThat(Tools.tpm2(tb, "tpm2_getrandom", "-S", f("hmac.ctx"), "--hex", "8").ok().out()).hasSize(16);
            Tools.tpm2(tb, "tpm2_nvundefine", "-Q", "0x01500016", "-C", "o", "-P", "session:" + f("hmac.ctx")).ok();
            Tools.tpm2(tb, "tpm2_startauthsession", "--policy-session", "-S", f("pol.ctx")).ok();
            Tools.tpm2(tb, "tpm2_policypcr", "-Q", "-S", f("pol.ctx"), "-l", "sha256:16").ok();
            assertThat(Tools.tpm2(tb, "tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("pol.ctx")).ok().out())
                    .isEqualTo("the secret");
            Tools.tpm2(tb, "tpm2_flushcontext", f("hmac.ctx")).ok();
            ioctl(tool, "--tcp", b.ctrl(), "-s").ok();
            assertThat(b.awaitExit()).isZero();
        }
    }
}
