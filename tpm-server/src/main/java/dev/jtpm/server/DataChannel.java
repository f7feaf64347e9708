package dev.jtpm.server;

import dev.jtpm.wire.DataFrame;
import dev.jtpm.wire.DataFrameDecoder;
import dev.jtpm.wire.SendCommandEnvelope;
import dev.jtpm.wire.TpmHeader;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The swtpm data channel server: raw TPM commands framed by their header's size field (or in a
 * TPM_SEND_COMMAND envelope, answered in one), many per connection and one connection after another;
 * each connection is served by a platform thread of {@link ConnectionThreads} (the one that
 * accepted it; on a virtual thread the park/unpark per read doubled the round trip), and the TPM
 * serializes them. A size below 10 or above the buffer size is answered with TPM_RC_COMMAND_SIZE
 * and the connection is dropped.
 */
final class DataChannel implements AutoCloseable {
    private final Acceptor listener;
    private final TpmController controller;
    private final ServerLog log;
    private final boolean disconnect;
    private final Runnable onClientGone;
    private final Set<Conn> clients = ConcurrentHashMap.newKeySet();

    /**
     * @param disconnect close the connection after each response
     * @param onClientGone run when a client disconnects (for {@code --terminate}), or null
     */
    DataChannel(Acceptor listener, TpmController controller, ServerLog log, boolean disconnect, Runnable onClientGone) {
        this.listener = listener;
        this.controller = controller;
        this.log = log;
        this.disconnect = disconnect;
        this.onClientGone = onClientGone;
        ConnectionThreads.serveEach("jtpm-data", listener, this::serveClient,
                e -> log.error("jtpm: data channel accept failed: " + e.getMessage()));
    }

    private void serveClient(Conn client) {
        clients.add(client);
        try (client) {
            serve(client, controller, log, disconnect);
        } catch (IOException e) {
            log.info("jtpm: data connection ended: " + e.getMessage());
        } finally {
            clients.remove(client);
            if (onClientGone != null && listener.isOpen()) onClientGone.run();
        }
    }

    /** Serves one connection until it closes (or after one response with {@code disconnect}). */
    static void serve(Conn ch, TpmController controller, ServerLog log, boolean disconnect) throws IOException {
        DataFrameDecoder decoder = new DataFrameDecoder(controller.bufferSize());
        byte[] buf = new byte[TpmHeader.MAX_COMMAND_SIZE + SendCommandEnvelope.PREFIX_SIZE];
        ReadSpin spin = new ReadSpin();
        while (true) {
            int n = spin.read(ch, buf, 0, buf.length);
            if (n < 0) return;
            log.dump(" SWTPM_IO_Read:", buf, n);
            decoder.feed(buf, 0, n);
            DataFrame f;
            while ((f = decoder.next()) != null) {
                // if/instanceof, not a pattern switch: the first command's answer would wait for the switch's class
                // to be spun (the AOT cache cannot hold it)
                if (f instanceof DataFrame.Command c) {
                    byte[] rsp = controller.execute(c.command(), c.locality());
                    byte[] out = c.enveloped() ? SendCommandEnvelope.wrapResponse(rsp) : rsp;
                    log.dump(" SWTPM_IO_Write:", out, out.length);
                    ch.write(out);
                    if (disconnect) return;
                } else if (f instanceof DataFrame.Malformed m) {
                    log.info("jtpm: data command with impossible size " + m.claimedSize() + "; connection dropped");
                    byte[] rsp = TpmHeader.errorResponse(TpmHeader.RC_COMMAND_SIZE);
                    ch.write(m.enveloped() ? SendCommandEnvelope.wrapResponse(rsp) : rsp);
                    return;
                }
            }
        }
    }

    /** The bound TCP port, or -1 for a Unix socket. */
    int port() { return listener.port(); }

    @Override
    public void close() {
        listener.close();
        for (Conn c : clients) c.abort();
    }
}
