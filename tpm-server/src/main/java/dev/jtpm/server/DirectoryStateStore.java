package dev.jtpm.server;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateBlobException;
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
import java.util.EnumSet;
import java.util.Set;

/**
 * swtpm's directory backend: {@code tpm2-00.permall}, {@code tpm2-00.volatilestate} and
 * {@code tpm2-00.savestate}, each the engine's blob wrapped in swtpm's v2 blob header with one
 * TLV(DATA). Every write goes to {@code TMP2-00.<name>}, is fsync'ed, renamed over the target, and
 * the directory is fsync'ed, so a crash at any moment leaves the old or the new file, never a torn
 * one. An fcntl lock on {@code .lock} (the one swtpm takes) is held while the store is open.
 */
public final class DirectoryStateStore implements StateStore {
    /** The default permission bits of state files. */
    public static final int DEFAULT_MODE = 0640;

    private final Path dir;
    private final Set<PosixFilePermission> perms;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DirectoryStateStore(Path dir, int mode, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.perms = permissions(mode);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (creating if needed) the state directory and takes its lock.
     *
     * @param mode permission bits for state files, e.g. 0640
     * @throws StateLockedException when another server holds the lock
     */
    public static DirectoryStateStore open(Path dir, int mode) throws IOException {
        Files.createDirectories(dir);
        Path lockFile = dir.resolve(".lock");
        FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw----")));
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new StateLockedException("state directory " + dir + " is in use: another server holds the lock on " + lockFile);
        }
        return new DirectoryStateStore(dir, mode, ch, lock);
    }

    /** The state directory. */
    public Path directory() { return dir; }

    /** The file holding a kind of state: {@code tpm2-00.<suffix>}. */
    public Path fileOf(StateKind kind) { return dir.resolve("tpm2-00." + kind.fileSuffix()); }

    @Override
    public synchronized byte[] load(StateKind kind) throws IOException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(fileOf(kind));
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return StateBlob.decode(raw).plainPayload();
        } catch (StateBlobException e) {
            throw new IOException(fileOf(kind) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void store(StateKind kind, byte[] blob) throws IOException {
        checkOpen();
        byte[] bytes = StateBlob.plainFile(blob).encode();
        Path tmp = dir.resolve("TMP2-00." + kind.fileSuffix());
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
        if (Files.deleteIfExists(fileOf(kind))) syncDirectory();
    }

    @Override
    public synchronized void close() throws IOException {
        if (!lockChannel.isOpen()) return;
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }

    private void checkOpen() throws IOException {
        if (!lockChannel.isOpen()) throw new IOException("state store " + dir + " is closed");
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
