package dev.jtpm.cli;

import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmControl;
import dev.jtpm.wire.Ptm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm ioctl}: a small swtpm_ioctl look-alike for swtpm's control channel, with the same
 * options and output lines. One action per call.
 */
@Command(name = "ioctl", description = "Send control commands to a swtpm/jtpm control channel (like swtpm_ioctl).")
final class IoctlCommand implements Callable<Integer> {

    @Option(names = "--tcp", paramLabel = "[HOST]:[PORT]", description = "control channel over TCP (default 127.0.0.1:6546)")
    String tcp;

    @Option(names = "--unix", paramLabel = "PATH", description = "control channel over a Unix socket")
    Path unix;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    /** The one action of a call, as swtpm_ioctl takes it. */
    static final class Action {
        @Option(names = "-c", description = "get capabilities") boolean capabilities;
        @Option(names = "-i", description = "CMD_INIT (volatile state is deleted)") boolean init;
        @Option(names = "-s", description = "CMD_SHUTDOWN: the TPM server exits") boolean shutdown;
        @Option(names = "--stop", description = "CMD_STOP") boolean stop;
        @Option(names = "-e", description = "get the tpmEstablished bit") boolean established;
        @Option(names = "-r", paramLabel = "LOC", description = "reset the tpmEstablished bit at a locality") Integer resetEstablished;
        @Option(names = "-l", paramLabel = "LOC", description = "set the locality") Integer locality;
        @Option(names = "-v", description = "CMD_STORE_VOLATILE") boolean storeVolatile;
        @Option(names = "-C", description = "cancel the running TPM command") boolean cancel;
        @Option(names = "-h", paramLabel = "DATA", description = "hash DATA (- for stdin) as HASH_START/DATA/END") String hash;
        @Option(names = "-g", description = "get configuration flags") boolean config;
        @Option(names = "-b", paramLabel = "SIZE", description = "set (0: get) the buffer size") Integer bufferSize;
        @Option(names = "--info", paramLabel = "FLAGS", description = "get info (SWTPM_INFO_* flags)") Long info;
        @Option(names = "--help", usageHelp = true, description = "show this help") boolean help;
    }

    @Override
    public Integer call() {
        SwtpmControl ctrl;
        try {
            ctrl = new SwtpmControl(endpoint());
        } catch (IllegalArgumentException e) {
            System.err.println("jtpm ioctl: " + e.getMessage());
            return 1;
        }
        try {
            return run(ctrl);
        } catch (SwtpmControl.CtrlException e) {
            System.err.printf("TPM result from %s: 0x%x%n", name(), e.result());
            return 1;
        } catch (IOException e) {
            System.err.println("jtpm ioctl: " + e.getMessage());
            return 1;
        }
    }

    private int run(SwtpmControl ctrl) throws IOException {
        Action a = action;
        if (a.capabilities) {
            System.out.printf("ptm capability is 0x%x%n", ctrl.capabilities());
        } else if (a.init) {
            return result(ctrl.init(Ptm.INIT_FLAG_DELETE_VOLATILE));
        } else if (a.shutdown) {
            return result(ctrl.shutdown());
        } else if (a.stop) {
            return result(ctrl.stop());
        } else if (a.established) {
            System.out.printf("tpmEstablished is %d%n", ctrl.established() ? 1 : 0);
        } else if (a.resetEstablished != null) {
            return result(ctrl.resetEstablished(a.resetEstablished));
        } else if (a.locality != null) {
            if (a.locality < 0 || a.locality > 4) {
                System.err.println("Locality outside valid range of [0..4].");
                return 1;
            }
            return result(ctrl.setLocality(a.locality));
        } else if (a.storeVolatile) {
            return result(ctrl.storeVolatile());
        } else if (a.cancel) {
            return result(ctrl.cancel());
        } else if (a.hash != null) {
            byte[] data = a.hash.equals("-") ? System.in.readAllBytes() : a.hash.getBytes(StandardCharsets.UTF_8);
            return result(ctrl.hash(data));
        } else if (a.config) {
            System.out.printf("ptm configuration flags: 0x%x%n", ctrl.config());
        } else if (a.bufferSize != null) {
            int[] r = ctrl.setBufferSize(a.bufferSize);
            if (r[0] != 0) return result(r[0]);
            System.out.printf("TPM buffersize: %d%nminimum size  : %d%nmaximum size  : %d%n", r[1], r[2], r[3]);
        } else if (a.info != null) {
            System.out.println(ctrl.info(a.info));
        }
        return 0;
    }

    private int result(int r) {
        if (r == 0) return 0;
        System.err.printf("TPM result from %s: 0x%x%n", name(), r);
        return 1;
    }

    private String name() {
        Action a = action;
        if (a.capabilities) return "PTM_GET_CAPABILITY";
        if (a.init) return "PTM_INIT";
        if (a.shutdown) return "PTM_SHUTDOWN";
        if (a.stop) return "PTM_STOP";
        if (a.established) return "PTM_GET_TPMESTABLISHED";
        if (a.resetEstablished != null) return "PTM_RESET_TPMESTABLISHED";
        if (a.locality != null) return "PTM_SET_LOCALITY";
        if (a.storeVolatile) return "PTM_STORE_VOLATILE";
        if (a.cancel) return "PTM_CANCEL_TPM_CMD";
        if (a.hash != null) return "PTM_HASH_DATA";
        if (a.config) return "PTM_GET_CONFIG";
        if (a.bufferSize != null) return "PTM_SET_BUFFERSIZE";
        return "PTM_GET_INFO";
    }

    private Endpoint endpoint() {
        if (unix != null && tcp != null) throw new IllegalArgumentException("give --tcp or --unix, not both");
        if (unix != null) return new Endpoint.Unix(unix);
        String host = "127.0.0.1";
        int port = 6546;
        if (tcp != null) {
            int colon = tcp.lastIndexOf(':');
            String h = colon < 0 ? tcp : tcp.substring(0, colon);
            String p = colon < 0 ? "" : tcp.substring(colon + 1);
            if (!h.isEmpty()) host = h;
            if (!p.isEmpty()) {
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad port in --tcp '" + tcp + "'");
                }
            }
        }
        return new Endpoint.Tcp(host, port);
    }
}
