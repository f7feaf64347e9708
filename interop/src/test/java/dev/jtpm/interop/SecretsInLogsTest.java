package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmControl;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.HierarchyChangeAuth;
import dev.jtpm.types.command.NvDefineSpace;
import dev.jtpm.types.structure.TpmsNvPublic;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.Ptm;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Secrets never reach a log (issue 15): the real {@code jtpm socket} with {@code --log level=20} and a state key
 * ({@code --key}), driven by tpm2-tools through a full flow that sets hierarchy auth values, seals data under an
 * object password, defines an NV index with its own password, uses them right and wrong, and reads the (encrypted)
 * permanent blob over the control channel. Then every text the run produced — the log file, the server's stdout and
 * stderr, every tool's output — is searched for every secret it made, in ASCII and in hex (the dump layout, spaces
 * and line breaks removed): the state key, the three seeds and three proofs read back from the state file with the
 * key, the auth values and the sealed data. Also: {@code toString} of the records that hold them.
 *
 * <p>One exception, by design and as in swtpm: at level 20 the log dumps the data channel's traffic in hex
 * ("SWTPM_IO_Read:"), and that traffic carries what the client itself sent in clear (a password session's
 * password, an unencrypted newAuth or sensitive area). Secrets the client sends are therefore checked outside those
 * dumps; secrets that never travel in clear (state key, seeds, proofs) are checked everywhere, dumps included.
 */
class SecretsInLogsTest {

    @Test
    void fullFlowAtLogLevel20_leaksNoSecret() throws Exception {
        Tools.require("tpm2_createprimary");
        Path dir = Files.createTempDirectory("jtpm-secrets");
        Path work = Files.createTempDirectory("jtpm-secrets-work");
        SecureRandom rnd = new SecureRandom();
        byte[] stateKey = new byte[32];
        rnd.nextBytes(stateKey);
        Path keyFile = Files.writeString(work.resolve("state.key"), HexFormat.of().formatHex(stateKey) + "\n");
        String ownerPw = "ownerPw" + Long.toHexString(rnd.nextLong());
        String endorsementPw = "endorsePw" + Long.toHexString(rnd.nextLong());
        String objectPw = "objectPw" + Long.toHexString(rnd.nextLong());
        String nvPw = "nvPw" + Long.toHexString(rnd.nextLong());
        String sealed = "sealedData" + Long.toHexString(rnd.nextLong());
        Path log = work.resolve("jtpm.log");
        int port = FreePorts.pair();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.jtpm.cli.Main", "socket",
                "--tpm2", "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1", "--tpmstate", "dir=" + dir,
                "--key", "file=" + keyFile + ",mode=aes-256-cbc", "--log", "file=" + log + ",level=20",
                "--flags", "not-need-init,startup-clear")
                .redirectErrorStream(true).redirectOutput(work.resolve("server.out").toFile()).start();
        List<String> outputs = new ArrayList<>();
        try {
            CrashSafetyTest.awaitPort(port, p);
            String tcti = "swtpm:host=127.0.0.1,port=" + port;
            Files.writeString(work.resolve("secret.txt"), sealed);
            String pc = work.resolve("p.ctx").toString(), pub = work.resolve("s.pub").toString(),
                    priv = work.resolve("s.priv").toString(), sc = work.resolve("s.ctx").toString();
            List<String[]> flow = List.of(
                    new String[] {"tpm2_changeauth", "-c", "owner", ownerPw},
                    new String[] {"tpm2_changeauth", "-c", "endorsement", endorsementPw},
                    new String[] {"tpm2_createprimary", "-C", "o", "-P", ownerPw, "-c", pc},
                    new String[] {"tpm2_flushcontext", "-t"},
                    new String[] {"tpm2_create", "-C", pc, "-i", work.resolve("secret.txt").toString(), "-p", objectPw,
                            "-u", pub, "-r", priv},
                    new String[] {"tpm2_flushcontext", "-t"},
                    new String[] {"tpm2_load", "-C", pc, "-u", pub, "-r", priv, "-c", sc},
                    new String[] {"tpm2_unseal", "-c", sc, "-p", objectPw},
                    new String[] {"tpm2_unseal", "-c", sc, "-p", "wrong"},
                    new String[] {"tpm2_nvdefine", "0x1500020", "-C", "o", "-P", ownerPw, "-p", nvPw, "-s", "32", "-a",
                            "authread|authwrite"},
                    new String[] {"tpm2_nvwrite", "0x1500020", "-P", nvPw, "-i", work.resolve("secret.txt").toString()},
                    new String[] {"tpm2_nvread", "0x1500020", "-P", nvPw, "-s", "16"},
                    new String[] {"tpm2_nvread", "0x1500020", "-P", "wrong", "-s", "16"},
                    new String[] {"tpm2_createprimary", "-C", "o", "-P", "wrong", "-c", pc});
            int ok = 0;
            StringBuilder outcomes = new StringBuilder();
            for (String[] cmd : flow) {
                Tools.Run r = Tools.tpm2(tcti, cmd);
                if (r.exit() == 0) ok++;
                outcomes.append(cmd[0]).append(' ').append(r.outcome()).append("; ");
                outputs.add(r.err());
                if (!cmd[0].equals("tpm2_unseal") && !cmd[0].equals("tpm2_nvread")) outputs.add(r.out());
            }
            assertThat(ok).as("the flow's right uses succeed, the wrong ones fail: %s", outcomes).isEqualTo(flow.size() - 3);
            try (SwtpmControl ctrl = new SwtpmControl(new Endpoint.Tcp("127.0.0.1", port + 1))) {
                // encrypted as the file key has them, and decrypted (PTM_STATE_FLAG_DECRYPTED: the seeds in clear on the
                // wire): swtpm dumps up to 1 KiB of either at level 20; jtpm logs only a state blob's header
                assertThat(ctrl.send(new CtrlRequest.GetStateBlob(0, Ptm.BLOB_TYPE_PERMANENT, 0)).result()).isZero();
                assertThat(ctrl.send(new CtrlRequest.GetStateBlob(0, Ptm.BLOB_TYPE_VOLATILE, 0)).result()).isZero();
                assertThat(ctrl.send(new CtrlRequest.GetStateBlob(Ptm.STATE_FLAG_DECRYPTED, Ptm.BLOB_TYPE_PERMANENT, 0)).result()).isZero();
                assertThat(ctrl.send(new CtrlRequest.GetStateBlob(Ptm.STATE_FLAG_DECRYPTED, Ptm.BLOB_TYPE_VOLATILE, 0)).result()).isZero();
            }
        } finally {
            p.destroy();    // SIGTERM: the orderly exit path logs too
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        // the secrets the state holds, read back with the key
        byte[] permall = StateBlob.decodeFile(Files.readAllBytes(dir.resolve("tpm2-00.permall")),
                Optional.of(StateKey.of(stateKey)));
        PersistentState ps = PersistentState.deserialize(permall);
        Map<String, byte[]> neverInClear = new LinkedHashMap<>();
        neverInClear.put("state key", stateKey);
        neverInClear.put("EPS", ps.eps.toArray());
        neverInClear.put("SPS", ps.sps.toArray());
        neverInClear.put("PPS", ps.pps.toArray());
        neverInClear.put("phProof", ps.phProof.toArray());
        neverInClear.put("shProof", ps.shProof.toArray());
        neverInClear.put("ehProof", ps.ehProof.toArray());
        assertThat(ps.ownerAuth.matches(Bytes.wrap(ownerPw.getBytes(StandardCharsets.US_ASCII)))).as("the flow ran").isTrue();
        Map<String, byte[]> clientSent = new LinkedHashMap<>();
        clientSent.put("owner auth", ownerPw.getBytes(StandardCharsets.US_ASCII));
        clientSent.put("endorsement auth", endorsementPw.getBytes(StandardCharsets.US_ASCII));
        clientSent.put("object auth", objectPw.getBytes(StandardCharsets.US_ASCII));
        clientSent.put("NV auth", nvPw.getBytes(StandardCharsets.US_ASCII));
        clientSent.put("sealed data", sealed.getBytes(StandardCharsets.US_ASCII));

        String logText = Files.readString(log, StandardCharsets.ISO_8859_1);
        String serverOut = Files.readString(work.resolve("server.out"), StandardCharsets.ISO_8859_1);
        assertThat(logText).as("level 20 dumps traffic").contains("SWTPM_IO_Read:");
        String outsideDumps = withoutDumps(logText) + "\n" + serverOut + "\n" + String.join("\n", outputs);
        String everything = logText + "\n" + outsideDumps;
        List<String> leaks = new ArrayList<>();
        neverInClear.forEach((name, secret) -> { if (leaks(everything, secret)) leaks.add(name); });
        clientSent.forEach((name, secret) -> { if (leaks(outsideDumps, secret)) leaks.add(name); });
        assertThat(leaks).as("secrets found in the run's logs and outputs").isEmpty();

        // toString of what holds secrets
        Secret s = Secret.of(ownerPw.getBytes(StandardCharsets.US_ASCII));
        List<Object> holders = List.of(s, StateKey.of(stateKey), new TpmsSensitiveCreate(s, Secret.of(sealed.getBytes())),
                new HierarchyChangeAuth(TpmRh.OWNER, s), new NvDefineSpace(TpmRh.OWNER, s,
                        new TpmsNvPublic(0x1500020, 0x000b, 0x40004, Bytes.EMPTY, 16)), ps);
        for (Object o : holders) {
            String text = o.toString();
            neverInClear.forEach((name, secret) -> assertThat(leaks(text, secret)).as(name + " in " + o.getClass()).isFalse());
            clientSent.forEach((name, secret) -> assertThat(leaks(text, secret)).as(name + " in " + o.getClass()).isFalse());
        }
    }

    /** The log without its hex dumps (a title line "... length N" and the lines of hex under it). */
    private static String withoutDumps(String log) {
        StringBuilder s = new StringBuilder();
        for (String line : log.split("\n")) {
            if (line.matches("\\s*(SWTPM_IO_Read|SWTPM_IO_Write|Ctrl Cmd|Ctrl Rsp):.*") || line.matches("( [0-9A-F]{2})+ ?")) continue;
            s.append(line).append('\n');
        }
        return s.toString();
    }

    /** True when {@code text} holds {@code secret} as text, or in hex (either case, whitespace ignored). */
    static boolean leaks(String text, byte[] secret) {
        if (secret.length < 4) return false;
        String squeezed = text.replaceAll("\\s+", "").toUpperCase();
        String hex = HexFormat.of().withUpperCase().formatHex(secret);
        return text.contains(new String(secret, StandardCharsets.ISO_8859_1)) || squeezed.contains(hex)
                || squeezed.contains(java.util.Base64.getEncoder().encodeToString(secret).toUpperCase());
    }
}
