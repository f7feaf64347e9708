package dev.jtpm.fleet;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.host.InstanceHost;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A {@code jtpm host} process for the fleet tests: an {@link InstanceHost} on {@code DIR} with the state in the store
 * {@code URI} and TCP ports from {@code FROM-TO}, driven by lines on stdin ({@code create NAME}, {@code start NAME},
 * {@code stop NAME}, {@code delete NAME}, {@code exit}), answering {@code OK NAME DATAPORT TPMSTATE} or {@code ERR STATUS
 * MESSAGE} on stdout. The host's own log goes to stderr.
 */
public final class FleetHostMain {
    private FleetHostMain() {}

    /** {@code DIR URI FROM-TO [KEYFILE]} (a hex key file: jtpm host's {@code --key file=KEYFILE,format=hex}). */
    public static void main(String[] args) throws Exception {
        String[] range = args[2].split("-");
        java.util.Optional<dev.jtpm.wire.StateKey> key = args.length > 3
                ? java.util.Optional.of(dev.jtpm.wire.StateKey.parse("--key", "file=" + args[3] + ",format=hex",
                        dev.jtpm.server.SwtpmSocket.FD_READER))
                : java.util.Optional.empty();
        InstanceHost host = InstanceHost.open(Path.of(args[0]), new InstanceHost.Endpoints.Ports("127.0.0.1",
                Integer.parseInt(range[0]), Integer.parseInt(range[1])), new ServerLog(System.err, 1), args[1], key);
        Runtime.getRuntime().addShutdownHook(new Thread(host::close));
        System.out.println("READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split(" ");
            try {
                InstanceHost.Info i = switch (w[0]) {
                    case "create" -> host.create(w[1], null);
                    case "start" -> host.start(w[1]);
                    case "stop" -> host.stop(w[1]);
                    case "delete" -> {
                        host.delete(w[1]);
                        yield null;
                    }
                    case "exit" -> {
                        host.close();
                        System.out.println("OK");
                        System.out.flush();
                        System.exit(0);
                        yield null;
                    }
                    default -> throw new IllegalArgumentException("unknown command " + w[0]);
                };
                System.out.println(i == null ? "OK" : "OK " + i.name() + " " + ((ChannelSpec.Tcp) i.server()).port() + " " + i.tpmstate());
            } catch (InstanceHost.HostException e) {
                System.out.println("ERR " + e.status() + " " + e.getMessage());
            } catch (RuntimeException e) {
                System.out.println("ERR 400 " + e.getMessage());
            }
            System.out.flush();
        }
        host.close();
    }
}
