package dev.jtpm.cli;

import dev.jtpm.libtpms.StateImport;
import dev.jtpm.libtpms.UnsupportedStateException;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm import-state}: takes over a swtpm TPM 2. Reads {@code tpm2-00.permall} of a stopped swtpm, or the
 * permanent-state entry of its single state file (libtpms' NVMarshal state in swtpm's container, plain or encrypted
 * with {@code --key}) and writes the same TPM — seeds,
 * proofs, hierarchy auths and policies, PCR allocation, clock and counters, DA state, audit, NV indices and
 * persistent objects, the orderly state of a Shutdown(STATE) — as jtpm state in {@code --tpmstate dir=}; primary
 * keys derive as libtpms derives them from the same seeds. Exit 0 on success, 1 (one line, nothing written) for
 * state it cannot take over, 2 for bad options.
 */
@Command(name = "import-state", mixinStandardHelpOptions = true,
        description = "Take over a stopped swtpm TPM 2: convert its state directory into jtpm state.")
final class ImportStateCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "SWTPM_DIR|FILE",
            description = "the swtpm state directory, or its single state file (backend-uri=file://…); dir:// and file:// accepted")
    String fromOption;

    private Path from;

    @Option(names = "--tpmstate", required = true, paramLabel = "dir=JTPM_DIR[,mode=0640]",
            description = "the jtpm state directory to write (swtpm's syntax; backend-uri=dir://… too)")
    String tpmstate;

    @Option(names = "--key", paramLabel = "file=…|pwdfile=…", description = "the key of an encrypted swtpm state (swtpm's"
            + " --key syntax); the jtpm state is written encrypted with it, for jtpm socket --key")
    String key;

    @Option(names = "--overwrite", description = "replace state already in the target directory")
    boolean overwrite;

    @Option(names = "--discard-volatile", description = "leave out tpm2-00.volatilestate instead of taking it over: the"
            + " TPM as it is in NV, as after swtpm_ioctl -i")
    boolean discardVolatile;

    @Override
    public Integer call() {
        from = Path.of(fromOption.startsWith("dir://") ? fromOption.substring(6)
                : fromOption.startsWith("file://") ? fromOption.substring(7) : fromOption);
        String dir = null;
        int mode = dev.jtpm.server.DirectoryStateStore.DEFAULT_MODE;
        for (String part : tpmstate.split(",")) {
            if (part.startsWith("dir=")) dir = part.substring(4);
            else if (part.startsWith("backend-uri=dir://")) dir = part.substring("backend-uri=dir://".length());
            else if (part.startsWith("mode=")) {
                try {
                    mode = Integer.parseInt(part.substring(5), 8);
                } catch (NumberFormatException e) {
                    mode = -1;
                }
                if (mode < 0 || mode > 0777) {
                    System.err.println("jtpm import-state: --tpmstate: mode must be octal permission bits, e.g. mode=0600");
                    return 2;
                }
            } else {
                System.err.println("jtpm import-state: --tpmstate: unknown parameter '" + part + "'");
                return 2;
            }
        }
        if (dir == null || dir.isEmpty()) {
            System.err.println("jtpm import-state: --tpmstate needs dir=JTPM_DIR");
            return 2;
        }
        Optional<StateKey> stateKey;
        try {
            stateKey = key == null ? Optional.empty() : Optional.of(StateKey.parse("--key", key, StateKey.FdOpener.PROC_SELF));
        } catch (IllegalArgumentException e) {
            System.err.println("jtpm import-state: " + e.getMessage());
            return 2;
        }
        try {
            StateImport.Summary s = StateImport.run(from, Path.of(dir), mode, overwrite, discardVolatile, stateKey);
            int[] l = s.seedCompatLevels();
            System.out.println("jtpm import-state: imported " + from + " into " + dir + ": " + s.persistentObjects()
                    + " persistent objects, " + s.nvIndices() + " NV indices, " + (s.orderlyState() ? "saved state (Shutdown(STATE))"
                    : "no saved state") + (s.volatileState() ? ", volatile state (resumes at CMD_INIT)" : "")
                    + ", seed compatibility levels EPS " + l[0] + " SPS " + l[1] + " PPS " + l[2]);
            return 0;
        } catch (UnsupportedStateException e) {
            System.err.println("jtpm import-state: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("jtpm import-state: " + e.getMessage());
            return 1;
        }
    }
}
