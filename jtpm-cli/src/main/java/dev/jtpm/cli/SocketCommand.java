package dev.jtpm.cli;

import dev.jtpm.server.SwtpmSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jtpm socket}: swtpm's {@code socket} interface. The options are swtpm's and are parsed the
 * swtpm way by {@link SwtpmSocket}; picocli only hands them over.
 */
@Command(name = "socket", description = "Serve a TPM 2.0 the way `swtpm socket --tpm2` does (try: jtpm socket --help).")
final class SocketCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "SWTPM-OPTION", description = "swtpm socket options")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return SwtpmSocket.run(args, System.getenv(), System.out, System.err, null);
    }
}
