package dev.jtpm.cli;

import dev.jtpm.eve.EveRun;
import dev.jtpm.server.OptionException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jtpm eve-run}: eve-tools' eve_run client; returned files land in the current directory (plain names only). */
@Command(name = "eve-run", mixinStandardHelpOptions = true,
        description = {"eve_run: run a tpm2 command on an EVE PTPM server (jtpm eve-ptpm), e.g. jtpm eve-run tpm2_readpublic -c 0x81000003 -o ak.pub -f pem"})
final class EveRunCommand implements Callable<Integer> {

    @Option(names = "--server", paramLabel = "HOST:PORT", description = "the server (default 127.0.0.1:8877)")
    String server = "127.0.0.1:" + EveRun.DEFAULT_PORT;

    @Parameters(paramLabel = "COMMAND", description = "tpm2_<cmd> [args…]")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        InetSocketAddress address;
        try {
            address = EvePtpmCommand.hostPort("--server", server);
        } catch (OptionException e) {
            System.err.println("jtpm eve-run: " + e.getMessage());
            return 2;
        }
        return EveRun.run(command, address, Path.of("").toAbsolutePath(), System.out, System.err);
    }
}
