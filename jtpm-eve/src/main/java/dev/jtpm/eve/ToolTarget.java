package dev.jtpm.eve;

import dev.jtpm.server.ChannelSpec;
import dev.jtpm.server.OptionException;
import dev.jtpm.server.TpmInstance;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.tss.Endpoint;
import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The TPM the tpm2-tools children talk to, as the TCTI string they get, from eve-ptpm's {@code --tcti}
 * ({@link BackendSpec}): {@code swtpm:host=H,port=P} and {@code mssim:host=H,port=P} as they are,
 * {@code device:PATH} as it is, and {@code in-process[:DIR]} as jtpm's engine in this process behind a swtpm-protocol
 * listener on 127.0.0.1 (data port P, control port P+1, both free, below the ephemeral range) handed to the tools as
 * {@code swtpm:host=127.0.0.1,port=P}.
 *
 * <p>Why a local listener rather than {@code cmd:jtpm pipe}: the TPM stays in this process (one holder of the state
 * directory's lock, no second JVM per tool run, a command costs a loopback round trip), and the tools' swtpm TCTI is
 * the one the other backends use too.
 *
 * @param tcti the TCTI string for {@code TPM2TOOLS_TCTI}
 * @param serialize whether tool runs must take turns (a raw TPM without a resource manager: swtpm, mssim, the
 *     in-process TPM); a {@code device:} path is the kernel's resource manager's to share
 * @param instance the in-process TPM this target started, or null
 */
public record ToolTarget(String tcti, boolean serialize, TpmInstance instance) implements AutoCloseable {

    /** Makes the target for a backend spec; an in-process TPM is started here. */
    public static ToolTarget open(BackendSpec spec) throws IOException, OptionException {
        return switch (spec) {
            case BackendSpec.Swtpm s -> {
                if (!(s.data() instanceof Endpoint.Tcp d) || !(s.ctrl() instanceof Endpoint.Tcp c)) {
                    throw new OptionException("--tcti: tpm2-tools' swtpm TCTI reaches a swtpm over TCP only (swtpm:host=H,port=P)");
                }
                if (c.port() != d.port() + 1) {
                    throw new OptionException("--tcti: tpm2-tools' swtpm TCTI finds the control channel at port+1; ctrl="
                            + c.port() + " cannot be reached");
                }
                yield new ToolTarget("swtpm:host=" + d.host() + ",port=" + d.port(), true, null);
            }
            case BackendSpec.SwtpmTls t -> throw new OptionException("--tcti: tpm2-tools' swtpm TCTI speaks no TLS; run"
                    + " jtpm connect --to " + t.host() + ":" + t.port() + " … and give its local endpoint (swtpm:host=127.0.0.1,port=…)");
            case BackendSpec.Mssim m -> new ToolTarget("mssim:host=" + m.host() + ",port=" + m.port(), true, null);
            case BackendSpec.Device d -> new ToolTarget("device:" + d.path(), false, null);
            case BackendSpec.InProcess p -> inProcess(p);
        };
    }

    private static ToolTarget inProcess(BackendSpec.InProcess spec) throws IOException {
        BindException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            try {
                TpmInstance instance = spec.start(new ChannelSpec.Tcp("127.0.0.1", port, false),
                        new ChannelSpec.Tcp("127.0.0.1", port + 1, false));
                return new ToolTarget("swtpm:host=127.0.0.1,port=" + port, true, instance);
            } catch (BindException e) {
                last = e;
            }
        }
        throw new IOException("no free port pair on 127.0.0.1 for the in-process TPM", last);
    }

    @Override
    public void close() {
        if (instance != null) instance.close();
    }
}
