package dev.jtpm.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One swtpm option value: a comma-separated list of {@code key=value} pairs and bare words
 * ({@code type=tcp,port=2321,disconnect}), checked against the keys the option knows.
 *
 * @param option the option name, for messages
 * @param values key to value; a bare word maps to ""
 */
record KeyValueOption(String option, Map<String, String> values) {

    /** Parses {@code text}; a key outside {@code allowed} or a repeated key is an error. */
    static KeyValueOption parse(String option, String text, Set<String> allowed) throws OptionException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : text.split(",", -1)) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            if (!allowed.contains(k)) throw new OptionException(option + ": unknown parameter '" + k + "'");
            if (m.put(k, v) != null) throw new OptionException(option + ": parameter '" + k + "' given twice");
        }
        return new KeyValueOption(option, m);
    }

    boolean has(String k) { return values.containsKey(k); }

    String get(String k) { return values.get(k); }

    /** A required non-empty value. */
    String require(String k) throws OptionException {
        String v = values.get(k);
        if (v == null || v.isEmpty()) throw new OptionException(option + ": missing " + k + "=");
        return v;
    }

    /** A TCP port (0–65535), or {@code dflt} when absent. */
    int port(String k, int dflt) throws OptionException {
        String v = values.get(k);
        if (v == null) return dflt;
        return parsePort(option, v);
    }

    /** An octal permission mode, or {@code dflt} when absent. */
    int mode(String k, int dflt) throws OptionException {
        String v = values.get(k);
        if (v == null) return dflt;
        try {
            int m = Integer.parseInt(v, 8);
            if (m < 0 || m > 0777) throw new NumberFormatException();
            return m;
        } catch (NumberFormatException e) {
            throw new OptionException(option + ": bad mode '" + v + "' (octal, e.g. 0640)");
        }
    }

    /** A boolean switch that may be bare or {@code =true/false}. */
    boolean flag(String k) throws OptionException {
        String v = values.get(k);
        if (v == null) return false;
        return switch (v) {
            case "", "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new OptionException(option + ": bad value for " + k + ": '" + v + "'");
        };
    }

    static int parsePort(String option, String v) throws OptionException {
        try {
            int p = Integer.parseInt(v);
            if (p < 0 || p > 65535) throw new NumberFormatException();
            return p;
        } catch (NumberFormatException e) {
            throw new OptionException(option + ": bad port '" + v + "'");
        }
    }
}
