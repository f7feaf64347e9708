package dev.jtpm.cros;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * vtpm's {@code DiskCacheBlob}: one file holding a protobuf {@code vtpm.BlobData} ({@code version = 1} (always V0,
 * so absent), {@code bytes blob = 2}), written atomically (a temporary file beside it, synced, then renamed). jtpm
 * adds field 15, {@code bound_to}: what the blob was made for — the Name of the host SRK a key blob was made under (so
 * the key is made again when the host SRK changed), the vEK public area a certificate certifies. Protobuf readers
 * skip the field, so the file stays readable by the reference.
 */
final class BlobFile {
    static final int FIELD_BLOB = 2, FIELD_BOUND_TO = 15;

    private final Path path;

    BlobFile(Path path) { this.path = path; }

    /** What a file holds. */
    record Content(byte[] blob, Optional<byte[]> boundTo) {}

    Path path() { return path; }

    /** The content; empty when the file does not exist or holds an empty blob; FAILURE when unreadable or malformed. */
    Optional<Content> read() throws VtpmException {
        if (!Files.exists(path)) return Optional.empty();
        try {
            Protobuf.Fields f = Protobuf.parse(Files.readAllBytes(path));
            byte[] blob = f.bytes(FIELD_BLOB);
            if (blob.length == 0) return Optional.empty();
            return Optional.of(new Content(blob, f.has(FIELD_BOUND_TO)
                    ? Optional.of(f.bytes(FIELD_BOUND_TO)) : Optional.empty()));
        } catch (IOException | IllegalArgumentException e) {
            throw new VtpmException(VtpmRc.FAILURE, path + ": " + e.getMessage());
        }
    }

    /** Writes the blob atomically; FAILURE when it cannot. */
    void write(byte[] blob, byte[] boundTo) throws VtpmException {
        byte[] msg = new Protobuf.Writer().bytes(FIELD_BLOB, blob).bytes(FIELD_BOUND_TO, boundTo).toByteArray();
        Path tmp = path.resolveSibling("." + path.getFileName() + ".tmp");
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(msg));
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            throw new VtpmException(VtpmRc.FAILURE, "cannot write " + path + ": " + e.getMessage());
        }
    }
}
