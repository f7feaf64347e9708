package dev.jtpm.cli;

import dev.jtpm.server.SwtpmSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm start}: a vTPM with sensible defaults: state in {@code ./.jtpm/state}, TCP data port
 * 2321 and control port 2322 on 127.0.0.1, initialized and started (TPM2_Startup(CLEAR)), ready for
 * {@code tpm2-tools -T swtpm:host=127.0.0.1,port=2321}.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start a vTPM with defaults (state ./.jtpm/state, data 127.0.0.1:2321, ctrl 2322).")
final class StartCommand implements Callable<Integer> {

    @Option(names = "--state", paramLabel = "DIR", description = "state directory (default: ./.jtpm/state)")
    Path state = Path.of(".jtpm", "state");

    @Option(names = "--port", paramLabel = "N", description = "data port; the control port is N+1 (default: 2321)")
    int port = 2321;

    @Option(names = "--bind", paramLabel = "ADDR", description = "bind address (default: 127.0.0.1)")
    String bind = "127.0.0.1";

    @Override
    public Integer call() {
        if (port < 1 || port > 65534) {
            System.err.println("jtpm start: --port must be between 1 and 65534");
            return 2;
        }
        List<String> args = List.of("--tpm2",
                "--tpmstate", "dir=" + state,
                "--server", "type=tcp,port=" + port + ",bindaddr=" + bind,
                "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=" + bind,
                "--flags", "not-need-init,startup-clear");
        return SwtpmSocket.run(args, System.getenv(), System.out, System.err, instance -> {
            System.out.println("jtpm: vTPM ready (state " + state.toAbsolutePath().normalize() + ") — try: tpm2_getrandom -T swtpm:host="
                    + bind + ",port=" + instance.dataPort() + " 8");
            System.out.flush();
        });
    }
}
