package dev.jtpm.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES key of 16 or 32 octets that encrypts swtpm state files ({@code --key}) or migration
 * blobs ({@code --migration-key}); see {@link StateBlob} for the container. The key never
 * appears in {@link #toString()}.
 *
 * <p>{@link #parse} reads swtpm 0.7.1's option syntax (reference §3.4):
 * <ul>
 * <li>{@code file=<path>|fd=<n>[,format=hex|binary]}: a hex key is 32 or 64 hex digits, optional
 *     {@code 0x}, ended by whitespace or the end of the file, and must be as long as the mode's key;
 *     a binary key is the whole content, 16 or 32 octets, not longer than the mode's key (swtpm takes a
 *     16-octet binary key under {@code aes-256-cbc} as an AES-128 key, and so does jtpm);</li>
 * <li>{@code pwdfile=<path>|pwdfd=<n>[,kdf=pbkdf2|sha512]}: the passphrase is the whole content as
 *     is (a trailing newline included); pbkdf2 = PBKDF2-HMAC-SHA512, salt "swtpm", 1000 iterations,
 *     as many octets as the mode's key; sha512 = the first octets of SHA-512(passphrase);</li>
 * <li>{@code mode=aes-cbc|aes-128-cbc|aes-256-cbc} (default aes-128-cbc), and jtpm's own
 *     {@code aes-128-gcm|aes-256-gcm} (see {@link StateBlob}: authenticated encryption in the same container,
 *     which swtpm refuses cleanly — it finds no HMAC — so choose CBC for state that swtpm must read);</li>
 * <li>{@code remove[=true|false]}: unlink the key or passphrase file after reading it;</li>
 * <li>jtpm's {@code sealed=<file>,tcti=<spec>}: the key is sealed by a TPM (the backend {@code <spec>}, as
 *     {@code --backend} names it; {@code tcti=} comes last and takes the rest of the value, commas included) and
 *     unsealed at start by the {@link Unsealer} the server passes; a binary key as long as the mode's.</li>
 * </ul>
 */
public final class StateKey {
    /** How a passphrase becomes a key. */
    public enum Kdf { PBKDF2, SHA512 }

    /** Opens a file descriptor given by number ({@code fd=}, {@code pwdfd=}). */
    @FunctionalInterface
    public interface FdOpener {
        /** The stream reading descriptor {@code fd}; closing it may close the descriptor. */
        InputStream open(int fd) throws IOException;

        /** Reads the descriptor through {@code /proc/self/fd/<n>} (Linux). */
        FdOpener PROC_SELF = fd -> Files.newInputStream(Path.of("/proc/self/fd/" + fd));
    }

    /** Unseals a key sealed by a TPM ({@code sealed=FILE,tcti=SPEC}); supplied by the server, which can reach TPMs. */
    @FunctionalInterface
    public interface Unsealer {
        /** The unsealed key bytes; an {@link IOException} with one line saying why not. */
        byte[] unseal(Path sealedFile, String tcti) throws IOException;

        /** For callers that cannot reach a TPM. */
        Unsealer NONE = (file, tcti) -> { throw new IOException("sealed= is not supported here"); };
    }

    private static final Set<String> KEYS = Set.of("file", "fd", "pwdfile", "pwdfd", "format", "mode", "kdf", "remove", "sealed", "tcti");
    private static final byte[] SALT = "swtpm".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;
    private final boolean gcm;

    private StateKey(byte[] key) {
        this(key, false);
    }

    private StateKey(byte[] key, boolean gcm) {
        this.gcm = gcm;
        if (key.length != 16 && key.length != 32) {
            throw new IllegalArgumentException("a state key has 16 or 32 octets, not " + key.length);
        }
        this.key = key.clone();
    }

    /** A key of 16 (AES-128) or 32 (AES-256) octets. */
    public static StateKey of(byte[] key) { return new StateKey(key); }

    /** The key swtpm derives from a passphrase for a key of {@code keyLength} (16 or 32) octets. */
    public static StateKey fromPassphrase(byte[] passphrase, int keyLength, Kdf kdf) {
        if (keyLength != 16 && keyLength != 32) throw new IllegalArgumentException("key length " + keyLength);
        try {
            byte[] out = switch (kdf) {
                case SHA512 -> Arrays.copyOf(MessageDigest.getInstance("SHA-512").digest(passphrase), keyLength);
                case PBKDF2 -> pbkdf2Sha512(passphrase, SALT, 1000, keyLength);
            };
            try {
                return new StateKey(out);
            } finally {
                Arrays.fill(out, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key's length in octets: 16 or 32. */
    public int length() { return key.length; }

    /** True for an AES-256 key. */
    public boolean is256() { return key.length == 32; }

    /** True when files are written with AES-GCM (jtpm's {@code mode=aes-*-gcm}) rather than swtpm's AES-CBC + HMAC. */
    public boolean gcm() { return gcm; }

    /** The same key bytes, writing with AES-GCM (true) or swtpm's AES-CBC + HMAC-SHA256 (false). */
    public StateKey withGcm(boolean useGcm) { return new StateKey(key, useGcm); }

    /** A copy of the key octets. */
    public byte[] bytes() { return key.clone(); }

    byte[] raw() { return key; }

    /** Never the key: {@code StateKey[AES-256, redacted]}. */
    @Override
    public String toString() { return "StateKey[AES-" + key.length * 8 + (gcm ? "-GCM" : "") + ", redacted]"; }

    /**
     * Parses an option value as {@code --key} (messages name {@code --key}).
     *
     * @throws IllegalArgumentException with one line naming what is wrong (never the key)
     */
    public static StateKey parse(String optionValue, FdOpener fds) {
        return parse("--key", optionValue, fds);
    }

    /**
     * Parses the value of {@code option} ({@code --key}, {@code --migration-key}, or a
     * swtpm_setup option passed through), reads the key or passphrase, and removes the file
     * when {@code remove} is set.
     *
     * @throws IllegalArgumentException with one line, prefixed by {@code option}, naming what is
     *     wrong (never the key)
     */
    public static StateKey parse(String option, String optionValue, FdOpener fds) {
        return parse(option, optionValue, fds, Unsealer.NONE);
    }

    /** {@link #parse(String, String, FdOpener)} with {@code sealed=FILE,tcti=SPEC} unsealed by {@code unsealer}. */
    public static StateKey parse(String option, String optionValue, FdOpener fds, Unsealer unsealer) {
        Map<String, String> kv = new LinkedHashMap<>();
        String tcti = null;
        int at = optionValue.startsWith("tcti=") ? 0 : optionValue.indexOf(",tcti=");
        if (at >= 0) {
            tcti = optionValue.substring(at == 0 ? 5 : at + 6);
            optionValue = optionValue.substring(0, at);
        }
        for (String part : optionValue.split(",", -1)) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? null : part.substring(eq + 1);
            if (!KEYS.contains(k)) throw bad(option, "unknown parameter '" + k + "'");
            if (kv.put(k, v) != null) throw bad(option, "parameter '" + k + "' given twice");
        }
        String file = value(option, kv, "file"), pwdfile = value(option, kv, "pwdfile"), sealed = value(option, kv, "sealed");
        Integer fd = fd(option, kv, "fd"), pwdfd = fd(option, kv, "pwdfd");
        int sources = (file != null ? 1 : 0) + (fd != null ? 1 : 0) + (pwdfile != null ? 1 : 0) + (pwdfd != null ? 1 : 0)
                + (sealed != null ? 1 : 0);
        if (sources == 0) throw bad(option, "either file=, fd=, pwdfile=, pwdfd= or sealed= is required");
        if (sources > 1) throw bad(option, "give only one of file=, fd=, pwdfile=, pwdfd= and sealed=");
        if ((sealed != null) != (tcti != null)) throw bad(option, sealed != null ? "sealed= needs tcti=" : "tcti= applies to sealed= only");
        String mode = kv.containsKey("mode") ? value(option, kv, "mode") : "aes-128-cbc";
        int modeLength = switch (mode == null ? "" : mode) {
            case "aes-cbc", "aes-128-cbc", "aes-gcm", "aes-128-gcm" -> 16;
            case "aes-256-cbc", "aes-256-gcm" -> 32;
            default -> throw bad(option, "unknown encryption mode '" + mode
                    + "' (aes-128-cbc, aes-256-cbc, or jtpm's aes-128-gcm, aes-256-gcm)");
        };
        boolean gcmMode = mode.endsWith("-gcm");
        boolean remove = false;
        if (kv.containsKey("remove")) {
            String r = kv.get("remove");
            if (r == null || r.equals("true")) remove = true;
            else if (!r.equals("false")) throw bad(option, "remove takes true or false, not '" + r + "'");
        }
        StateKey result;
        if (sealed != null) {
            for (String k : new String[] {"format", "kdf", "remove"}) {
                if (kv.containsKey(k)) throw bad(option, k + "= does not apply to sealed=");
            }
            byte[] content;
            try {
                content = unsealer.unseal(Path.of(sealed), tcti);
            } catch (IOException e) {
                throw bad(option, e.getMessage());
            }
            try {
                result = binaryKey(option, content, modeLength);
            } finally {
                Arrays.fill(content, (byte) 0);
            }
        } else if (file != null || fd != null) {
            if (kv.containsKey("kdf")) throw bad(option, "kdf= applies to pwdfile= and pwdfd= only");
            String format = kv.containsKey("format") ? value(option, kv, "format") : "hex";
            if (!"hex".equals(format) && !"binary".equals(format)) {
                throw bad(option, "unknown key format '" + format + "' (hex or binary)");
            }
            byte[] content = read(option, file, fd, fds, "key");
            try {
                result = "hex".equals(format) ? hexKey(option, content, modeLength) : binaryKey(option, content, modeLength);
            } finally {
                Arrays.fill(content, (byte) 0);
            }
        } else {
            if (kv.containsKey("format")) throw bad(option, "format= applies to file= and fd= only");
            String kdfName = kv.containsKey("kdf") ? value(option, kv, "kdf") : "pbkdf2";
            Kdf kdf = switch (kdfName == null ? "" : kdfName) {
                case "pbkdf2" -> Kdf.PBKDF2;
                case "sha512" -> Kdf.SHA512;
                default -> throw bad(option, "unknown kdf '" + kdfName + "' (pbkdf2 or sha512)");
            };
            byte[] pass = read(option, pwdfile, pwdfd, fds, "passphrase");
            try {
                result = fromPassphrase(pass, modeLength, kdf);
            } finally {
                Arrays.fill(pass, (byte) 0);
            }
        }
        if (remove) {
            String path = file != null ? file : pwdfile;
            if (path != null) {
                try {
                    Files.deleteIfExists(Path.of(path));
                } catch (IOException e) {
                    throw bad(option, "cannot remove " + path + ": " + e.getMessage());
                }
            }
        }
        return gcmMode ? result.withGcm(true) : result;
    }

    private static StateKey hexKey(String option, byte[] content, int modeLength) {
        int off = content.length >= 2 && content[0] == '0' && content[1] == 'x' ? 2 : 0;
        int end = off;
        while (end < content.length && !isSpace(content[end])) end++;
        int digits = end - off;
        for (int i = off; i < end; i++) {
            if (Character.digit(content[i], 16) < 0) throw bad(option, "the key file is not a hex key");
        }
        if (digits != 32 && digits != 64) {
            throw bad(option, "a hex key has 32 or 64 hex digits, not " + digits);
        }
        if (digits / 2 != modeLength) {
            throw bad(option, "the key has " + digits * 4 + " bits but the mode needs " + modeLength * 8);
        }
        byte[] k = new byte[digits / 2];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (Character.digit(content[off + 2 * i], 16) << 4 | Character.digit(content[off + 2 * i + 1], 16));
        }
        try {
            return new StateKey(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    private static StateKey binaryKey(String option, byte[] content, int modeLength) {
        if (content.length > modeLength) {
            throw bad(option, "the binary key has " + content.length + " octets, more than the mode's " + modeLength);
        }
        if (content.length != 16 && content.length != 32) {
            throw bad(option, "a binary key has 16 or 32 octets, not " + content.length);
        }
        return new StateKey(content);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == 0x0b || b == '\f';
    }

    private static byte[] read(String option, String file, Integer fd, FdOpener fds, String what) {
        try {
            if (file != null) return Files.readAllBytes(Path.of(file));
            try (InputStream in = fds.open(fd)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            String src = file != null ? file : "file descriptor " + fd;
            throw bad(option, "cannot read the " + what + " from " + src + ": " + e.getMessage());
        }
    }

    private static String value(String option, Map<String, String> kv, String k) {
        if (!kv.containsKey(k)) return null;
        String v = kv.get(k);
        if (v == null || v.isEmpty()) throw bad(option, k + "= needs a value");
        return v;
    }

    private static Integer fd(String option, Map<String, String> kv, String k) {
        String v = value(option, kv, k);
        if (v == null) return null;
        try {
            int n = Integer.parseInt(v);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw bad(option, "bad file descriptor " + k + "=" + v);
        }
    }

    private static IllegalArgumentException bad(String option, String message) {
        return new IllegalArgumentException(option + ": " + message);
    }

    /** PBKDF2 with HMAC-SHA-512 over raw passphrase octets (the JDK's PBEKeySpec takes chars). */
    static byte[] pbkdf2Sha512(byte[] password, byte[] salt, int iterations, int length) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA512");
        // HMAC keys may be empty: SecretKeySpec refuses an empty array, so an empty passphrase is keyed as one
        // zero octet, which HMAC pads to the same block
        mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA512"));
        byte[] out = new byte[length];
        int blocks = (length + 63) / 64;
        for (int i = 1, pos = 0; i <= blocks; i++) {
            mac.update(salt);
            mac.update(new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
            byte[] u = mac.doFinal();
            byte[] t = u.clone();
            for (int j = 1; j < iterations; j++) {
                u = mac.doFinal(u);
                for (int x = 0; x < t.length; x++) t[x] ^= u[x];
            }
            int n = Math.min(64, length - pos);
            System.arraycopy(t, 0, out, pos, n);
            pos += n;
        }
        return out;
    }
}
