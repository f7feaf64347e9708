package dev.jtpm.server;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateBlobException;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * swtpm's directory backend: {@code tpm2-00.permall}, {@code tpm2-00.volatilestate} and
 * {@code tpm2-00.savestate}, each the engine's blob wrapped in swtpm's v2 blob header: one
 * TLV(DATA), or with a file key ({@code --key}) encrypted exactly as swtpm encrypts it
 * ({@link StateBlob#encodeFile}). Every write goes to {@code TMP2-00.<name>}, is fsync'ed, renamed
 * over the target, and the directory is fsync'ed, so a crash at any moment leaves the old or the new
 * file, never a torn one. An fcntl lock on {@code .lock} (the one swtpm takes) is held while the
 * store is open, except that {@code --migration incoming} opens it unlocked and
 * {@code release-lock-outgoing} gives the lock up ({@link #lock}, {@link #unlock}).
 *
 * <p>A file another TPM wrote (swtpm's libtpms state: recognised by a {@link ForeignStateFormat} on the class path,
 * in swtpm's container or, as swtpm still reads them, without one) is converted at load and served; the file stays
 * as it is until jtpm first writes or deletes that kind of state, and is then kept as {@code <file>.libtpms}.
 *
 * <p>When it takes the lock at open, the store reads every state file present once with the key
 * (or without one), so a wrong key, a missing key or a tampered file is one clear error before
 * anything runs, and no file is touched.
 */
public final class DirectoryStateStore implements StateStore {
    /** The default permission bits of state files. */
    public static final int DEFAULT_MODE = 0640;

    private final Path dir;
    private final Set<PosixFilePermission> perms;
    private final Optional<StateKey> key;
    private final boolean tpm12;
    private FileChannel lockChannel;
    private FileLock lock;
    private boolean closed, released;

    private DirectoryStateStore(Path dir, int mode, Optional<StateKey> key, boolean tpm12) {
        this.tpm12 = tpm12;
        this.dir = dir;
        this.perms = permissions(mode);
        this.key = key;
    }

    /**
     * Opens (creating if needed) the state directory and takes its lock.
     *
     * @param mode permission bits for state files, e.g. 0640
     * @throws StateLockedException when another server holds the lock
     */
    public static DirectoryStateStore open(Path dir, int mode) throws IOException {
        return open(dir, mode, Optional.empty(), true);
    }

    /**
     * Opens (creating if needed) the state directory with an optional file key; when {@code lockNow},
     * takes the lock and checks that every state file present can be read with the key.
     *
     * @throws StateLockedException when another server holds the lock
     * @throws StateKeyException when a state file cannot be read with the key given (the message names
     *     the file and says why: no key, wrong key or tampered, not encrypted)
     */
    public static DirectoryStateStore open(Path dir, int mode, Optional<StateKey> key, boolean lockNow) throws IOException {
        return open(dir, mode, key, lockNow, false);
    }

    /**
     * {@link #open(Path, int, Optional, boolean)} for a TPM 1.2 ({@code tpm12}): swtpm's TPM 1.2 file names
     * {@code tpm-00.<suffix>} (temporary files {@code TMP-00.<suffix>}) instead of {@code tpm2-00.<suffix>}.
     */
    public static DirectoryStateStore open(Path dir, int mode, Optional<StateKey> key, boolean lockNow, boolean tpm12)
            throws IOException {
        Files.createDirectories(dir);
        DirectoryStateStore s = new DirectoryStateStore(dir, mode, key, tpm12);
        if (lockNow) {
            if (!s.lock(0)) {
                throw new StateLockedException("state directory " + dir + " is in use: another server holds the lock on "
                        + dir.resolve(".lock"));
            }
            try {
                s.verify();
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
        return s;
    }

    /** Reads every state file present with the key, changing nothing. */
    private void verify() throws IOException {
        for (StateKind k : StateKind.values()) load(k);
    }

    /**
     * Takes the directory's lock (swtpm's fcntl write lock on {@code .lock}), trying {@code retries}
     * more times 10 ms apart. True when this store holds the lock afterwards.
     */
    @Override
    public synchronized boolean lock(int retries) throws IOException {
        if (closed) throw new IOException("state store " + dir + " is closed");
        if (lock != null) return true;
        Path lockFile = dir.resolve(".lock");
        FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw----")));
        for (int attempt = 0; ; attempt++) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            if (l != null) {
                lockChannel = ch;
                lock = l;
                released = false;
                return true;
            }
            if (attempt >= retries) {
                ch.close();
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ch.close();
                return false;
            }
        }
    }

    /** Gives the lock up (outgoing migration); writes are refused until {@link #lock} takes it again. */
    @Override
    public synchronized void unlock() throws IOException {
        if (lock == null) return;
        try {
            lock.release();
        } finally {
            lockChannel.close();
            lock = null;
            lockChannel = null;
            released = true;
        }
    }

    /** True while this store holds the directory's lock. */
    public synchronized boolean isLocked() { return lock != null; }

    @Override
    public Optional<StateKey> fileKey() { return key; }

    /** The state directory. */
    public Path directory() { return dir; }

    /** The file holding a kind of state: {@code tpm2-00.<suffix>} ({@code tpm-00.<suffix>} for a TPM 1.2). */
    public Path fileOf(StateKind kind) { return dir.resolve((tpm12 ? "tpm-00." : "tpm2-00.") + kind.fileSuffix()); }

    @Override
    public synchronized byte[] load(StateKind kind) throws IOException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(fileOf(kind));
        } catch (NoSuchFileException e) {
            return null;
        }
        Foreign known = foreign.get(kind);
        if (known != null && Arrays.equals(known.raw(), raw)) return known.converted().clone();
        byte[] payload;
        try {
            payload = StateBlob.decodeFile(raw, key);
        } catch (StateBlobException e) {
            payload = tpm12 ? null : headerless(kind, raw);
            if (payload == null) throw new StateKeyException(fileOf(kind) + ": " + e.getMessage(), e);
        }
        if (tpm12) return payload;
        ForeignStateFormat format = ForeignStates.recognise(kind, payload);
        if (format == null) return payload;
        byte[] permanent = kind == StateKind.PERMANENT ? null : load(StateKind.PERMANENT);
        byte[] converted;
        try {
            converted = format.convert(kind, payload, permanent);
        } catch (IOException e) {
            throw new IOException(fileOf(kind) + ": " + e.getMessage(), e);
        }
        foreign.put(kind, new Foreign(raw, converted));
        System.err.println("jtpm: " + fileOf(kind) + " holds " + format.name() + " state: taken over; when jtpm first"
                + " writes this state, the file is kept as " + retiredFile(kind).getFileName());
        return converted.clone();
    }

    /** A state file another TPM wrote, read in its converted form. */
    private record Foreign(byte[] raw, byte[] converted) {}

    /** Files of another TPM's format converted at load, by kind: kept (renamed) before jtpm first replaces them. */
    private final java.util.Map<StateKind, Foreign> foreign = new java.util.EnumMap<>(StateKind.class);

    /** Where a foreign state file goes when jtpm first writes or deletes that kind: {@code <file>.libtpms}. */
    public Path retiredFile(StateKind kind) { return fileOf(kind).resolveSibling(fileOf(kind).getFileName() + ".libtpms"); }

    /**
     * swtpm reads a file without a valid blob header as a version-1 payload (plain, or with a key AES-CBC under a
     * zero IV with a SHA-256 of the data in front): such a payload counts only when a foreign format recognises it.
     */
    private byte[] headerless(StateKind kind, byte[] raw) {
        if (raw.length == 0 || (long) raw.length + StateBlob.HEADER_SIZE > Integer.MAX_VALUE) return null;
        byte[] v1 = new byte[raw.length + StateBlob.HEADER_SIZE];
        v1[0] = 1;
        v1[1] = 1;
        v1[3] = StateBlob.HEADER_SIZE;
        ByteBuffer.wrap(v1, 6, 4).putInt(v1.length);
        System.arraycopy(raw, 0, v1, StateBlob.HEADER_SIZE, raw.length);
        try {
            byte[] payload = StateBlob.decodeFile(v1, key);
            return ForeignStates.recognise(kind, payload) != null ? payload : null;
        } catch (StateBlobException e) {
            return null;
        }
    }

    /** Keeps a foreign file that jtpm is about to replace or delete, renamed to {@link #retiredFile}. */
    private void retire(StateKind kind) throws IOException {
        Foreign f = foreign.remove(kind);
        if (f == null) return;
        Path file = fileOf(kind);
        byte[] now;
        try {
            now = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!Arrays.equals(now, f.raw())) return;
        // the newest foreign file is the one kept: an older one of the same name was the state before this one
        Files.move(file, retiredFile(kind), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    @Override
    public synchronized void store(StateKind kind, byte[] blob) throws IOException {
        checkOpen();
        retire(kind);
        byte[] bytes = StateBlob.encodeFile(blob, key);
        Path tmp = dir.resolve((tpm12 ? "TMP-00." : "TMP2-00.") + kind.fileSuffix());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Files.setPosixFilePermissions(tmp, perms);
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        Files.move(tmp, fileOf(kind), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    @Override
    public synchronized void delete(StateKind kind) throws IOException {
        checkOpen();
        retire(kind);
        if (Files.deleteIfExists(fileOf(kind))) syncDirectory();
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        if (lock == null) return;
        try {
            lock.release();
        } finally {
            lockChannel.close();
            lock = null;
        }
    }

    private void checkOpen() throws IOException {
        if (closed) throw new IOException("state store " + dir + " is closed");
        if (released) throw new IOException("state store " + dir + ": the lock was released for an outgoing migration");
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};
        for (int i = 0; i < 9; i++) if ((mode & (0400 >> i)) != 0) s.add(order[i]);
        return s;
    }
}
