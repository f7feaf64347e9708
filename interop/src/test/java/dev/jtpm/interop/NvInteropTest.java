package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.interop.JtpmServer.Protocol;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NV storage as tpm2-tools drives it: every index type (ordinary, counter, bits, extend, PIN Pass, PIN Fail) defined,
 * written and read with the tools; the locks (WRITEDEFINE, WRITE_STCLEAR, READ_STCLEAR, GLOBALLOCK); each
 * authorization rule (owner, platform, the index password, a policy session from tpm2_policycommandcode or
 * tpm2_policysecret) and the wrong entity refused; NV_ChangeAuth through tpm2_changeauth; a secret unsealed only while an
 * NV counter is at least N (tpm2_policynv); tpm2_nvcertify signatures verified by openssl; tpm2_getcap's NV handles and
 * counters; and the state across restarts ({@link JtpmServer#restart()}): indices, data, counters, WRITTEN, the locks
 * a Startup(CLEAR) clears and the one it keeps, orderly counters after an orderly TPM2_Shutdown and after a stop without
 * one.
 */
class NvInteropTest {
    private Path dir;
    private String t;

    /**
     * The TPM under test: jtpm ({@link JtpmServer} without automatic shutdown, restarted in this JVM on the same state)
     * or, as the reference the expected codes are checked against, swtpm 0.7.1 (a process stopped with SIGTERM and
     * started again on the same state). A restart sends no TPM2_Shutdown on either; both start with Startup(CLEAR).
     */
    private interface Target extends AutoCloseable {
        String tcti();

        void restart() throws Exception;

        @Override
        void close() throws Exception;

        static Target open(String name) throws Exception {
            if (name.equals("swtpm")) return new Swtpm();
            JtpmServer server = JtpmServer.startedWithoutAutoShutdown(Protocol.SWTPM);
            return new Target() {
                public String tcti() { return server.tcti(); }

                public void restart() { server.restart(); }

                public void close() { server.close(); }
            };
        }
    }

    private static final class Swtpm implements Target {
        private final Path state = JtpmServer.tempDir();
        private Process process;
        private int port;

        Swtpm() throws Exception {
            Tools.require("swtpm");
            start();
        }

        private void start() throws Exception {
            port = FreePorts.pair();
            process = new ProcessBuilder("swtpm", "socket", "--tpm2", "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                    "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1", "--flags", "not-need-init,startup-clear",
                    "--tpmstate", "dir=" + state).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(state.resolveSibling(state.getFileName() + ".log").toFile()))
                    .start();
            for (int i = 0; ; i++) {
                try (Socket ignored = new Socket("127.0.0.1", port + 1)) {
                    return;
                } catch (IOException e) {
                    if (i == 400 || !process.isAlive()) throw new IllegalStateException("swtpm did not start", e);
                    Thread.sleep(25);
                }
            }
        }

        public String tcti() { return "swtpm:host=127.0.0.1,port=" + port; }

        public void restart() throws Exception {
            close();
            start();
        }

        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }
    }

    private String f(String name) { return dir.resolve(name).toString(); }

    private Tools.Run tpm(String... args) { return Tools.tpm2(t, args); }

    private static Tools.Run openssl(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Tools.run(Map.of(), null, cmd);
    }

    /** A file in the test directory holding {@code data} (tpm2_nvwrite -i needs a seekable file, not a pipe). */
    private String file(String name, byte[] data) throws Exception {
        Files.write(dir.resolve(name), data);
        return f(name);
    }

    private static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    private static byte[] u64(long v) { return ByteBuffer.allocate(8).putLong(v).array(); }

    /** tpm2_nvread of the whole index into a file, authorized by {@code auth} (and -P {@code password} when given). */
    private byte[] read(String index, String auth, String... password) throws Exception {
        List<String> args = new ArrayList<>(List.of("tpm2_nvread", index, "-C", auth, "-o", f("read.out")));
        if (password.length > 0) args.addAll(List.of("-P", password[0]));
        tpm(args.toArray(String[]::new)).ok();
        return Files.readAllBytes(dir.resolve("read.out"));
    }

    private long readU64(String index) throws Exception { return ByteBuffer.wrap(read(index, "o")).getLong(); }

    /** The friendly attribute names tpm2_nvreadpublic prints for {@code index}. */
    private String attributes(String index) {
        String out = tpm("tpm2_nvreadpublic", index).ok().out();
        Matcher m = Pattern.compile("attributes:\\s*\\n\\s*friendly: (\\S*)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return "|" + m.group(1) + "|";
    }

    /** A policy digest built in a trial session by {@code assertion} (a tpm2_policy* tool and its arguments, no -S/-L). */
    private String trialPolicy(String name, String... assertion) {
        tpm("tpm2_startauthsession", "-S", f("trial.ctx")).ok();
        List<String> args = new ArrayList<>(List.of(assertion));
        args.addAll(List.of("-S", f("trial.ctx"), "-L", f(name)));
        tpm(args.toArray(String[]::new)).ok();
        tpm("tpm2_flushcontext", f("trial.ctx")).ok();
        return f(name);
    }

    /** A policy session on which {@code assertion} ran: "session:FILE" for -P; flush it with {@link #flushSession()}. */
    private String policySession(String... assertion) {
        tpm("tpm2_startauthsession", "--policy-session", "-S", f("ps.ctx")).ok();
        List<String> args = new ArrayList<>(List.of(assertion));
        args.addAll(List.of("-S", f("ps.ctx")));
        tpm(args.toArray(String[]::new)).ok();
        return "session:" + f("ps.ctx");
    }

    private void flushSession() { tpm("tpm2_flushcontext", f("ps.ctx")).ok(); }

    private void flushTransient() { tpm("tpm2_flushcontext", "-t").ok(); }

    /** tpm2_getcap properties-variable: the value of one TPM2_PT_* line. */
    private int variableProperty(String name) {
        Matcher m = Pattern.compile(name + ": (0x[0-9A-Fa-f]+)").matcher(tpm("tpm2_getcap", "properties-variable").ok().out());
        assertThat(m.find()).isTrue();
        return Integer.decode(m.group(1));
    }

    private List<String> nvHandles() {
        String out = tpm("tpm2_getcap", "handles-nv-index").ok().out();
        return out.lines().map(String::strip).filter(l -> l.startsWith("- ")).map(l -> l.substring(2)).toList();
    }

    // ---------------------------------------------------------------- index types

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jtpm", "swtpm"})
    void everyIndexType_definedWrittenAndReadByTheTools(String tpmName) throws Exception {
        dir = Files.createTempDirectory("jtpm-nv-types");
        try (Target s = Target.open(tpmName)) {
            t = s.tcti();
            assertThat(nvHandles()).isEmpty();
            int countersBefore = variableProperty("TPM2_PT_NV_COUNTERS");
            assertThat(countersBefore).isZero();
            int countersAvail = variableProperty("TPM2_PT_NV_COUNTERS_AVAIL");
            assertThat(countersAvail).isPositive();

            // ordinary: written at an offset, read back whole; the first write fills the rest (libtpms: 0xFF)
            tpm("tpm2_nvdefine", "0x1500001", "-C", "o", "-s", "16", "-a", "ownerread|ownerwrite|authread|authwrite", "-p", "idx").ok();
            assertThat(attributes("0x1500001")).doesNotContain("|written|");
            assertThat(tpm("tpm2_nvread", "0x1500001", "-C", "o", "-s", "4").outcome()).isEqualTo("0x14a");   // NV_UNINITIALIZED
            tpm("tpm2_nvwrite", "0x1500001", "-C", "o", "-i", file("hello", ascii("hello")), "--offset", "3").ok();
            assertThat(attributes("0x1500001")).contains("|written|");
            byte[] whole = read("0x1500001", "o");
            assertThat(Arrays.copyOfRange(whole, 3, 8)).isEqualTo(ascii("hello"));
            tpm("tpm2_nvwrite", "0x1500001", "-C", "0x1500001", "-P", "idx", "-i", file("head", ascii("abc"))).ok();
            assertThat(Arrays.copyOfRange(read("0x1500001", "0x1500001", "idx"), 0, 8)).isEqualTo(ascii("abchello"));
            assertThat(tpm("tpm2_nvwrite", "0x1500001", "-C", "o", "-i", f("hello"), "--offset", "12").exit()).isNotZero(); // past the end

            // counter
            tpm("tpm2_nvdefine", "0x1500002", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|nt=counter").ok();
            assertThat(tpm("tpm2_nvread", "0x1500002", "-C", "o").outcome()).isEqualTo("0x14a");
            for (int i = 0; i < 3; i++) tpm("tpm2_nvincrement", "0x1500002", "-C", "o").ok();
            assertThat(readU64("0x1500002")).isEqualTo(3);
            assertThat(tpm("tpm2_nvwrite", "0x1500002", "-C", "o", "-i", file("eight", u64(9))).outcome()).isEqualTo("0x82"); // ATTRIBUTES

            // bit field
            tpm("tpm2_nvdefine", "0x1500003", "-C", "o", "-a", "ownerread|ownerwrite|nt=bits").ok();
            tpm("tpm2_nvsetbits", "0x1500003", "-C", "o", "-i", "0x5").ok();
            tpm("tpm2_nvsetbits", "0x1500003", "-C", "o", "-i", "0x8000000000000100").ok();
            assertThat(readU64("0x1500003")).isEqualTo(0x8000000000000105L);

            // extend: H(old || data), from 32 zero octets
            tpm("tpm2_nvdefine", "0x1500004", "-C", "o", "-g", "sha256", "-a", "ownerread|ownerwrite|nt=extend").ok();
            tpm("tpm2_nvextend", "0x1500004", "-C", "o", "-i", file("abc", ascii("abc"))).ok();
            tpm("tpm2_nvextend", "0x1500004", "-C", "o", "-i", file("def", ascii("def"))).ok();
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(new byte[32]);
            sha256.update(ascii("abc"));
            byte[] once = sha256.digest();
            sha256.update(once);
            sha256.update(ascii("def"));
            assertThat(read("0x1500004", "o")).isEqualTo(sha256.digest());

            // an orderly counter counts as a counter too
            tpm("tpm2_nvdefine", "0x1500005", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|nt=counter|orderly").ok();
            tpm("tpm2_nvincrement", "0x1500005", "-C", "o").ok();
            assertThat(readU64("0x1500005")).isEqualTo(1);
            assertThat(attributes("0x1500005")).contains("|orderly|", "|written|");

            assertThat(nvHandles()).containsExactly("0x1500001", "0x1500002", "0x1500003", "0x1500004", "0x1500005");
            assertThat(variableProperty("TPM2_PT_HR_NV_INDEX")).isEqualTo(5);
            assertThat(variableProperty("TPM2_PT_NV_COUNTERS")).isEqualTo(2);
            assertThat(variableProperty("TPM2_PT_NV_COUNTERS_AVAIL")).isPositive();

            tpm("tpm2_nvundefine", "0x1500002", "-C", "o").ok();
            tpm("tpm2_nvundefine", "0x1500005", "-C", "o").ok();
            assertThat(nvHandles()).containsExactly("0x1500001", "0x1500003", "0x1500004");
            assertThat(variableProperty("TPM2_PT_NV_COUNTERS")).isZero();
            assertThat(tpm("tpm2_nvread", "0x1500002", "-C", "o").exit()).isNotZero();
            // a counter defined again starts above any value the deleted one had (ms-tpm's maxCounter)
            tpm("tpm2_nvdefine", "0x1500002", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|nt=counter").ok();
            tpm("tpm2_nvincrement", "0x1500002", "-C", "o").ok();
            assertThat(readU64("0x1500002")).isGreaterThan(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jtpm", "swtpm"})
    void pinPassAndPinFail_countUsesOfTheIndexPassword(String tpmName) throws Exception {
        dir = Files.createTempDirectory("jtpm-nv-pin");
        try (Target s = Target.open(tpmName)) {
            t = s.tcti();
            // PIN Fail: pinCount counts failures, a success zeroes it, at pinLimit the password is refused
            tpm("tpm2_nvdefine", "0x1500006", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|authread|nt=pinfail|no_da",
                    "-p", "pin").ok();
            tpm("tpm2_nvwrite", "0x1500006", "-C", "o", "-i", file("limit2", u64(2))).ok();
            assertThat(read("0x1500006", "0x1500006", "pin")).isEqualTo(u64(2));
            assertThat(tpm("tpm2_nvread", "0x1500006", "-C", "0x1500006", "-P", "wrong").outcome()).isEqualTo("0x9a2"); // BAD_AUTH
            assertThat(readU64("0x1500006")).isEqualTo(1L << 32 | 2);
            read("0x1500006", "0x1500006", "pin");
            assertThat(readU64("0x1500006")).isEqualTo(2);
            for (int i = 0; i < 2; i++) {
                assertThat(tpm("tpm2_nvread", "0x1500006", "-C", "0x1500006", "-P", "wrong").outcome()).isEqualTo("0x9a2");
            }
            assertThat(tpm("tpm2_nvread", "0x1500006", "-C", "0x1500006", "-P", "pin").outcome()).isEqualTo("0x12f"); // AUTH_UNAVAILABLE
            assertThat(readU64("0x1500006")).isEqualTo(2L << 32 | 2);
            tpm("tpm2_nvwrite", "0x1500006", "-C", "o", "-i", f("limit2")).ok();                  // the owner resets it
            read("0x1500006", "0x1500006", "pin");

            // PIN Pass: pinCount counts successes up to pinLimit
            tpm("tpm2_nvdefine", "0x1500007", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|authread|nt=pinpass",
                    "-p", "pass").ok();
            assertThat(tpm("tpm2_nvread", "0x1500007", "-C", "0x1500007", "-P", "pass").outcome()).isEqualTo("0x12f"); // not written
            tpm("tpm2_nvwrite", "0x1500007", "-C", "o", "-i", f("limit2")).ok();
            assertThat(read("0x1500007", "0x1500007", "pass")).isEqualTo(u64(1L << 32 | 2));
            read("0x1500007", "0x1500007", "pass");
            assertThat(tpm("tpm2_nvread", "0x1500007", "-C", "0x1500007", "-P", "pass").outcome()).isEqualTo("0x12f");
            assertThat(readU64("0x1500007")).isEqualTo(2L << 32 | 2);
            // a PIN index cannot be written by its password (AUTHWRITE is refused at definition)
            assertThat(tpm("tpm2_nvdefine", "0x1500008", "-C", "o", "-s", "8", "-a", "authwrite|authread|nt=pinpass").outcome())
                    .isEqualTo("0x2c2");
        }
    }

    // ---------------------------------------------------------------- locks

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jtpm", "swtpm"})
    void locks_writeDefineWriteStClearReadStClearAndGlobal(String tpmName) throws Exception {
        dir = Files.createTempDirectory("jtpm-nv-locks");
        try (Target s = Target.open(tpmName)) {
            t = s.tcti();
            String four = file("four", ascii("abcd"));
            tpm("tpm2_nvdefine", "0x1500030", "-C", "o", "-s", "4", "-a", "ownerread|ownerwrite|writedefine").ok();
            tpm("tpm2_nvdefine", "0x1500031", "-C", "o", "-s", "4", "-a", "ownerread|ownerwrite|write_stclear|read_stclear").ok();
            tpm("tpm2_nvdefine", "0x1500032", "-C", "o", "-s", "4", "-a", "ownerread|ownerwrite|globallock").ok();
            tpm("tpm2_nvdefine", "0x1500033", "-C", "o", "-s", "4", "-a", "ownerread|ownerwrite").ok();
            for (String h : List.of("0x1500030", "0x1500031", "0x1500032", "0x1500033")) tpm("tpm2_nvwrite", h, "-C", "o", "-i", four).ok();

            // an index without WRITEDEFINE or WRITE_STCLEAR cannot be write-locked, nor one without READ_STCLEAR read-locked
            assertThat(tpm("tpm2_nvwritelock", "0x1500033", "-C", "o").outcome()).isEqualTo("0x282");   // ATTRIBUTES, handle 2
            assertThat(tpm("tpm2_nvreadlock", "0x1500033", "-C", "o").outcome()).isEqualTo("0x282");
            assertThat(tpm("tpm2_nvwritelock", "0x1500032", "-C", "o").outcome()).isEqualTo("0x282");

            tpm("tpm2_nvwritelock", "0x1500030", "-C", "o").ok();
            tpm("tpm2_nvwritelock", "0x1500031", "-C", "o").ok();
            tpm("tpm2_nvreadlock", "0x1500031", "-C", "o").ok();
            assertThat(attributes("0x1500030")).contains("|writelocked|");
            assertThat(attributes("0x1500031")).contains("|writelocked|", "|readlocked|");
            assertThat(tpm("tpm2_nvwrite", "0x1500030", "-C", "o", "-i", four).outcome()).isEqualTo("0x148");   // NV_LOCKED
            assertThat(tpm("tpm2_nvwrite", "0x1500031", "-C", "o", "-i", four).outcome()).isEqualTo("0x148");
            assertThat(tpm("tpm2_nvread", "0x1500031", "-C", "o").outcome()).isEqualTo("0x148");
            assertThat(read("0x1500030", "o")).isEqualTo(ascii("abcd"));                                    // still readable

            // TPM2_NV_GlobalWriteLock locks every GLOBALLOCK index and nothing else
            tpm("tpm2_nvwritelock", "--global", "-C", "o").ok();
            assertThat(attributes("0x1500032")).contains("|writelocked|");
            assertThat(attributes("0x1500033")).doesNotContain("|writelocked|");
            assertThat(tpm("tpm2_nvwrite", "0x1500032", "-C", "o", "-i", four).outcome()).isEqualTo("0x148");
            tpm("tpm2_nvwrite", "0x1500033", "-C", "o", "-i", four).ok();

            // Startup(CLEAR): WRITE_STCLEAR, READ_STCLEAR and the global lock go; WRITEDEFINE on a written index stays
            s.restart();
            t = s.tcti();
            assertThat(attributes("0x1500030")).contains("|writelocked|");
            assertThat(tpm("tpm2_nvwrite", "0x1500030", "-C", "o", "-i", four).outcome()).isEqualTo("0x148");
            assertThat(attributes("0x1500031")).doesNotContain("|writelocked|").doesNotContain("|readlocked|");
            assertThat(read("0x1500031", "o")).isEqualTo(ascii("abcd"));
            tpm("tpm2_nvwrite", "0x1500031", "-C", "o", "-i", file("wxyz", ascii("wxyz"))).ok();
            assertThat(attributes("0x1500032")).doesNotContain("|writelocked|");
            tpm("tpm2_nvwrite", "0x1500032", "-C", "o", "-i", f("wxyz")).ok();
            assertThat(read("0x1500032", "o")).isEqualTo(ascii("wxyz"));

            // WRITEDEFINE locked before the first write: nothing written, so a Startup(CLEAR) unlocks it
            tpm("tpm2_nvdefine", "0x1500034", "-C", "o", "-s", "4", "-a", "ownerread|ownerwrite|writedefine").ok();
            tpm("tpm2_nvwritelock", "0x1500034", "-C", "o").ok();
            assertThat(tpm("tpm2_nvwrite", "0x1500034", "-C", "o", "-i", four).outcome()).isEqualTo("0x148");
            s.restart();
            t = s.tcti();
            tpm("tpm2_nvwrite", "0x1500034", "-C", "o", "-i", four).ok();
            tpm("tpm2_nvwritelock", "0x1500034", "-C", "o").ok();
            s.restart();
            t = s.tcti();
            assertThat(tpm("tpm2_nvwrite", "0x1500034", "-C", "o", "-i", four).outcome()).isEqualTo("0x148");
        }
    }

    // ---------------------------------------------------------------- authorization

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jtpm", "swtpm"})
    void authorization_ownerPlatformPasswordAndPolicy_andTheWrongEntityRefused(String tpmName) throws Exception {
        dir = Files.createTempDirectory("jtpm-nv-auth");
        try (Target s = Target.open(tpmName)) {
            t = s.tcti();
            String four = file("four", ascii("abcd"));
            // owner-only index with a password nobody may use
            tpm("tpm2_nvdefine", "0x1500040", "-C", "o", "-s", "4", "-a", "ownerread|ownerwrite", "-p", "idx").ok();
            assertThat(tpm("tpm2_nvwrite", "0x1500040", "-C", "0x1500040", "-P", "idx", "-i", four).outcome()).isEqualTo("0x12f");
            assertThat(tpm("tpm2_nvwrite", "0x1500040", "-C", "p", "-i", four).outcome()).isEqualTo("0x149");   // NV_AUTHORIZATION
            tpm("tpm2_nvwrite", "0x1500040", "-C", "o", "-i", four).ok();
            assertThat(tpm("tpm2_nvread", "0x1500040", "-C", "0x1500040", "-P", "idx").outcome()).isEqualTo("0x12f");
            assertThat(tpm("tpm2_nvread", "0x1500040", "-C", "p").outcome()).isEqualTo("0x149");

            // index-password-only index: the owner is refused, a wrong password counts as a DA failure
            tpm("tpm2_nvdefine", "0x1500041", "-C", "o", "-s", "4", "-a", "authread|authwrite", "-p", "idx").ok();
            assertThat(tpm("tpm2_nvwrite", "0x1500041", "-C", "o", "-i", four).outcome()).isEqualTo("0x149");
            tpm("tpm2_nvwrite", "0x1500041", "-C", "0x1500041", "-P", "idx", "-i", four).ok();
            assertThat(tpm("tpm2_nvread", "0x1500041", "-C", "0x1500041", "-P", "wrong").outcome()).isEqualTo("0x98e"); // AUTH_FAIL
            assertThat(read("0x1500041", "0x1500041", "idx")).isEqualTo(ascii("abcd"));

            // a platform index: the platform writes it and deletes it, the owner does neither
            tpm("tpm2_nvdefine", "0x1400041", "-C", "p", "-s", "4", "-a", "ppread|ppwrite|platformcreate").ok();
            assertThat(tpm("tpm2_nvdefine", "0x1400042", "-C", "o", "-s", "4", "-a", "ppread|ppwrite|platformcreate").outcome())
                    .isEqualTo("0x182");                                                           // ATTRIBUTES, handle 1
            assertThat(tpm("tpm2_nvwrite", "0x1400041", "-C", "o", "-i", four).outcome()).isEqualTo("0x149");
            tpm("tpm2_nvwrite", "0x1400041", "-C", "p", "-i", four).ok();
            assertThat(read("0x1400041", "p")).isEqualTo(ascii("abcd"));
            assertThat(tpm("tpm2_nvundefine", "0x1400041", "-C", "o").outcome()).isEqualTo("0x149");
            tpm("tpm2_nvundefine", "0x1400041", "-C", "p").ok();

            // the owner's hierarchy password guards the owner's access
            tpm("tpm2_changeauth", "-c", "o", "ownerpw").ok();
            assertThat(tpm("tpm2_nvread", "0x1500040", "-C", "o").outcome()).isEqualTo("0x9a2");    // BAD_AUTH: no DA for hierarchies
            assertThat(read("0x1500040", "o", "ownerpw")).isEqualTo(ascii("abcd"));
            tpm("tpm2_changeauth", "-c", "o", "-p", "ownerpw").ok();

            // policy read: PolicyCommandCode(NV_Read); the wrong command code and a password are refused
            String readPolicy = trialPolicy("read.policy", "tpm2_policycommandcode", "TPM2_CC_NV_Read");
            tpm("tpm2_nvdefine", "0x1500042", "-C", "o", "-s", "4", "-a", "ownerwrite|policyread", "-L", readPolicy).ok();
            tpm("tpm2_nvwrite", "0x1500042", "-C", "o", "-i", four).ok();
            String session = policySession("tpm2_policycommandcode", "TPM2_CC_NV_Read");
            assertThat(read("0x1500042", "0x1500042", session)).isEqualTo(ascii("abcd"));
            flushSession();
            session = policySession("tpm2_policycommandcode", "TPM2_CC_NV_Write");
            assertThat(tpm("tpm2_nvread", "0x1500042", "-C", "0x1500042", "-P", session).outcome()).isEqualTo("0x99d"); // POLICY_FAIL
            flushSession();
            assertThat(tpm("tpm2_nvread", "0x1500042", "-C", "0x1500042").outcome()).isEqualTo("0x12f");
            assertThat(tpm("tpm2_nvread", "0x1500042", "-C", "o").outcome()).isEqualTo("0x149");

            // policy write: PolicySecret(owner); the read policy's session does not write
            String secretPolicy = trialPolicy("secret.policy", "tpm2_policysecret", "-c", "o");
            tpm("tpm2_nvdefine", "0x1500043", "-C", "o", "-s", "4", "-a", "ownerread|policywrite", "-L", secretPolicy).ok();
            session = policySession("tpm2_policysecret", "-c", "o");
            tpm("tpm2_nvwrite", "0x1500043", "-C", "0x1500043", "-P", session, "-i", four).ok();
            flushSession();
            assertThat(read("0x1500043", "o")).isEqualTo(ascii("abcd"));
            session = policySession("tpm2_policycommandcode", "TPM2_CC_NV_Write");
            assertThat(tpm("tpm2_nvwrite", "0x1500043", "-C", "0x1500043", "-P", session, "-i", four).outcome()).isEqualTo("0x99d");
            flushSession();
            assertThat(tpm("tpm2_nvwrite", "0x1500043", "-C", "o", "-i", four).outcome()).isEqualTo("0x149");
            // PolicySecret with a wrong owner password does not even start
            tpm("tpm2_startauthsession", "--policy-session", "-S", f("ps.ctx")).ok();
            assertThat(tpm("tpm2_policysecret", "-S", f("ps.ctx"), "-c", "o", "wrong").exit()).isNotZero();
            flushSession();

            // the owner deletes an index whatever its read and write rules
            tpm("tpm2_nvundefine", "0x1500041", "-C", "o").ok();
            assertThat(nvHandles()).containsExactly("0x1500040", "0x1500042", "0x1500043");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jtpm", "swtpm"})
    void changeAuth_needsAPolicySessionWithTheCommandCode(String tpmName) throws Exception {
        dir = Files.createTempDirectory("jtpm-nv-changeauth");
        try (Target s = Target.open(tpmName)) {
            t = s.tcti();
            String policy = trialPolicy("ca.policy", "tpm2_policycommandcode", "TPM2_CC_NV_ChangeAuth");
            tpm("tpm2_nvdefine", "0x1500050", "-C", "o", "-s", "4", "-a", "authread|authwrite|no_da", "-p", "old", "-L", policy).ok();
            tpm("tpm2_nvwrite", "0x1500050", "-C", "0x1500050", "-P", "old", "-i", file("four", ascii("abcd"))).ok();
            String nameBefore = tpm("tpm2_nvreadpublic", "0x1500050").ok().out();
            // ADMIN role: the password is refused (TPM_RC_AUTH_TYPE), so is a policy for another command
            assertThat(tpm("tpm2_changeauth", "-c", "0x1500050", "-p", "old", "new").outcome()).isEqualTo("0x124");
            String session = policySession("tpm2_policycommandcode", "TPM2_CC_NV_Read");
            assertThat(tpm("tpm2_changeauth", "-c", "0x1500050", "-p", session, "new").exit()).isNotZero();
            flushSession();
            session = policySession("tpm2_policycommandcode", "TPM2_CC_NV_ChangeAuth");
            tpm("tpm2_changeauth", "-c", "0x1500050", "-p", session, "new").ok();
            flushSession();
            assertThat(tpm("tpm2_nvread", "0x1500050", "-C", "0x1500050", "-P", "old").outcome()).isEqualTo("0x9a2");
            assertThat(read("0x1500050", "0x1500050", "new")).isEqualTo(ascii("abcd"));
            // the Name does not cover the authValue: unchanged
            assertThat(tpm("tpm2_nvreadpublic", "0x1500050").ok().out()).isEqualTo(nameBefore);
            s.restart();
            t = s.tcti();
            assertThat(read("0x1500050", "0x1500050", "new")).isEqualTo(ascii("abcd"));
        }
    }

    // ---------------------------------------------------------------- policies over NV

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jtpm", "swtpm"})
    void policyNv_unsealsOnlyWhileTheCounterIsAtLeastN(String tpmName) throws Exception {
        dir = Files.createTempDirectory("jtpm-nv-policynv");
        try (Target s = Target.open(tpmName)) {
            t = s.tcti();
            tpm("tpm2_nvdefine", "0x1500020", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|authread|nt=counter").ok();
            tpm("tpm2_nvincrement", "0x1500020", "-C", "o").ok();
            String three = file("three", u64(3));
            // the policy digest: PolicyNV(index Name, operandB = 3, offset 0, UNSIGNED_GE); the trial reads the index too
            String policy = trialPolicy("nv.policy", "tpm2_policynv", "-C", "0x1500020", "-i", three, "0x1500020", "uge");
            Files.writeString(dir.resolve("secret"), "released at 3");
            tpm("tpm2_createprimary", "-C", "o", "-c", f("prim.ctx")).ok();
            flushTransient();
            tpm("tpm2_create", "-C", f("prim.ctx"), "-L", policy, "-i", f("secret"), "-u", f("seal.pub"), "-r", f("seal.priv"),
                    "-c", f("seal.ctx")).ok();
            flushTransient();
            for (long counter = 1; counter <= 4; counter++) {
                tpm("tpm2_startauthsession", "--policy-session", "-S", f("ps.ctx")).ok();
                Tools.Run nv = tpm("tpm2_policynv", "-S", f("ps.ctx"), "-C", "0x1500020", "-i", three, "0x1500020", "uge");
                if (counter < 3) {
                    assertThat(nv.outcome()).as("counter " + counter).isEqualTo("0x126");   // TPM_RC_POLICY
                    assertThat(tpm("tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx")).outcome())
                            .isEqualTo("0x99d");
                } else {
                    nv.ok();
                    assertThat(tpm("tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx")).ok().out())
                            .isEqualTo("released at 3");
                }
                flushSession();
                flushTransient();
                tpm("tpm2_nvincrement", "0x1500020", "-C", "o").ok();
            }
            // the index password authorizes PolicyNV too (-C omitted: the index itself)
            tpm("tpm2_startauthsession", "--policy-session", "-S", f("ps.ctx")).ok();
            tpm("tpm2_policynv", "-S", f("ps.ctx"), "-i", three, "0x1500020", "uge").ok();
            assertThat(tpm("tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx")).ok().out()).isEqualTo("released at 3");
            flushSession();
            flushTransient();
            // a different comparison is a different policy
            tpm("tpm2_startauthsession", "--policy-session", "-S", f("ps.ctx")).ok();
            tpm("tpm2_policynv", "-S", f("ps.ctx"), "-C", "0x1500020", "-i", three, "0x1500020", "ugt").ok();
            assertThat(tpm("tpm2_unseal", "-c", f("seal.ctx"), "-p", "session:" + f("ps.ctx")).outcome()).isEqualTo("0x99d");
            flushSession();
            flushTransient();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jtpm", "swtpm"})
    void nvCertify_signatureVerifiedByOpenssl(String tpmName) throws Exception {
        dir = Files.createTempDirectory("jtpm-nv-certify");
        try (Target s = Target.open(tpmName)) {
            t = s.tcti();
            tpm("tpm2_nvdefine", "0x1500060", "-C", "o", "-s", "32", "-a", "ownerread|ownerwrite|authread|authwrite", "-p", "idx").ok();
            tpm("tpm2_nvwrite", "0x1500060", "-C", "o", "-i", file("data", ascii("certified NV contents"))).ok();
            String out = tpm("tpm2_nvreadpublic", "0x1500060").ok().out();
            Matcher nm = Pattern.compile("name: ([0-9a-f]+)").matcher(out);
            assertThat(nm.find()).isTrue();
            byte[] indexName = HexFormat.of().parseHex(nm.group(1));
            for (String alg : List.of("rsa", "ecc")) {
                String key = alg.equals("rsa") ? "rsa2048" : "ecc256";
                String scheme = alg.equals("rsa") ? "rsassa" : "ecdsa";
                tpm("tpm2_createprimary", "-C", "o", "-G", key, "-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign",
                        "-c", f("sign.ctx")).ok();
                tpm("tpm2_readpublic", "-c", f("sign.ctx"), "-f", "pem", "-o", f("sign.pem")).ok();
                flushTransient();
                tpm("tpm2_nvcertify", "-C", f("sign.ctx"), "-c", "0x1500060", "-p", "idx", "-g", "sha256", "-s", scheme,
                        "-f", "plain", "-o", f("cert.sig"), "--attestation", f("cert.att"), "-q", "0badc0de",
                        "--size", "9", "--offset", "10", "0x1500060").ok();
                flushTransient();
                openssl("dgst", "-sha256", "-verify", f("sign.pem"), "-signature", f("cert.sig"), f("cert.att")).ok();
                // TPMS_ATTEST: magic, TPM_ST_ATTEST_NV, ..., then TPMS_NV_CERTIFY_INFO at the end
                byte[] att = Files.readAllBytes(dir.resolve("cert.att"));
                ByteBuffer b = ByteBuffer.wrap(att);
                assertThat(b.getInt()).isEqualTo(0xff544347);
                assertThat(b.getShort()).isEqualTo((short) 0x8014);
                int signerSize = b.getShort() & 0xffff;
                b.position(b.position() + signerSize);                       // qualifiedSigner
                byte[] extra = new byte[b.getShort()];
                b.get(extra);
                assertThat(extra).isEqualTo(HexFormat.of().parseHex("0badc0de"));
                b.position(b.position() + 17 + 8);                           // clockInfo, firmwareVersion
                byte[] name = new byte[b.getShort()];
                b.get(name);
                assertThat(name).isEqualTo(indexName);
                assertThat(b.getShort()).isEqualTo((short) 10);
                byte[] contents = new byte[b.getShort()];
                b.get(contents);
                assertThat(new String(contents, StandardCharsets.US_ASCII)).isEqualTo("NV conten");   // octets 10..18
                assertThat(b.hasRemaining()).isFalse();
                // a tampered attestation fails in openssl
                att[att.length - 1] ^= 1;
                Files.write(dir.resolve("cert.att"), att);
                assertThat(openssl("dgst", "-sha256", "-verify", f("sign.pem"), "-signature", f("cert.sig"), f("cert.att")).exit())
                        .isNotZero();
            }
            // the index password is checked: a wrong one is refused
            tpm("tpm2_createprimary", "-C", "o", "-G", "ecc256", "-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign",
                    "-c", f("sign.ctx")).ok();
            flushTransient();
            assertThat(tpm("tpm2_nvcertify", "-C", f("sign.ctx"), "-c", "0x1500060", "-p", "wrong", "-g", "sha256", "-s", "ecdsa",
                    "-o", f("cert.sig"), "--attestation", f("cert.att"), "--size", "4", "0x1500060").exit()).isNotZero();
            flushTransient();
        }
    }

    // ---------------------------------------------------------------- state across restarts

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jtpm", "swtpm"})
    void stateAcrossRestarts_indicesDataCountersAndOrderlyCounters(String tpmName) throws Exception {
        dir = Files.createTempDirectory("jtpm-nv-restart");
        try (Target s = Target.open(tpmName)) {
            t = s.tcti();
            tpm("tpm2_nvdefine", "0x1500070", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite").ok();
            tpm("tpm2_nvdefine", "0x1500071", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|nt=counter").ok();
            tpm("tpm2_nvdefine", "0x1500072", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|nt=counter|orderly").ok();
            tpm("tpm2_nvdefine", "0x1500073", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|clear_stclear").ok();
            tpm("tpm2_nvdefine", "0x1500074", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|orderly").ok();
            tpm("tpm2_nvdefine", "0x1500075", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|nt=bits").ok();
            tpm("tpm2_nvdefine", "0x1500076", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite").ok();     // never written
            String data = file("data", ascii("persists"));
            tpm("tpm2_nvwrite", "0x1500070", "-C", "o", "-i", data).ok();
            tpm("tpm2_nvwrite", "0x1500073", "-C", "o", "-i", data).ok();
            tpm("tpm2_nvwrite", "0x1500074", "-C", "o", "-i", data).ok();
            tpm("tpm2_nvsetbits", "0x1500075", "-C", "o", "-i", "0x41").ok();
            for (int i = 0; i < 5; i++) tpm("tpm2_nvincrement", "0x1500071", "-C", "o").ok();
            for (int i = 0; i < 5; i++) tpm("tpm2_nvincrement", "0x1500072", "-C", "o").ok();

            // an orderly TPM2_Shutdown(CLEAR), then Startup(CLEAR): the orderly counter keeps its exact value
            tpm("tpm2_shutdown", "-c").ok();
            s.restart();
            t = s.tcti();
            assertThat(nvHandles()).containsExactly("0x1500070", "0x1500071", "0x1500072", "0x1500073", "0x1500074",
                    "0x1500075", "0x1500076");
            assertThat(read("0x1500070", "o")).isEqualTo(ascii("persists"));
            assertThat(readU64("0x1500071")).isEqualTo(5);
            assertThat(readU64("0x1500072")).isEqualTo(5);
            assertThat(readU64("0x1500075")).isEqualTo(0x41);
            assertThat(attributes("0x1500070")).contains("|written|");
            // a TPM Reset clears WRITTEN of CLEAR_STCLEAR indices and of orderly indices that are not counters
            assertThat(attributes("0x1500073")).doesNotContain("|written|");
            assertThat(tpm("tpm2_nvread", "0x1500073", "-C", "o").outcome()).isEqualTo("0x14a");
            assertThat(attributes("0x1500074")).doesNotContain("|written|");
            assertThat(tpm("tpm2_nvread", "0x1500076", "-C", "o").outcome()).isEqualTo("0x14a");

            // increments after the start, then a stop without TPM2_Shutdown: the ordinary counter is exact, the
            // orderly one never goes back and jumps ahead (Part 1: its RAM copy may have been ahead of NV)
            for (int i = 0; i < 3; i++) tpm("tpm2_nvincrement", "0x1500071", "-C", "o").ok();
            for (int i = 0; i < 3; i++) tpm("tpm2_nvincrement", "0x1500072", "-C", "o").ok();
            assertThat(readU64("0x1500072")).isEqualTo(8);
            s.restart();
            t = s.tcti();
            assertThat(readU64("0x1500071")).isEqualTo(8);
            long jumped = readU64("0x1500072");
            assertThat(jumped).isGreaterThan(8);
            tpm("tpm2_nvincrement", "0x1500072", "-C", "o").ok();
            assertThat(readU64("0x1500072")).isEqualTo(jumped + 1);
            // and again without Shutdown: still never below what was read
            s.restart();
            t = s.tcti();
            long again = readU64("0x1500072");
            assertThat(again).isGreaterThan(jumped + 1);
            // an orderly shutdown now keeps the exact value once more
            tpm("tpm2_nvincrement", "0x1500072", "-C", "o").ok();
            tpm("tpm2_shutdown", "-c").ok();
            s.restart();
            t = s.tcti();
            assertThat(readU64("0x1500072")).isEqualTo(again + 1);
            assertThat(read("0x1500070", "o")).isEqualTo(ascii("persists"));

            // undefine survives a restart as well
            tpm("tpm2_nvundefine", "0x1500070", "-C", "o").ok();
            s.restart();
            t = s.tcti();
            assertThat(nvHandles()).doesNotContain("0x1500070").contains("0x1500071");
        }
    }

    /** jtpm's own stop (as `jtpm socket` on SIGTERM) sends TPM2_Shutdown(STATE) first: the orderly counter stays exact. */
    @org.junit.jupiter.api.Test
    void jtpmStopWithAutomaticShutdown_keepsTheOrderlyCounterExact() throws Exception {
        dir = Files.createTempDirectory("jtpm-nv-autoshutdown");
        try (JtpmServer s = JtpmServer.started(Protocol.SWTPM)) {
            t = s.tcti();
            tpm("tpm2_nvdefine", "0x1500072", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|nt=counter|orderly").ok();
            for (int i = 0; i < 4; i++) tpm("tpm2_nvincrement", "0x1500072", "-C", "o").ok();
            s.restart();
            t = s.tcti();
            assertThat(readU64("0x1500072")).isEqualTo(4);
        }
    }
}
