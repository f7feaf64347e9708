package dev.jtpm.cli;

import dev.jtpm.provision.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code jtpm setup}: swtpm_setup's command line (TPM 2). The options are swtpm_setup's and parsed the
 * getopt_long way by {@link Setup}; picocli only hands them over, so a bad option is Setup's one line
 * and exit code 1, as swtpm_setup's.
 */
@Command(name = "setup", description = "Manufacture a TPM 2.0 state the way swtpm_setup --tpm2 does (try: jtpm setup --help).")
final class SetupCommand implements Callable<Integer> {

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return Setup.run(args, System.getenv(), System.out, System.err);
    }
}
