package dev.jtpm.server;

import dev.jtpm.wire.CtrlCommand;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.CtrlResponse;
import dev.jtpm.wire.Ptm;
import java.io.IOException;
import java.util.Arrays;

/**
 * The swtpm control channel server: one client at a time, one request per round trip, each request
 * to be complete within 500 ms of its first byte (else the connection is closed without a reply).
 * Garbage never reaches further than the connection it came on.
 */
final class ControlChannel implements AutoCloseable {
    /** The whole-command receive time limit. */
    static final long COMMAND_TIMEOUT_MILLIS = 500;
    /** swtpm's receive buffer: the code plus the largest fixed request (ptm_hdata). */
    private static final int READ_CHUNK = 4 + 4 + 4096;
    private static final long MAX_HASH_DATA = 16L << 20;

    private final Acceptor listener;
    private final ControlHandler handler;
    private final ServerLog log;
    private final Runnable onExit;
    private final boolean terminateOnHangup;
    private final Thread thread;

    ControlChannel(Acceptor listener, ControlHandler handler, ServerLog log, boolean terminateOnHangup, Runnable onExit) {
        this.listener = listener;
        this.handler = handler;
        this.log = log;
        this.terminateOnHangup = terminateOnHangup;
        this.onExit = onExit;
        // waiting for a client parks a virtual thread (NIO, or the native listener's AcceptPoller); a native
        // connection blocks in native reads, so it is served on a platform thread while it lasts
        this.thread = Thread.ofVirtual().name("jtpm-ctrl").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            Conn client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (listener.isOpen()) log.error("jtpm: control channel accept failed: " + e.getMessage());
                return;
            }
            if (listener.passesFds()) {
                java.util.concurrent.CountDownLatch served = new java.util.concurrent.CountDownLatch(1);
                ConnectionThreads.start("jtpm-ctrl-conn", () -> {
                    try {
                        serveClient(client);
                    } finally {
                        served.countDown();
                    }
                });
                try {
                    served.await();
                } catch (InterruptedException e) {
                    return; // closing
                }
            } else {
                serveClient(client);
            }
            if (terminateOnHangup && listener.isOpen()) {
                onExit.run();
                return;
            }
        }
    }

    private void serveClient(Conn client) {
        try (client) {
            serve(client);
        } catch (IOException e) {
            log.info("jtpm: control connection ended: " + e.getMessage());
        }
    }

    private void serve(Conn ch) throws IOException {
        byte[] buf = new byte[READ_CHUNK];
        while (true) {
            int len = ch.read(buf, 0, READ_CHUNK);
            if (len <= 0) return;
            int fd = ch.takeReceivedFd();
            Deadline deadline = Deadline.start(COMMAND_TIMEOUT_MILLIS, ch::abort);
            byte[] msg;
            try {
                long need;
                while (len < (need = CtrlRequest.needed(buf, len))) {
                    if (tooLarge(buf, need)) {
                        reply(ch, CtrlResponse.result(Ptm.TPM_FAIL), false);
                        return;
                    }
                    if (buf.length < need) buf = Arrays.copyOf(buf, (int) Math.max(need, READ_CHUNK));
                    int n = ch.read(buf, len, buf.length - len);
                    if (n < 0) {
                        handler.discardFd(fd);
                        return;
                    }
                    len += n;
                }
            } catch (IOException e) {
                handler.discardFd(fd);
                throw e;
            } finally {
                if (!deadline.cancel()) {
                    log.info("jtpm: control command not complete within " + COMMAND_TIMEOUT_MILLIS + " ms; closed");
                }
            }
            msg = Arrays.copyOf(buf, len);
            if (buf.length > READ_CHUNK) buf = new byte[READ_CHUNK];
            // a state blob carries the TPM's seeds and proofs (decrypted ones, when asked): only its header is logged
            boolean blob = msg.length >= 4 && (CtrlCommand.of(dev.jtpm.wire.BigEndian.u32(msg, 0)) == CtrlCommand.SET_STATEBLOB
                    || CtrlCommand.of(dev.jtpm.wire.BigEndian.u32(msg, 0)) == CtrlCommand.GET_STATEBLOB);
            log.dump(blob ? " Ctrl Cmd (of " + msg.length + " octets, the state blob's header only):" : " Ctrl Cmd:", msg,
                    blob ? Math.min(msg.length, STATE_BLOB_HEADER) : msg.length);
            ControlHandler.Reply r = handler.handle(msg, fd);
            reply(ch, r.bytes(), blob);
            if (r.effect() == ControlHandler.Effect.EXIT) {
                onExit.run();
                return;
            }
        }
    }

    private static boolean tooLarge(byte[] buf, long need) {
        CtrlCommand c = CtrlCommand.of(dev.jtpm.wire.BigEndian.u32(buf, 0));
        if (c == CtrlCommand.SET_STATEBLOB) return need > 16 + TpmController.MAX_STATE_BLOB;
        return need > MAX_HASH_DATA;
    }

    /** The octets of a state-blob command or response that are logged: the fields before the blob itself. */
    private static final int STATE_BLOB_HEADER = 16;

    private void reply(Conn ch, byte[] rsp, boolean blob) throws IOException {
        log.dump(blob ? " Ctrl Rsp (of " + rsp.length + " octets, the state blob's header only):" : " Ctrl Rsp:", rsp,
                blob ? Math.min(rsp.length, STATE_BLOB_HEADER) : rsp.length);
        ch.write(rsp);
    }

    /** The bound TCP port, or -1 for a Unix socket. */
    int port() { return listener.port(); }

    @Override
    public void close() {
        listener.close();
        thread.interrupt();
    }
}
