package dev.jtpm.fleet;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.StateKeyException;
import dev.jtpm.server.StateLockedException;
import dev.jtpm.server.StateStore;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateBlobException;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * One TPM's state in PostgreSQL ({@link PgSchema}'s tables), claimed by a lease for as long as it is open.
 *
 * <p>Opening takes the lease in one transaction: refused while another owner's lease is live; an expired one is
 * taken over (logged). In the same transaction the blobs are read and checked against the log: every blob row must
 * be the one the newest log entry of its kind describes (generation and SHA-256), and the instance's generation the
 * newest logged one; otherwise a row was restored or altered by hand and the open is refused, unless the URI names
 * this instance in {@code allow-rollback=}, which is logged and re-logs the rows as found under new generations.
 *
 * <p>Every {@link #store} or {@link #delete} is one transaction: a compare-and-set on the instance row (the
 * generation this store last wrote, its owner id and epoch, a lease not expired on the database's clock) that
 * advances the generation by one, the blob row, and a log row; it returns only after COMMIT, so the engine answers
 * a command only once its state change is durable. A refused compare-and-set (fenced: the lease expired or another
 * host took over) or a failed transaction makes this store refuse everything after, and the engine, whose write
 * failed, goes into failure mode (TPM_RC_FAILURE) instead of diverging from the committed state.
 *
 * <p>Blobs are kept in swtpm's file container ({@link StateBlob#encodeFile}), encrypted when a state key is given:
 * the database holds ciphertext.
 */
final class PostgresStateStore implements StateStore {
    private enum Claim { HELD, RELEASED, FENCED, CLOSED }

    private final PgDatabase db;
    private final String name;
    private final Optional<StateKey> key;
    private final ServerLog log;
    private final boolean allowRollback;
    private final Map<StateKind, byte[]> blobs = new EnumMap<>(StateKind.class);
    private long generation, epoch;
    private Claim claim = Claim.RELEASED;
    private boolean claimedOnce;
    private String fenceReason;

    private PostgresStateStore(PgDatabase db, String name, Optional<StateKey> key, ServerLog log, boolean allowRollback) {
        this.db = db;
        this.name = name;
        this.key = key;
        this.log = log;
        this.allowRollback = allowRollback;
    }

    /** Claims {@code name} and reads its state (see the class comment); the caller closes it. */
    static PostgresStateStore open(PgDatabase db, String name, Optional<StateKey> key, ServerLog log,
                                   boolean allowRollback) throws IOException {
        return open(db, name, key, log, allowRollback, true);
    }

    /**
     * As above; with {@code claimNow} false (an incoming migration) nothing is claimed or read until {@link #lock}
     * (swtpm takes the lock when the migrated state arrives, after the source gave it up).
     */
    static PostgresStateStore open(PgDatabase db, String name, Optional<StateKey> key, ServerLog log,
                                   boolean allowRollback, boolean claimNow) throws IOException {
        PostgresStateStore s = new PostgresStateStore(db, name, key, log, allowRollback);
        if (claimNow) s.acquire();
        return s;
    }

    /** The instance's name in the database. */
    String name() { return name; }

    /** The generation of the newest state this store committed or read. */
    synchronized long generation() { return generation; }

    // ------------------------------------------------------------------ claiming

    private record Row(long generation, byte[] blob) {}

    private record Logged(long generation, byte[] digest) {}

    private synchronized void acquire() throws IOException {
        if (claim == Claim.CLOSED) throw new IOException("state store " + name + " is closed");
        long witnessed = readWitness();
        Map<StateKind, byte[]> read = db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO jtpm_instance (name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            long gen;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT generation, owner, lease_until > clock_timestamp(), lease_until, to_char(lease_until AT TIME ZONE 'UTC',
                    'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM jtpm_instance WHERE name = ? FOR UPDATE""")) {
                ps.setString(1, name);
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    gen = r.getLong(1);
                    String holder = r.getString(2);
                    boolean live = r.getBoolean(3);
                    if (holder != null && live) {
                        throw new StateLockedException("instance " + name + " is in use: " + holder + " holds its lease until "
                                + r.getString(5) + "; stop it there, or wait until the lease expires");
                    }
                    if (holder != null) {
                        log.error("jtpm fleet: taking over instance " + name + " from " + holder + " (lease expired at "
                                + r.getString(5) + ")");
                    }
                }
            }
            Map<StateKind, Row> rows = new EnumMap<>(StateKind.class);
            try (PreparedStatement ps = c.prepareStatement("SELECT kind, generation, blob FROM jtpm_state WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        StateKind k = StateKind.ofBlobType(r.getInt(1));
                        if (k == null) throw new IOException("instance " + name + ": unknown state kind " + r.getInt(1));
                        rows.put(k, new Row(r.getLong(2), r.getBytes(3)));
                    }
                }
            }
            Map<StateKind, Logged> newest = new EnumMap<>(StateKind.class);
            long newestGeneration = 0;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT DISTINCT ON (kind) kind, generation, digest FROM jtpm_log WHERE name = ?
                    ORDER BY kind, generation DESC""")) {
                ps.setString(1, name);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        StateKind k = StateKind.ofBlobType(r.getInt(1));
                        if (k != null) newest.put(k, new Logged(r.getLong(2), r.getBytes(3)));
                        newestGeneration = Math.max(newestGeneration, r.getLong(2));
                    }
                }
            }
            String problem = witnessed > Math.max(gen, newestGeneration)
                    ? "the database is at generation " + Math.max(gen, newestGeneration) + " but this host saw generation "
                            + witnessed + " committed (witness " + witnessFile() + "): the database was restored"
                    : rollbackProblem(gen, newestGeneration, rows, newest);
            long epochNow;
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE jtpm_instance SET owner = ?, epoch = epoch + 1,
                    lease_until = clock_timestamp() + make_interval(secs => ?) WHERE name = ? RETURNING epoch""")) {
                ps.setString(1, db.owner());
                ps.setDouble(2, db.target().lease().toMillis() / 1000.0);
                ps.setString(3, name);
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    epochNow = r.getLong(1);
                }
            }
            epoch = epochNow;
            if (problem != null) {
                if (!allowRollback) {
                    throw new RollbackException("instance " + name + ": " + problem + "; the state was restored or altered"
                            + " outside jtpm, so the TPM would start older than its newest committed state. Refusing to"
                            + " start; to start from the rows as they are, add allow-rollback=" + name + " to the URI once");
                }
                log.error("jtpm fleet: WARNING: instance " + name + ": " + problem + "; starting from the rows as they"
                        + " are because of allow-rollback=" + name + " (a rolled-back TPM: counters, dictionary-attack"
                        + " state and sealed secrets may be older than before)");
                gen = Math.max(Math.max(gen, newestGeneration), witnessed);
                for (var e : rows.entrySet()) {
                    gen++;
                    writeRow(c, e.getKey(), e.getValue().blob(), gen);
                }
                for (StateKind k : newest.keySet()) {
                    if (!rows.containsKey(k) && newest.get(k).digest() != null) {
                        gen++;
                        writeRow(c, k, null, gen);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE jtpm_instance SET generation = ? WHERE name = ?")) {
                    ps.setLong(1, gen);
                    ps.setString(2, name);
                    ps.executeUpdate();
                }
            }
            generation = gen;
            Map<StateKind, byte[]> raw = new EnumMap<>(StateKind.class);
            rows.forEach((k, row) -> raw.put(k, row.blob()));
            return raw;
        });
        claim = Claim.HELD;
        claimedOnce = true;
        fenceReason = null;
        blobs.clear();
        try {
            for (var e : read.entrySet()) {
                try {
                    blobs.put(e.getKey(), StateBlob.decodeFile(e.getValue(), key));
                } catch (StateBlobException x) {
                    throw new StateKeyException("instance " + name + " (" + e.getKey().fileSuffix() + " in "
                            + db.target().describe() + "): " + x.getMessage(), x);
                }
            }
        } catch (IOException e) {
            claim = Claim.RELEASED;
            blobs.clear();
            releaseLease();
            throw e;
        }
        writeWitness();
        db.hold(this);
    }

    // ------------------------------------------------------------------ the witness outside the database

    private Path witnessFile() {
        Path dir = db.target().witness();
        return dir == null ? null : dir.resolve(name + ".generation");
    }

    /** The generation this host last noted for the instance (0: none, or no witness directory). */
    private long readWitness() throws IOException {
        Path f = witnessFile();
        if (f == null) return 0;
        try {
            return Long.parseLong(Files.readString(f).strip());
        } catch (NoSuchFileException e) {
            return 0;
        } catch (NumberFormatException e) {
            throw new IOException("witness " + f + " is not a generation number");
        }
    }

    /**
     * Notes the generation after it committed (so the note is never ahead of the database). Not fsynced: a note lost
     * in a crash only weakens the check, never refuses a good start.
     */
    private void writeWitness() {
        Path f = witnessFile();
        if (f == null) return;
        try {
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            Files.writeString(tmp, generation + "\n");
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.error("jtpm fleet: cannot note generation " + generation + " of " + name + " in " + f + ": " + e.getMessage());
        }
    }

    /** Null when the rows are the newest committed state; else what is wrong, in one line. */
    private static String rollbackProblem(long gen, long newestGeneration, Map<StateKind, Row> rows,
                                          Map<StateKind, Logged> newest) {
        if (gen != newestGeneration) {
            return "the instance row is at generation " + gen + " but generation " + newestGeneration + " was committed";
        }
        for (StateKind k : StateKind.values()) {
            Row row = rows.get(k);
            Logged l = newest.get(k);
            boolean logged = l != null && l.digest() != null;
            if (row == null && !logged) continue;
            if (row == null) return "the " + k.fileSuffix() + " row is missing but generation " + l.generation() + " wrote it";
            if (!logged) return "the " + k.fileSuffix() + " row (generation " + row.generation() + ") was never committed by jtpm";
            if (row.generation() != l.generation()) {
                return "the " + k.fileSuffix() + " row is from generation " + row.generation() + " but generation "
                        + l.generation() + " is the newest committed";
            }
            if (!Arrays.equals(sha256(row.blob()), l.digest())) {
                return "the " + k.fileSuffix() + " row of generation " + row.generation() + " is not the one committed";
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ NvStore

    @Override
    public synchronized byte[] load(StateKind kind) throws IOException {
        if (claim == Claim.CLOSED) throw new IOException("state store " + name + " is closed");
        if (claim == Claim.FENCED) throw new FencedException("instance " + name + ": " + fenceReason);
        if (!claimedOnce) throw new IOException("instance " + name + ": the state is not claimed yet (incoming migration)");
        byte[] b = blobs.get(kind);
        return b == null ? null : b.clone();
    }

    @Override
    public synchronized void store(StateKind kind, byte[] blob) throws IOException {
        write(kind, blob.clone());
    }

    @Override
    public synchronized void delete(StateKind kind) throws IOException {
        checkWritable();
        if (!blobs.containsKey(kind)) return;
        write(kind, null);
    }

    private void write(StateKind kind, byte[] blob) throws IOException {
        checkWritable();
        byte[] bytes = blob == null ? null : StateBlob.encodeFile(blob, key);
        long next = generation + 1;
        try {
            db.tx(c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE jtpm_instance SET generation = ? WHERE name = ? AND generation = ? AND owner = ? AND epoch = ?
                        AND lease_until > clock_timestamp()""")) {
                    ps.setLong(1, next);
                    ps.setString(2, name);
                    ps.setLong(3, generation);
                    ps.setString(4, db.owner());
                    ps.setLong(5, epoch);
                    if (ps.executeUpdate() != 1) throw new FencedException(whyFenced(c));
                }
                writeRow(c, kind, bytes, next);
                if (next % db.target().logKeep() == 0) pruneLog(c, next);
                return null;
            });
        } catch (FencedException e) {
            fence(e.getMessage());
            throw e;
        } catch (IOException e) {
            // the outcome of a failed COMMIT is unknown: stop writing rather than guess
            fence("a database write failed (" + e.getMessage() + "); this TPM stops here, a restart reads the committed state");
            throw new FencedException("instance " + name + ": " + fenceReason, e);
        }
        generation = next;
        writeWitness();
        if (blob == null) blobs.remove(kind);
        else blobs.put(kind, blob);
    }

    /** The blob row and the log row of generation {@code gen} (blob null: the row removed). */
    private void writeRow(Connection c, StateKind kind, byte[] bytes, long gen) throws SQLException {
        if (bytes == null) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM jtpm_state WHERE name = ? AND kind = ?")) {
                ps.setString(1, name);
                ps.setInt(2, kind.blobType());
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO jtpm_state (name, kind, generation, blob) VALUES (?, ?, ?, ?)
                    ON CONFLICT (name, kind) DO UPDATE SET generation = excluded.generation, blob = excluded.blob""")) {
                ps.setString(1, name);
                ps.setInt(2, kind.blobType());
                ps.setLong(3, gen);
                ps.setBytes(4, bytes);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO jtpm_log (name, generation, kind, digest, owner, epoch) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, name);
            ps.setLong(2, gen);
            ps.setInt(3, kind.blobType());
            ps.setBytes(4, bytes == null ? null : sha256(bytes));
            ps.setString(5, db.owner());
            ps.setLong(6, epoch);
            ps.executeUpdate();
        }
    }

    /**
     * Drops log rows older than the last {@code log-keep} generations, keeping the newest of each kind (the rollback
     * check compares the blob rows with those).
     */
    private void pruneLog(Connection c, long newest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                DELETE FROM jtpm_log WHERE name = ? AND generation <= ? AND (kind, generation) NOT IN
                (SELECT DISTINCT ON (kind) kind, generation FROM jtpm_log WHERE name = ? ORDER BY kind, generation DESC)""")) {
            ps.setString(1, name);
            ps.setLong(2, newest - db.target().logKeep());
            ps.setString(3, name);
            ps.executeUpdate();
        }
    }

    private String whyFenced(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT generation, owner, epoch, lease_until > clock_timestamp() FROM jtpm_instance WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next()) return "instance " + name + ": its row is gone; write refused";
                String holder = r.getString(2);
                if (db.owner().equals(holder) && r.getLong(3) == epoch && r.getLong(1) == generation) {
                    return "instance " + name + ": the lease expired before it was renewed; write refused (fenced)";
                }
                return "instance " + name + ": taken over by " + (holder == null ? "nobody (released)" : holder)
                        + " at generation " + r.getLong(1) + "; this host's write at generation " + (generation + 1)
                        + " refused (fenced)";
            }
        }
    }

    private void checkWritable() throws IOException {
        switch (claim) {
            case HELD -> { }
            case CLOSED -> throw new IOException("state store " + name + " is closed");
            case FENCED -> throw new FencedException("instance " + name + ": " + fenceReason);
            case RELEASED -> throw new IOException("state store " + name + ": the lease was released for an outgoing migration");
        }
    }

    private void fence(String reason) {
        if (claim != Claim.HELD) return;
        claim = Claim.FENCED;
        fenceReason = reason.startsWith("instance ") ? reason.substring(reason.indexOf(':') + 2) : reason;
        db.release(this);
        log.error("jtpm fleet: instance " + name + " fenced: " + fenceReason + "; the TPM answers TPM_RC_FAILURE to"
                + " commands that change its state");
    }

    /** The claim the renewal saw: the epoch while held, else -1. */
    synchronized long heldEpoch() { return claim == Claim.HELD ? epoch : -1; }

    /** Called by the renewal when this store's lease (of claim {@code seenEpoch}) was not extended. */
    synchronized void leaseLost(long seenEpoch, String reason) {
        if (claim == Claim.HELD && epoch == seenEpoch) fence(reason);
    }

    // ------------------------------------------------------------------ lock / unlock / close

    @Override
    public Optional<StateKey> fileKey() { return key; }

    /**
     * Takes the lease again after {@link #unlock} (an outgoing migration given up). A fenced store answers true: there
     * is nothing to take again, and the server must keep serving so that its TPM answers TPM_RC_FAILURE (swtpm's
     * answer to a lock it cannot take is to end the server, which would leave the client without an answer).
     */
    @Override
    public boolean lock(int retries) throws IOException {
        for (int attempt = 0; ; attempt++) {
            synchronized (this) {
                if (claim == Claim.HELD || claim == Claim.FENCED) return true;
                if (claim != Claim.RELEASED) return false;
                try {
                    acquire();
                    return true;
                } catch (StateLockedException e) {
                    if (attempt >= retries) return false;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    @Override
    public synchronized void unlock() throws IOException {
        if (claim != Claim.HELD) return;
        releaseLease();
        claim = Claim.RELEASED;
    }

    @Override
    public synchronized void close() throws IOException {
        if (claim == Claim.CLOSED) return;
        Claim was = claim;
        claim = Claim.CLOSED;
        if (was == Claim.HELD) releaseLease();
    }

    /** Gives the lease up (only if still this store's): another host may take the instance at once. */
    private void releaseLease() throws IOException {
        db.release(this);
        db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE jtpm_instance SET owner = NULL, lease_until = NULL WHERE name = ? AND owner = ? AND epoch = ?")) {
                ps.setString(1, name);
                ps.setString(2, db.owner());
                ps.setLong(3, epoch);
                ps.executeUpdate();
            }
            return null;
        });
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() { return "PostgresStateStore[" + name + " at " + db.target().describe() + "]"; }

    /** Writes refused because this host no longer owns the instance (or its last write's outcome is unknown). */
    static final class FencedException extends IOException {
        private static final long serialVersionUID = 1L;

        FencedException(String message) { super(message); }

        FencedException(String message, Throwable cause) { super(message, cause); }
    }

    /** The rows are older than (or differ from) the newest committed state. */
    static final class RollbackException extends IOException {
        private static final long serialVersionUID = 1L;

        RollbackException(String message) { super(message); }
    }

}
