package dev.jtpm.eve;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.jtpm.eve.proto.EveTPMRequest;
import dev.jtpm.eve.proto.EveTPMResponse;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code jtpm eve-ptpm}: EVE's PTPM server. One request and one reply per TCP connection ({@link EveFrame} both ways),
 * a virtual thread per connection up to {@code maxWorkers} (beyond: {@link RequestHandler#BUSY} at once, as EVE ≥
 * 10.1), the whole request read within {@code readTimeout} (the reference allows 60 s per {@code recv}, without a
 * total), then {@link RequestHandler}. Bad frames get a one-line text reply where the peer can still read one; the
 * server keeps serving whatever a connection does.
 */
public final class EvePtpmServer implements AutoCloseable {

    /**
     * @param maxWorkers connections served at once (EVE: 64)
     * @param readTimeout how long a client may take to send its whole request
     * @param log where one line per refused or failed request goes (never payloads or command lines)
     */
    public record Config(int maxWorkers, Duration readTimeout, PrintStream log) {}

    private final ServerSocket socket;
    private final RequestHandler handler;
    private final Config config;
    private final AtomicInteger active = new AtomicInteger();
    private final ScheduledExecutorService timer;
    private final Thread acceptor;

    private EvePtpmServer(ServerSocket socket, RequestHandler handler, Config config) {
        this.socket = socket;
        this.handler = handler;
        this.config = config;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("eve-ptpm-timer").factory());
        this.acceptor = Thread.ofPlatform().name("eve-ptpm-accept").start(this::acceptLoop);
    }

    /** Binds {@code listen} (backlog 256) and starts serving. */
    public static EvePtpmServer start(InetSocketAddress listen, RequestHandler handler, Config config) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        try {
            s.bind(listen, 256);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new EvePtpmServer(s, handler, config);
    }

    /** The bound port. */
    public int port() { return socket.getLocalPort(); }

    /** Connections being served now. */
    public int active() { return active.get(); }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket c;
            try {
                c = socket.accept();
            } catch (IOException e) {
                if (socket.isClosed()) return;
                config.log().println("eve-ptpm: accept: " + e.getMessage());
                try {
                    Thread.sleep(50); // out of descriptors: let connections end rather than spin
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            if (active.incrementAndGet() > config.maxWorkers()) {
                active.decrementAndGet();
                Thread.ofVirtual().start(() -> busy(c));
                continue;
            }
            Thread.ofVirtual().start(() -> {
                try {
                    serve(c);
                } finally {
                    active.decrementAndGet();
                }
            });
        }
    }

    private void busy(Socket c) {
        try (c) {
            c.getOutputStream().write(EveFrame.encode(RequestHandler.text(RequestHandler.BUSY).toByteArray()));
            finish(c, Duration.ofMillis(200));
        } catch (IOException ignored) {
            // the client went away; nothing to answer
        }
    }

    private void serve(Socket c) {
        String peer = peer(c);
        try (c) {
            c.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(c.getInputStream(), 16384);
            OutputStream out = c.getOutputStream();
            EveTPMResponse reply;
            java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
            ScheduledFuture<?> deadline = timer.schedule(() -> {
                expired.set(true);
                try {
                    c.shutdownInput(); // the blocked read sees the end of the stream
                } catch (IOException e) {
                    closeQuietly(c);
                }
            }, config.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
            EveFrame.Read frame;
            try {
                frame = EveFrame.read(in, EveFrame.MAX_MESSAGE);
                EveFrame.skipPadding(in, frame.padding());
            } catch (EveFrame.FrameException e) {
                deadline.cancel(false);
                if (expired.get()) {
                    String text = "Request not received within " + config.readTimeout().toSeconds() + " s";
                    config.log().println("eve-ptpm: " + peer + ": " + text);
                    out.write(EveFrame.encode(RequestHandler.text(text).toByteArray()));
                    finish(c, Duration.ofMillis(100));
                    return;
                }
                switch (e.kind()) {
                    case EMPTY -> { return; }
                    case TRUNCATED -> {
                        config.log().println("eve-ptpm: " + peer + ": " + e.getMessage());
                        return;
                    }
                    default -> {
                        config.log().println("eve-ptpm: " + peer + ": " + e.getMessage());
                        out.write(EveFrame.encode(RequestHandler.text(e.getMessage()).toByteArray()));
                        finish(c, Duration.ofMillis(500));
                        return;
                    }
                }
            } catch (SocketException e) {
                // the deadline closed the socket (or the peer reset it)
                config.log().println("eve-ptpm: " + peer + ": request not received within "
                        + config.readTimeout().toSeconds() + " s; connection closed");
                return;
            }
            if (!deadline.cancel(false) || expired.get()) return; // the deadline struck just now
            try {
                EveTPMRequest request = EveTPMRequest.parseFrom(frame.message());
                reply = handler.handle(request, peer);
            } catch (InvalidProtocolBufferException e) {
                reply = RequestHandler.text("Incorrect request format");
            }
            String answer = reply.getResponse().size() < 200 ? reply.getResponse().toStringUtf8() : "";
            if (reply.getOutputFilesCount() == 0 && !answer.isEmpty() && isRefusal(answer)) {
                config.log().println("eve-ptpm: " + peer + ": " + answer.lines().findFirst().orElse(""));
            }
            out.write(EveFrame.encode(reply.toByteArray()));
            out.flush();
            finish(c, Duration.ofSeconds(2));
        } catch (IOException e) {
            config.log().println("eve-ptpm: " + peer + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            config.log().println("eve-ptpm: " + peer + ": internal error: " + e);
        }
    }

    private static boolean isRefusal(String answer) {
        return answer.startsWith(RequestHandler.BACKEND_FAILURE) || answer.contains(" is forbidden!")
                || answer.contains("should not be a path!") || answer.contains("is not allowed!")
                || answer.startsWith("Expected file not found") || answer.equals("Too many arguments")
                || answer.equals("Incorrect request format") || answer.startsWith("Response size");
    }

    /**
     * Ends a connection after the reply: FIN first, then the client's unread bytes (its padding, or the rest of a
     * refused request) are read and dropped for a moment, so that closing does not reset a connection whose reply
     * the client has not read yet.
     */
    private static void finish(Socket c, Duration linger) {
        try {
            c.shutdownOutput();
            c.setSoTimeout((int) linger.toMillis());
            InputStream in = c.getInputStream();
            byte[] sink = new byte[4096];
            long total = 0;
            long end = System.nanoTime() + linger.toNanos();
            int r;
            while (total < (1 << 20) && System.nanoTime() < end && (r = in.read(sink)) >= 0) total += r;
        } catch (IOException ignored) {
            // timed out or reset: the reply is out either way
        }
    }

    private static String peer(Socket c) {
        if (c.getRemoteSocketAddress() instanceof InetSocketAddress a) {
            return a.getAddress().getHostAddress().replaceAll("[^0-9A-Za-z.]", ".") + "_" + a.getPort();
        }
        return "unknown";
    }

    private static void closeQuietly(Socket c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closeQuietly0();
        timer.shutdownNow();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly0() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
