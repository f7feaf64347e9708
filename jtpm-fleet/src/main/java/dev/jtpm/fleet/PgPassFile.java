package dev.jtpm.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * libpq's password file ({@code ~/.pgpass}, {@code PGPASSFILE}): lines {@code host:port:database:user:password},
 * {@code *} matching anything, {@code \:} and {@code \\} escaping, {@code #} comments; the first matching line wins.
 * As libpq, a file that group or others may read is not used (an error here, so the reason is visible).
 */
final class PgPassFile {
    private PgPassFile() {}

    /** The password for that connection, or null (no file, no matching line). */
    static String lookup(Path file, String host, int port, String database, String user) throws IOException {
        List<String> lines;
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)
                    || perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IOException("password file " + file + " has group or world access; chmod 0600 it");
            }
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        String[] want = {host, Integer.toString(port), database, user};
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) continue;
            List<String> f = fields(line);
            if (f.size() != 5) continue;
            boolean match = true;
            for (int i = 0; i < 4 && match; i++) {
                String v = f.get(i);
                match = v.equals("*") || v.equals(want[i]);
            }
            if (match) return f.get(4);
        }
        return null;
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) cur.append(line.charAt(++i));
            else if (c == ':' && out.size() < 4) {
                out.add(cur.toString());
                cur.setLength(0);
            } else cur.append(c);
        }
        out.add(cur.toString());
        return out;
    }
}
