package dev.jtpm.fleet;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A PostgreSQL store URI, {@code postgresql://[USER@]HOST[:PORT]/DB[?PARAM=VALUE&…]}, resolved the libpq way: what
 * the URI leaves out comes from {@code PGHOST}, {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER},
 * {@code PGSSLMODE}, {@code PGSSLROOTCERT}; the password from {@code PGPASSWORD}, else the password file
 * ({@code passfile=}, {@code PGPASSFILE}, {@code ~/.pgpass}). A password in the URI is refused: command lines are
 * visible to every user of the machine, and URIs end up in logs.
 *
 * <p>Parameters: {@code sslmode}, {@code sslrootcert}, {@code sslcert}, {@code sslkey} (passed to pgjdbc as given,
 * so {@code sslmode=verify-full} checks the server's certificate and name), {@code connect_timeout} (seconds),
 * {@code passfile}, {@code user}, {@code application_name}, and jtpm's own {@code lease} (seconds a claim lasts
 * without renewal, default 10), {@code pool} (connections per database, default 4) and {@code allow-rollback}
 * (an instance name allowed to start from state older than the newest committed, logged) and {@code log-keep}
 * (generations of the write log kept per instance, default 1000; pruned every that many writes) and {@code witness}
 * (a directory where the newest generation this host committed is noted per instance, to detect a database restored
 * as a whole).
 *
 * @param host the server's host name or address
 * @param port its TCP port
 * @param database the database
 * @param user the role
 * @param params the connection parameters passed to pgjdbc (no password)
 * @param passfile the password file to consult when {@code PGPASSWORD} is not set, or null
 * @param lease how long a claim lasts without renewal
 * @param pool the most connections one host keeps to this database
 * @param allowRollback the instance that may start from older state, or null
 * @param logKeep how many generations of {@code jtpm_log} to keep per instance (beside the newest entry of each kind)
 * @param witness a directory outside the database where this host notes each instance's newest generation, or null
 */
record PgTarget(String host, int port, String database, String user, Map<String, String> params, Path passfile,
                Duration lease, int pool, String allowRollback, int logKeep, Path witness) {

    private static final Set<String> PASSED = Set.of("sslmode", "sslrootcert", "sslcert", "sslkey", "application_name");
    private static final Set<String> KNOWN = Set.of("sslmode", "sslrootcert", "sslcert", "sslkey", "application_name",
            "connect_timeout", "passfile", "user", "lease", "pool", "allow-rollback", "log-keep", "witness");

    /** Parses {@code uri} with {@code env} supplying what it leaves out; one-line errors. */
    static PgTarget parse(String uri, Map<String, String> env) throws IOException {
        String rest;
        if (uri.startsWith("postgresql://")) rest = uri.substring("postgresql://".length());
        else if (uri.startsWith("postgres://")) rest = uri.substring("postgres://".length());
        else throw new IOException("not a postgresql:// URI");
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String db = slash < 0 ? "" : decode(rest.substring(slash + 1));
        String user = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            if (userInfo.contains(":")) {
                throw new IOException("postgresql URI: a password in the URI is refused; use PGPASSWORD or a password"
                        + " file (passfile=, PGPASSFILE, ~/.pgpass)");
            }
            user = decode(userInfo);
            authority = authority.substring(at + 1);
        }
        String host = authority, portText = null;
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            if (end < 0) throw new IOException("postgresql URI: bad host '" + authority + "'");
            host = authority.substring(1, end);
            if (authority.length() > end + 1 && authority.charAt(end + 1) == ':') portText = authority.substring(end + 2);
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0) {
                host = authority.substring(0, colon);
                portText = authority.substring(colon + 1);
            }
        }
        Map<String, String> p = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String part : query.split("&")) {
                if (part.isEmpty()) continue;
                int eq = part.indexOf('=');
                String k = decode(eq < 0 ? part : part.substring(0, eq));
                String v = eq < 0 ? "" : decode(part.substring(eq + 1));
                if (k.equals("password") || k.equals("sslpassword")) {
                    throw new IOException("postgresql URI: " + k + "= is refused; use PGPASSWORD or a password file"
                            + " (passfile=, PGPASSFILE, ~/.pgpass)");
                }
                if (!KNOWN.contains(k)) throw new IOException("postgresql URI: unknown parameter '" + k + "'");
                if (p.put(k, v) != null) throw new IOException("postgresql URI: parameter '" + k + "' given twice");
            }
        }
        host = decode(host);
        if (host.isEmpty()) host = env.getOrDefault("PGHOST", "localhost");
        if (host.startsWith("/")) {
            throw new IOException("postgresql URI: host '" + host + "' is a Unix socket directory; jtpm connects over TCP");
        }
        if (portText == null || portText.isEmpty()) portText = env.getOrDefault("PGPORT", "5432");
        int port;
        try {
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new IOException("postgresql URI: bad port '" + portText + "'");
        }
        if (user == null) user = p.get("user");
        if (user == null) user = env.get("PGUSER");
        if (user == null) user = System.getProperty("user.name");
        if (db.isEmpty()) db = env.getOrDefault("PGDATABASE", user);
        Map<String, String> passed = new LinkedHashMap<>();
        for (var e : p.entrySet()) if (PASSED.contains(e.getKey())) passed.put(e.getKey(), e.getValue());
        if (!passed.containsKey("sslmode") && env.get("PGSSLMODE") != null) passed.put("sslmode", env.get("PGSSLMODE"));
        if (!passed.containsKey("sslrootcert") && env.get("PGSSLROOTCERT") != null) passed.put("sslrootcert", env.get("PGSSLROOTCERT"));
        if (p.containsKey("connect_timeout")) passed.put("connectTimeout", number(p.get("connect_timeout"), "connect_timeout"));
        Path passfile = p.containsKey("passfile") ? Path.of(p.get("passfile"))
                : env.get("PGPASSFILE") != null ? Path.of(env.get("PGPASSFILE"))
                : env.get("HOME") != null ? Path.of(env.get("HOME"), ".pgpass") : null;
        Duration lease = Duration.ofSeconds(10);
        if (p.containsKey("lease")) {
            try {
                double s = Double.parseDouble(p.get("lease"));
                if (!(s >= 0.2 && s <= 86400)) throw new NumberFormatException();
                lease = Duration.ofMillis(Math.round(s * 1000));
            } catch (NumberFormatException e) {
                throw new IOException("postgresql URI: bad lease '" + p.get("lease") + "' (seconds, 0.2 to 86400)");
            }
        }
        int pool = 4;
        if (p.containsKey("pool")) pool = Integer.parseInt(number(p.get("pool"), "pool"));
        if (pool < 1 || pool > 64) throw new IOException("postgresql URI: pool must be 1 to 64");
        int logKeep = 1000;
        if (p.containsKey("log-keep")) logKeep = Integer.parseInt(number(p.get("log-keep"), "log-keep"));
        if (logKeep < 1) throw new IOException("postgresql URI: log-keep must be at least 1");
        String allow = p.get("allow-rollback");
        return new PgTarget(host, port, db, user, Map.copyOf(passed), passfile, lease, pool,
                allow == null || allow.isEmpty() ? null : allow, logKeep,
                p.get("witness") == null || p.get("witness").isEmpty() ? null : Path.of(p.get("witness")));
    }

    private static String number(String v, String k) throws IOException {
        if (v == null || !v.matches("[0-9]{1,6}")) throw new IOException("postgresql URI: bad " + k + " '" + v + "'");
        return v;
    }

    private static String decode(String s) throws IOException {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IOException("postgresql URI: bad escape in '" + s + "'");
        }
    }

    /** The JDBC URL (no credentials). */
    String jdbcUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** The connection properties: user, password (from the environment or password file), the passed parameters. */
    Properties connectionProperties(Map<String, String> env) throws IOException {
        Properties props = new Properties();
        props.putAll(params);
        props.setProperty("user", user);
        String password = env.get("PGPASSWORD");
        if (password == null && passfile != null) password = PgPassFile.lookup(passfile, host, port, database, user);
        if (password != null) props.setProperty("password", password);
        // pgjdbc must not go looking for passwords or services on its own, nor print parameters
        props.setProperty("ApplicationName", params.getOrDefault("application_name", "jtpm"));
        props.setProperty("loggerLevel", "OFF");
        return props;
    }

    /** Where the database is, for messages and logs: host, port, database, user; never the password. */
    String describe() { return "postgresql://" + user + "@" + host + ":" + port + "/" + database; }

    /** The identity of the database for sharing connections between instances: everything but allow-rollback. */
    String poolKey() { return describe() + params + passfile + lease + pool + "/" + logKeep + "/" + witness; }

    @Override
    public String toString() { return describe(); }
}
