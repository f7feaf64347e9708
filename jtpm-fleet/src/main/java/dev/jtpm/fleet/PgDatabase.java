package dev.jtpm.fleet;

import dev.jtpm.server.ServerLog;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One PostgreSQL database as a host uses it: a few pooled connections shared by every instance stored there, the
 * schema migrated once, this process's owner id for leases, and one thread renewing every lease this process
 * holds (one UPDATE for all of them, every third of the lease). A lease the renewal cannot extend (it expired
 * first, or another host took it) fences its store at once.
 */
final class PgDatabase {
    /** Work done inside one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException, IOException;
    }

    private final PgTarget target;
    private final Properties props;
    private final String owner;
    private final ServerLog log;
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final Map<String, PostgresStateStore> held = new ConcurrentHashMap<>();
    private int open;
    private Thread renewer;

    private PgDatabase(PgTarget target, Properties props, ServerLog log) {
        this.target = target;
        this.props = props;
        this.log = log;
        String hostName;
        try {
            hostName = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            hostName = "localhost";
        }
        this.owner = hostName + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Connects once (so bad credentials are one clear error) and migrates the schema. */
    static PgDatabase open(PgTarget target, Map<String, String> env, ServerLog log) throws IOException {
        PgDatabase db = new PgDatabase(target, target.connectionProperties(env), log);
        db.tx(c -> {
            PgSchema.migrate(c);
            return null;
        });
        return db;
    }

    /** This process's lease owner id: host name, pid and a random part. */
    String owner() { return owner; }

    PgTarget target() { return target; }

    /** Runs {@code work} in a transaction and commits; SQL failures become one-line IOExceptions. */
    <T> T tx(Work<T> work) throws IOException {
        Connection c = borrow();
        boolean broken = false;
        try {
            c.setAutoCommit(false);
            T t = work.run(c);
            c.commit();
            return t;
        } catch (SQLException e) {
            broken = isBroken(c, e);
            rollbackQuietly(c);
            throw new IOException(target.describe() + ": " + oneLine(e), e);
        } catch (IOException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            give(c, broken);
        }
    }

    private Connection borrow() throws IOException {
        synchronized (this) {
            while (true) {
                Connection c = idle.pollFirst();
                if (c != null) return c;
                if (open < target.pool()) {
                    open++;
                    break;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted waiting for a database connection");
                }
            }
        }
        try {
            // the driver class itself, not DriverManager: nothing scans for drivers, and pgjdbc loads only here
            Connection c = new org.postgresql.Driver().connect(target.jdbcUrl(), props);
            if (c == null) throw new SQLException("the driver refused the URL");
            return c;
        } catch (SQLException e) {
            synchronized (this) {
                open--;
                notifyAll();
            }
            throw new IOException("cannot connect to " + target.describe() + ": " + oneLine(e), e);
        }
    }

    private synchronized void give(Connection c, boolean broken) {
        if (broken) {
            open--;
            try {
                c.close();
            } catch (SQLException ignored) {
                // gone anyway
            }
        } else {
            idle.addFirst(c);
        }
        notifyAll();
    }

    private static boolean isBroken(Connection c, SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) return true;
        try {
            return c.isClosed();
        } catch (SQLException x) {
            return true;
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            if (!c.isClosed()) c.rollback();
        } catch (SQLException ignored) {
            // the connection is dropped by the caller if broken
        }
    }

    /** The first line of a driver message (pgjdbc appends server detail lines; none carries credentials). */
    static String oneLine(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    // ------------------------------------------------------------------ leases

    /** Renews {@code store}'s lease with the others until {@link #release}. */
    synchronized void hold(PostgresStateStore store) {
        held.put(store.name(), store);
        if (renewer == null) {
            renewer = Thread.ofPlatform().daemon().name("jtpm-fleet-lease").start(this::renewLoop);
        }
    }

    void release(PostgresStateStore store) { held.remove(store.name(), store); }

    private void renewLoop() {
        long period = Math.max(50, target.lease().toMillis() / 3);
        while (true) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            if (held.isEmpty()) continue;
            try {
                renewAll();
            } catch (IOException e) {
                log.error("jtpm fleet: lease renewal failed: " + e.getMessage());
            }
        }
    }

    /** One UPDATE for every lease held; a store whose lease was not extended is fenced. */
    void renewAll() throws IOException {
        Map<PostgresStateStore, Long> stores = new java.util.HashMap<>();
        for (PostgresStateStore s : held.values()) {
            long e = s.heldEpoch();
            if (e >= 0) stores.put(s, e);
        }
        if (stores.isEmpty()) return;
        Set<String> renewed = tx(c -> {
            Set<String> ok = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE jtpm_instance SET lease_until = clock_timestamp() + make_interval(secs => ?)
                    WHERE owner = ? AND name = ANY (?) AND lease_until > clock_timestamp() RETURNING name""")) {
                ps.setDouble(1, target.lease().toMillis() / 1000.0);
                ps.setString(2, owner);
                Array names = c.createArrayOf("text", stores.keySet().stream().map(PostgresStateStore::name).toArray());
                ps.setArray(3, names);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) ok.add(r.getString(1));
                }
            }
            return ok;
        });
        stores.forEach((s, epoch) -> {
            if (!renewed.contains(s.name())) s.leaseLost(epoch, "the lease expired before it was renewed, or another host took it");
        });
    }
}
