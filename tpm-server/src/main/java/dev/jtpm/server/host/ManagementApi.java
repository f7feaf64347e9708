package dev.jtpm.server.host;

import dev.jtpm.server.ChannelSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The management API of {@code jtpm host}: HTTP/1.1 with JSON bodies on TCP or a Unix socket (curl's
 * {@code --unix-socket}). One request per connection ({@code Connection: close}), a virtual thread each;
 * a request line and headers of at most 16 KiB, a body of at most 64 KiB given by {@code Content-Length},
 * all within 10 s — anything else is answered 400/408/411/413 and closed. The JDK's own HTTP server
 * cannot listen on a Unix socket, which is how a host on a hypervisor is reached without a network port;
 * this small server serves both.
 *
 * <pre>
 * POST   /instances            {"name": "vm1"[, "flags": "not-need-init,startup-clear"]}  → 201 instance
 * GET    /instances                                                                      → 200 {"instances": [...]}
 * GET    /instances/NAME                                                                 → 200 instance | 404
 * POST   /instances/NAME/stop  | /start                                                  → 200 instance
 * DELETE /instances/NAME                                                                 → 204
 * GET    /metrics                                                                        → 200 Prometheus text
 * </pre>
 */
public final class ManagementApi implements AutoCloseable {
    private static final int MAX_HEAD = 16 * 1024, MAX_BODY = 64 * 1024;
    private static final long REQUEST_SECONDS = 10;

    private final InstanceHost host;
    private final ServerSocketChannel server;
    private final Path unixPath;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jtpm-api-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    private ManagementApi(InstanceHost host, ServerSocketChannel server, Path unixPath) {
        this.host = host;
        this.server = server;
        this.unixPath = unixPath;
    }

    /**
     * Listens on {@code api}: {@code HOST:PORT} (port 0 picks one) or {@code unix:PATH}, and serves until closed.
     *
     * @throws IllegalArgumentException for a malformed address
     */
    public static ManagementApi start(InstanceHost host, String api) throws IOException {
        ServerSocketChannel ch;
        Path unix = null;
        if (api.startsWith("unix:")) {
            unix = Path.of(api.substring(5));
            if (unix.toString().isEmpty()) throw new IllegalArgumentException("--api unix: needs a path");
            Files.deleteIfExists(unix);
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(unix));
            Files.setPosixFilePermissions(unix, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        } else {
            int colon = api.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("--api: give HOST:PORT or unix:PATH, not '" + api + "'");
            int port;
            try {
                port = Integer.parseInt(api.substring(colon + 1));
                if (port < 0 || port > 65535) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--api: bad port in '" + api + "'");
            }
            ch = ServerSocketChannel.open();
            ch.bind(new InetSocketAddress(api.substring(0, colon), port));
        }
        ManagementApi m = new ManagementApi(host, ch, unix);
        Thread.ofVirtual().name("jtpm-api").start(m::acceptLoop);
        return m;
    }

    /** The TCP port listened on, or -1 on a Unix socket. */
    public int port() {
        try {
            return server.getLocalAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> serve(c));
        }
    }

    /** One HTTP exchange. */
    record Response(int status, String contentType, String body) {
        static Response json(int status, String body) { return new Response(status, "application/json", body + "\n"); }

        static Response error(int status, String message) {
            return json(status, Json.object(Map.of("error", Json.quote(message))));
        }
    }

    private void serve(SocketChannel c) {
        ScheduledFuture<?> deadline = timer.schedule(() -> closeQuietly(c), REQUEST_SECONDS, TimeUnit.SECONDS);
        try (c) {
            Response r;
            try {
                r = handle(readRequest(c));
            } catch (BadRequest e) {
                r = Response.error(e.status, e.getMessage());
            }
            host.metrics().apiRequest(r.status());
            write(c, r);
        } catch (IOException ignored) {
            // the client went away or took too long
        } finally {
            deadline.cancel(false);
        }
    }

    record Request(String method, String path, String body) {}

    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static Request readRequest(SocketChannel c) throws IOException, BadRequest {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        int state = 0; // matches of \r\n\r\n
        while (state < 4) {
            one.clear();
            if (c.read(one) < 0) throw new BadRequest(400, "incomplete request");
            byte b = one.get(0);
            head.write(b);
            if (head.size() > MAX_HEAD) throw new BadRequest(400, "request head larger than " + MAX_HEAD + " octets");
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] rl = lines[0].split(" ");
        if (rl.length != 3 || !rl[2].startsWith("HTTP/1.")) throw new BadRequest(400, "bad request line");
        long length = 0;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) throw new BadRequest(400, "bad header line");
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("transfer-encoding")) throw new BadRequest(411, "give the body with Content-Length");
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                    if (length < 0) throw new NumberFormatException();
                } catch (NumberFormatException e) {
                    throw new BadRequest(400, "bad Content-Length");
                }
            }
        }
        if (length > MAX_BODY) throw new BadRequest(413, "body larger than " + MAX_BODY + " octets");
        ByteBuffer body = ByteBuffer.allocate((int) length);
        while (body.hasRemaining()) {
            if (c.read(body) < 0) throw new BadRequest(400, "body shorter than Content-Length");
        }
        String path = rl[1];
        int q = path.indexOf('?');
        if (q >= 0) path = path.substring(0, q);
        return new Request(rl[0], path, new String(body.array(), StandardCharsets.UTF_8));
    }

    Response handle(Request r) {
        List<String> parts = java.util.Arrays.stream(r.path().split("/")).filter(s -> !s.isEmpty()).toList();
        try {
            if (parts.equals(List.of("metrics"))) {
                if (!r.method().equals("GET")) return Response.error(405, "use GET");
                int[] n = host.counts();
                return new Response(200, "text/plain; version=0.0.4; charset=utf-8", host.metrics().render(n[0], n[1]));
            }
            if (parts.isEmpty() || !parts.get(0).equals("instances") || parts.size() > 3) {
                return Response.error(404, "no such resource " + r.path());
            }
            if (parts.size() == 1) {
                return switch (r.method()) {
                    case "GET" -> Response.json(200, Json.object(Map.of("instances",
                            Json.array(host.list().stream().map(ManagementApi::instanceJson).toList()))));
                    case "POST" -> create(r.body());
                    default -> Response.error(405, "use GET or POST on /instances");
                };
            }
            String name = parts.get(1);
            if (parts.size() == 2) {
                return switch (r.method()) {
                    case "GET" -> Response.json(200, instanceJson(host.get(name)));
                    case "DELETE" -> {
                        host.delete(name);
                        yield new Response(204, null, "");
                    }
                    default -> Response.error(405, "use GET or DELETE on /instances/" + name);
                };
            }
            if (!r.method().equals("POST")) return Response.error(405, "use POST on /instances/" + name + "/" + parts.get(2));
            return switch (parts.get(2)) {
                case "start" -> Response.json(200, instanceJson(host.start(name)));
                case "stop" -> Response.json(200, instanceJson(host.stop(name)));
                default -> Response.error(404, "no such action " + parts.get(2) + " (start or stop)");
            };
        } catch (InstanceHost.HostException e) {
            return Response.error(e.status(), e.getMessage());
        }
    }

    private Response create(String body) throws InstanceHost.HostException {
        Map<String, Object> m;
        try {
            m = Json.parseObject(body);
        } catch (Json.ParseException e) {
            return Response.error(400, "bad JSON body: " + e.getMessage());
        }
        for (String k : m.keySet()) {
            if (!k.equals("name") && !k.equals("flags")) return Response.error(400, "unknown member \"" + k + "\" (name, flags)");
        }
        if (!(m.get("name") instanceof String name)) return Response.error(400, "give the instance name as {\"name\": \"vm1\"}");
        Object flags = m.get("flags");
        if (flags != null && !(flags instanceof String)) return Response.error(400, "flags must be a string");
        return Response.json(201, instanceJson(host.create(name, (String) flags)));
    }

    static String instanceJson(InstanceHost.Info i) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", Json.quote(i.name()));
        m.put("state", Json.quote(i.running() ? "running" : "stopped"));
        m.put("server", endpoint(i.server()));
        m.put("ctrl", endpoint(i.ctrl()));
        m.put("tpmstate", Json.quote(i.tpmstate()));
        m.put("flags", Json.quote(i.flags()));
        return Json.object(m);
    }

    private static String endpoint(ChannelSpec c) {
        Map<String, String> m = new LinkedHashMap<>();
        switch (c) {
            case ChannelSpec.Tcp t -> {
                m.put("type", Json.quote("tcp"));
                m.put("bindaddr", Json.quote(t.bindAddr()));
                m.put("port", Integer.toString(t.port()));
            }
            case ChannelSpec.UnixIo u -> {
                m.put("type", Json.quote("unixio"));
                m.put("path", Json.quote(u.path().toString()));
            }
            case ChannelSpec.Tls t -> {
                m.put("type", Json.quote("tls"));
                m.put("bindaddr", Json.quote(t.bindAddr()));
                m.put("port", Integer.toString(t.port()));
            }
            default -> m.put("type", Json.quote("other"));
        }
        return Json.object(m);
    }

    private static void write(SocketChannel c, Response r) throws IOException {
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n");
        if (r.contentType() != null) h.append("Content-Type: ").append(r.contentType()).append("\r\n");
        h.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
        while (out.hasRemaining()) c.write(out);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            default -> "Error";
        };
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Stops listening (requests in flight finish). */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        timer.shutdownNow();
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
