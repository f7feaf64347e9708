package dev.jtpm.server.host;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the management API needs: reading one flat object whose values are strings,
 * numbers, booleans or null (a request body), and writing strings safely. Anything else — nesting,
 * trailing text, more than 64 members, a string over 4 KiB — is refused with a one-line reason.
 */
final class Json {
    private Json() {}

    /** A malformed body, with the reason for the 400 answer. */
    static final class ParseException extends Exception {
        ParseException(String message) { super(message); }
    }

    /** Parses a flat object; values come back as String, Long, Boolean or null. */
    static Map<String, Object> parseObject(String text) throws ParseException {
        Parser p = new Parser(text);
        p.ws();
        Map<String, Object> m = new LinkedHashMap<>();
        p.expect('{');
        p.ws();
        if (p.peek() == '}') {
            p.pos++;
        } else {
            while (true) {
                p.ws();
                String k = p.string();
                p.ws();
                p.expect(':');
                p.ws();
                Object v = p.value();
                if (m.containsKey(k)) throw new ParseException("member \"" + k + "\" given twice");
                m.put(k, v);
                if (m.size() > 64) throw new ParseException("too many members");
                p.ws();
                char c = p.next();
                if (c == '}') break;
                if (c != ',') throw new ParseException("expected ',' or '}' at offset " + (p.pos - 1));
            }
        }
        p.ws();
        if (p.pos != text.length()) throw new ParseException("text after the object at offset " + p.pos);
        return m;
    }

    /** A JSON string literal for {@code s}. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** An object from ordered members whose values are already JSON text. */
    static String object(Map<String, String> members) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, String> e : members.entrySet()) {
            if (b.length() > 1) b.append(", ");
            b.append(quote(e.getKey())).append(": ").append(e.getValue());
        }
        return b.append('}').toString();
    }

    /** An array of JSON texts. */
    static String array(List<String> items) {
        return "[" + String.join(", ", items) + "]";
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) { this.s = s; }

        char peek() throws ParseException {
            if (pos >= s.length()) throw new ParseException("unexpected end of the body");
            return s.charAt(pos);
        }

        char next() throws ParseException {
            char c = peek();
            pos++;
            return c;
        }

        void expect(char c) throws ParseException {
            if (next() != c) throw new ParseException("expected '" + c + "' at offset " + (pos - 1));
        }

        void ws() {
            while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) pos++;
        }

        Object value() throws ParseException {
            char c = peek();
            if (c == '"') return string();
            if (c == '{' || c == '[') throw new ParseException("nested values are not accepted (offset " + pos + ")");
            if (s.startsWith("true", pos)) { pos += 4; return Boolean.TRUE; }
            if (s.startsWith("false", pos)) { pos += 5; return Boolean.FALSE; }
            if (s.startsWith("null", pos)) { pos += 4; return null; }
            int start = pos;
            if (c == '-') pos++;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
            if (pos == start || pos - start > 18) throw new ParseException("bad value at offset " + start);
            return Long.parseLong(s.substring(start, pos));
        }

        String string() throws ParseException {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') return b.toString();
                if (c < 0x20) throw new ParseException("control character in a string at offset " + (pos - 1));
                if (c == '\\') {
                    char e = next();
                    switch (e) {
                        case '"', '\\', '/' -> b.append(e);
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            if (pos + 4 > s.length()) throw new ParseException("bad \\u escape");
                            try {
                                b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            } catch (NumberFormatException ex) {
                                throw new ParseException("bad \\u escape at offset " + pos);
                            }
                            pos += 4;
                        }
                        default -> throw new ParseException("bad escape at offset " + (pos - 1));
                    }
                } else {
                    b.append(c);
                }
                if (b.length() > 4096) throw new ParseException("string longer than 4096 characters");
            }
        }
    }
}
