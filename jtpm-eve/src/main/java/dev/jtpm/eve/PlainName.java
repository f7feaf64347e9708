package dev.jtpm.eve;

/**
 * A file name as eve-ptpm accepts it in a request and eve-run accepts it in a reply: one path component inside the
 * working directory. Letters, digits, {@code . _ - + , = @ :}, 1–255 bytes, not {@code .} or {@code ..}; no
 * {@code /}, no NUL, no control characters, nothing outside ASCII.
 */
public final class PlainName {

    private PlainName() {}

    /** Whether {@code name} is a plain file name. */
    public static boolean isPlain(String name) {
        if (name == null || name.isEmpty() || name.length() > 255) return false;
        if (name.equals(".") || name.equals("..")) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-' || c == '+' || c == ',' || c == '=' || c == '@' || c == ':';
            if (!ok) return false;
        }
        return true;
    }
}
