package dev.jtpm.server;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateBlobException;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * swtpm's single-file backend, {@code --tpmstate backend-uri=file://PATH} ({@code swtpm_nvstore_linear.c}): one file
 * with a little-endian header — magic "swtpmlin", version 1, header size 192, 15 entries of offset, data length and
 * section length (entry 0 the permanent state, 1 the volatile state, 2 the savestate; offset 0: none) — and each
 * state at its offset in a section of the next power of two, in the same container (and with the same {@code --key}
 * encryption) as a state file of the directory backend. Sections are placed as swtpm places them: a new or grown
 * state goes after the last section, a removed one's followers move down. Written in place and synced, as swtpm does
 * (so the path may stay a regular file other processes watch); an fcntl lock on the file itself keeps a second jtpm
 * off it (swtpm takes none). A wrong key shows at {@link #verify} (CMD_INIT), or at open with {@code verifyNow}.
 */
public final class LinearFileStateStore implements StateStore {
    /** "swtpmlin" read as a little-endian 64-bit number. */
    static final long MAGIC = 0x737774706d6c696eL;
    /** The header: magic, version, padding, header size, 15 entries of three 32-bit numbers. */
    static final int HEADER_SIZE = 192;
    private static final int ENTRIES = 15;

    private final Path file;
    private final Set<PosixFilePermission> perms;
    private final Optional<StateKey> key;
    private FileChannel channel;
    private FileLock lock;
    private byte[] image;   // the whole file as it is on disk
    private boolean closed;

    private LinearFileStateStore(Path file, Set<PosixFilePermission> perms, Optional<StateKey> key) {
        this.file = file;
        this.perms = perms;
        this.key = key;
    }

    /**
     * Opens (creating and formatting when empty) the file; when {@code lockNow}, takes its lock, and when also
     * {@code verifyNow}, reads every state in it with the key.
     *
     * @param mode permission bits of a file this creates
     * @throws StateLockedException when another jtpm holds the file
     * @throws StateKeyException when {@code verifyNow} and a state cannot be read with the key
     */
    public static LinearFileStateStore open(Path file, int mode, Optional<StateKey> key, boolean lockNow, boolean verifyNow)
            throws IOException {
        LinearFileStateStore s = new LinearFileStateStore(file, DirectoryStateStore.permissionsOf(mode), key);
        s.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (Files.size(file) == 0) Files.setPosixFilePermissions(file, s.perms);
            if (lockNow && !s.lock(0)) {
                throw new StateLockedException("state file " + file + " is in use: another server holds its lock");
            }
            s.read();
            if (lockNow && verifyNow) s.verify();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void read() throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE) throw new IOException(file + ": too large for a state file");
        byte[] b = new byte[(int) size];
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining() && channel.read(buf, buf.position()) > 0) { }
        if (size < HEADER_SIZE || le(b).getLong(0) != MAGIC) {
            if (Arrays.equals(b, new byte[b.length])) {
                image = new byte[HEADER_SIZE];   // swtpm formats an empty (or zeroed) file as a new store
                ByteBuffer h = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
                h.putLong(0, MAGIC);
                image[8] = 1;
                h.putShort(10, (short) HEADER_SIZE);
                if (size == 0 && lock != null) write(); // swtpm writes the header at once
                return;
            }
            throw new IOException(file + " is not a swtpm linear state file (no \"swtpmlin\" magic)");
        }
        if (b[8] != 1 || (le(b).getShort(10) & 0xFFFF) != HEADER_SIZE) {
            throw new IOException(file + ": linear state file version " + (b[8] & 0xFF) + " is not known");
        }
        for (int i = 0; i < ENTRIES; i++) {
            long off = u32(b, 12 + 12 * i), len = u32(b, 16 + 12 * i), section = u32(b, 20 + 12 * i);
            if (off != 0 && (off < HEADER_SIZE || len > section || off + len > size)) {
                throw new IOException(file + ": entry " + i + " lies outside the file");
            }
        }
        image = b;
    }

    private static ByteBuffer le(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN); }

    private static long u32(byte[] b, int at) { return le(b).getInt(at) & 0xFFFFFFFFL; }

    private static int entryOf(StateKind kind) {
        return switch (kind) {
            case PERMANENT -> 0;
            case VOLATILE -> 1;
            case SAVESTATE -> 2;
        };
    }

    private int field(int entry, int which) { return (int) u32(image, 12 + 12 * entry + 4 * which); }

    private void setField(int entry, int which, int v) { le(image).putInt(12 + 12 * entry + 4 * which, v); }

    /** The stored container of a kind (null when none): what a directory store keeps in its file. */
    synchronized byte[] container(StateKind kind) {
        int e = entryOf(kind), off = field(e, 0);
        return off == 0 ? null : Arrays.copyOfRange(image, off, off + field(e, 1));
    }

    @Override
    public synchronized byte[] load(StateKind kind) throws IOException {
        byte[] raw = container(kind);
        if (raw == null) return null;
        try {
            return StateBlob.decodeFile(raw, key);
        } catch (StateBlobException e) {
            throw new StateKeyException(file + " (" + kind.fileSuffix() + "): " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void store(StateKind kind, byte[] blob) throws IOException {
        checkOpen();
        byte[] bytes = StateBlob.encodeFile(blob, key);
        int e = entryOf(kind);
        if (field(e, 0) != 0 && bytes.length > field(e, 2)) remove(e);
        if (field(e, 0) == 0) allocate(e, bytes.length);
        System.arraycopy(bytes, 0, image, field(e, 0), bytes.length);
        setField(e, 1, bytes.length);
        write();
    }

    @Override
    public synchronized void delete(StateKind kind) throws IOException {
        checkOpen();
        int e = entryOf(kind);
        if (field(e, 0) == 0) return;
        remove(e);
        write();
    }

    /** SWTPM_NVRAM_Linear_AllocFile: a section of the next power of two after the last section. */
    private void allocate(int e, int length) {
        int section = Integer.highestOneBit(Math.max(length, 1));
        if (section < length) section <<= 1;
        int end = HEADER_SIZE;
        for (int i = 0; i < ENTRIES; i++) if (field(i, 0) != 0) end = Math.max(end, field(i, 0) + field(i, 2));
        image = Arrays.copyOf(image, end + section);
        setField(e, 0, end);
        setField(e, 1, 0);
        setField(e, 2, section);
    }

    /** SWTPM_NVRAM_Linear_RemoveFile: the sections after it move down, the file shrinks. */
    private void remove(int e) {
        int off = field(e, 0), section = field(e, 2);
        setField(e, 0, 0);
        setField(e, 1, 0);
        setField(e, 2, 0);
        for (int i = 0; i < ENTRIES; i++) {
            if (field(i, 0) > off) setField(i, 0, field(i, 0) - section);
        }
        int end = Math.min(image.length, off + section);
        byte[] shrunk = new byte[image.length - (end - off)];
        System.arraycopy(image, 0, shrunk, 0, off);
        System.arraycopy(image, end, shrunk, off, image.length - end);
        image = shrunk;
    }

    private void write() throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(image);
        while (buf.hasRemaining()) channel.write(buf, buf.position());
        channel.truncate(image.length);
        channel.force(true);
    }

    @Override
    public void verify() throws IOException {
        for (StateKind k : StateKind.values()) load(k);
    }

    @Override
    public Optional<StateKey> fileKey() { return key; }

    /** The state file. */
    public Path file() { return file; }

    @Override
    public synchronized boolean lock(int retries) throws IOException {
        if (closed) throw new IOException("state file " + file + " is closed");
        if (lock != null) return true;
        for (int attempt = 0; ; attempt++) {
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock != null) {
                read();   // what the previous holder left
                return true;
            }
            if (attempt >= retries) return false;
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
        if (lock == null) return;
        lock.release();
        lock = null;
    }

    private void checkOpen() throws IOException {
        if (closed) throw new IOException("state file " + file + " is closed");
        if (lock == null) throw new IOException("state file " + file + ": its lock is not held");
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            if (lock != null) lock.release();
        } finally {
            lock = null;
            channel.close();
        }
    }

    /** The {@code --print-states} entries of a file: each state present and the size of its container. */
    static String statesJson(Path file) throws IOException {
        byte[] b = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        java.util.List<String> entries = new java.util.ArrayList<>();
        if (b.length >= HEADER_SIZE && ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0) == MAGIC) {
            for (StateKind k : StateKind.values()) {
                int e = entryOf(k);
                if (u32(b, 12 + 12 * e) != 0) {
                    entries.add("{\"name\": \"" + k.fileSuffix() + "\", \"size\": " + u32(b, 16 + 12 * e) + "}");
                }
            }
        }
        return "{ \"type\": \"swtpm\", \"states\": [" + (entries.isEmpty() ? "" : " " + String.join(", ", entries) + " ") + "] }";
    }
}
