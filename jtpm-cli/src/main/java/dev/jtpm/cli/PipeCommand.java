package dev.jtpm.cli;

import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.server.InstanceConfig;
import dev.jtpm.server.OptionException;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.SwtpmFlags;
import dev.jtpm.server.SwtpmSocket;
import dev.jtpm.server.TpmInstance;
import dev.jtpm.server.pipe.StdioPipe;
import dev.jtpm.types.TpmDevice;
import dev.jtpm.wire.StateKey;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm pipe}: a TPM on stdin/stdout for tpm2-tss' command TCTI ({@code -T "cmd:jtpm pipe --tpmstate dir=D"},
 * also {@code -T "cmd:ssh host jtpm pipe …"}). The TPM is an in-process one on a state directory (its lock held while
 * the pipe runs; started with {@code --flags}, startup-clear by default) or another TPM reached through
 * {@code --backend}. Only responses go to stdout; errors are one line on stderr and a non-zero exit.
 */
@Command(name = "pipe", mixinStandardHelpOptions = true,
        description = {"A TPM on stdin/stdout, for tpm2-tss' cmd TCTI: -T \"cmd:jtpm pipe --tpmstate dir=DIR\"."})
final class PipeCommand implements Callable<Integer> {

    @Option(names = "--tpmstate", paramLabel = "dir=DIR[,mode=0NNN]", description = "an in-process TPM on this state directory")
    String tpmstate;

    @Option(names = "--key", paramLabel = "KEY", description = "the state files' key, as jtpm socket --key")
    String key;

    @Option(names = "--flags", paramLabel = "FLAGS", description = "swtpm's --flags for the in-process TPM (default: not-need-init,startup-clear)")
    String flags = "not-need-init,startup-clear";

    @Option(names = "--backend", paramLabel = "swtpm:host=H,port=P|mssim:host=H,port=P|device:PATH|in-process[:DIR]",
            description = "another TPM instead of an in-process one")
    String backend;

    @Override
    public Integer call() {
        if ((tpmstate == null) == (backend == null)) {
            System.err.println("jtpm pipe: give either --tpmstate dir=DIR or --backend …");
            return 1;
        }
        // stdout carries TPM responses only: anything else printed there would corrupt the stream
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 8192);
        System.setOut(System.err);
        TpmInstance instance = null;
        TpmDevice tpm;
        try {
            if (tpmstate != null) {
                instance = inProcess();
                TpmInstance running = instance;
                tpm = (command, locality) -> running.controller().execute(command, -1);
            } else {
                tpm = remote(backend);
            }
        } catch (OptionException | IllegalArgumentException | IOException e) {
            System.err.println("jtpm pipe: " + e.getMessage());
            return 1;
        }
        try {
            StdioPipe.End end = new StdioPipe(tpm).run(System.in, out);
            if (end == StdioPipe.End.MALFORMED) {
                System.err.println("jtpm pipe: a malformed command frame (answered TPM_RC_COMMAND_SIZE); the pipe ends");
                return 1;
            }
            return 0;
        } catch (IOException e) {
            System.err.println("jtpm pipe: " + e.getMessage());
            return 1;
        } finally {
            try {
                tpm.close();
            } catch (IOException ignored) {
                // ending anyway
            }
            if (instance != null) instance.close();
        }
    }

    private TpmInstance inProcess() throws OptionException, IOException {
        Map<String, String> kv = keyValues("--tpmstate", tpmstate);
        String dir = kv.get("dir");
        if (dir == null || dir.isEmpty()) throw new OptionException("--tpmstate: missing dir=");
        int mode = DirectoryStateStore.DEFAULT_MODE;
        if (kv.containsKey("mode")) {
            try {
                mode = Integer.parseInt(kv.get("mode"), 8);
            } catch (NumberFormatException e) {
                throw new OptionException("--tpmstate: bad mode '" + kv.get("mode") + "'");
            }
        }
        for (String k : kv.keySet()) {
            if (!k.equals("dir") && !k.equals("mode")) throw new OptionException("--tpmstate: unknown parameter '" + k + "'");
        }
        Optional<StateKey> fileKey = key == null ? Optional.empty() : Optional.of(StateKey.parse("--key", key, SwtpmSocket.FD_READER));
        SwtpmFlags f = SwtpmFlags.parse(flags);
        DirectoryStateStore store = DirectoryStateStore.open(Path.of(dir), mode, fileKey, true);
        return TpmInstance.start(store, new InstanceConfig(null, null, f, false, false, false, new ServerLog(System.err, 0)));
    }

    private static TpmDevice remote(String spec) throws OptionException, IOException {
        return BackendSpec.parse("--backend", spec).open();
    }

    private static Map<String, String> keyValues(String option, String text) throws OptionException {
        Map<String, String> m = new HashMap<>();
        for (String part : text.split(",")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            if (eq <= 0) throw new OptionException(option + ": expected key=value, not '" + part + "'");
            m.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return m;
    }
}
