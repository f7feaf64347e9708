package dev.jtpm.fleet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for tests: Debian's {@code postgresql} package ({@code /usr/lib/postgresql/N/bin}),
 * {@code initdb} and {@code pg_ctl} in a temporary directory, TCP on 127.0.0.1 at a free port below 32768, the Unix
 * socket in the temporary directory, password authentication (SCRAM) for the role {@code jtpm}, whose password is
 * in a 0600 password file ({@link #passfile}). PostgreSQL refuses to run as root: as root the server runs as
 * {@code nobody} ({@code runuser}), its directory chowned to it. Without the package, {@link #start} skips the test
 * with a notice, or fails it when {@code CI=true}. {@link #close} stops the server and removes the directory.
 */
public final class PostgresServer implements AutoCloseable {
    /** The role the tests connect as. */
    public static final String USER = "jtpm";

    private final Path dir, bin;
    private final int port;
    private final boolean asNobody;
    private final String password;
    private final Path passfile;
    private boolean stopped;

    private PostgresServer(Path dir, Path bin, int port, boolean asNobody, String password, Path passfile) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.asNobody = asNobody;
        this.password = password;
        this.passfile = passfile;
    }

    /** The newest {@code /usr/lib/postgresql/N/bin} with initdb, or null. */
    public static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) return null;
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.resolve("bin"))
                    .filter(p -> Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** Starts a fresh server, or skips the test (fails under CI=true) when PostgreSQL is not installed. */
    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        if (bin == null) {
            String notice = "PostgreSQL is not installed (apt-get install -y --no-install-recommends postgresql)";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(notice + "; CI=true requires it");
            System.err.println("SKIPPED: " + notice);
            assumeTrue(false, notice);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("jtpm-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        String password = "pw-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, password + "\n");
        Path data = dir.resolve("data");
        PostgresServer setup = new PostgresServer(dir, bin, 0, root, password, null);
        if (root) setup.run(List.of("chown", "-R", "nobody:nogroup", dir.toString()), false, dir);
        setup.run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "scram-sha-256",
                "--pwfile=" + pwfile, "-E", "UTF8", "--no-sync", "--locale=C"), root, dir);
        Files.delete(pwfile);
        int port = freePort();
        PostgresServer pg = new PostgresServer(dir, bin, port, root, password, null);
        pg.run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=on"
                        + " -c max_connections=200", "start"), root, dir);
        Path pass = Files.createTempFile("jtpm-pgpass-", "");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(pass, "127.0.0.1:" + port + ":*:" + USER + ":" + password + "\n");
        PostgresServer ready = new PostgresServer(dir, bin, port, root, password, pass);
        ready.createDatabase("jtpm");
        return ready;
    }

    /** The TCP port on 127.0.0.1. */
    public int port() { return port; }

    /** The role's password (for PGPASSWORD in child processes). */
    public String password() { return password; }

    /** A 0600 libpq password file with the role's password. */
    public Path passfile() { return passfile; }

    /** The server's log file. */
    public Path logFile() { return dir.resolve("server.log"); }

    /** {@code postgresql://jtpm@127.0.0.1:PORT/DB?passfile=…} plus {@code extra} parameters (may be empty). */
    public String uri(String db, String extra) {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + db + "?passfile=" + passfile
                + (extra.isEmpty() ? "" : "&" + extra);
    }

    /**
     * Turns TLS on: a CA and a server certificate for {@code localhost} and {@code 127.0.0.1} made with openssl
     * in the server's directory; returns the CA certificate (for {@code sslrootcert=}).
     */
    public Path enableTls() throws IOException, InterruptedException {
        Path data = dir.resolve("data");
        Path ca = dir.resolve("ca.crt");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=jtpm test CA", "-keyout", dir.resolve("ca.key").toString(), "-out", ca.toString());
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
                "-keyout", data.resolve("server.key").toString(), "-out", dir.resolve("server.csr").toString());
        Path ext = dir.resolve("san.ext");
        Files.writeString(ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl("x509", "-req", "-in", dir.resolve("server.csr").toString(), "-CA", ca.toString(), "-CAkey",
                dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2", "-extfile", ext.toString(),
                "-out", data.resolve("server.crt").toString());
        Files.setPosixFilePermissions(data.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
        if (asNobody) run(List.of("chown", "nobody:nogroup", data.resolve("server.key").toString(),
                data.resolve("server.crt").toString()), false, dir);
        psql("postgres", "ALTER SYSTEM SET ssl = on");
        psql("postgres", "SELECT pg_reload_conf()");
        Path copy = Files.createTempFile("jtpm-ca-", ".crt");
        Files.copy(ca, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        run(cmd, false, dir);
    }

    /** Creates a database. */
    public void createDatabase(String name) throws IOException, InterruptedException {
        psql("postgres", "CREATE DATABASE " + name);
    }

    /** Runs SQL through psql (as the role, over TCP), returning its unaligned output. */
    public String psql(String db, String sql) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(bin.resolve("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, "-d", db, "-c", sql);
        pb.environment().put("PGPASSWORD", password);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("psql " + sql + ": " + out);
        return out.strip();
    }

    private void run(List<String> cmd, boolean nobody, Path cwd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (nobody) full.addAll(List.of("runuser", "-u", "nobody", "--"));
        full.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(full).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out");
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }

    private static int freePort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = 20000 + ThreadLocalRandom.current().nextInt(12700);
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException e) {
                // taken
            }
        }
        throw new IllegalStateException("no free port below 32768");
    }

    /** Stops the server (immediate) and removes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (stopped) return;
        stopped = true;
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"),
                    asNobody, dir);
        } finally {
            if (passfile != null) Files.deleteIfExists(passfile);
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
