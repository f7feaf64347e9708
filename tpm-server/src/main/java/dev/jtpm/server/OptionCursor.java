package dev.jtpm.server;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks a swtpm-style command line: long options given as {@code --opt value} or {@code --opt=value}, short
 * aliases ({@code -p} for {@code --port}), options that take a value and options that take none. Shared by
 * {@code jtpm socket} ({@link SocketOptions}) and {@code jtpm cuse}/{@code chardev} ({@link SwtpmDevice}).
 */
final class OptionCursor {
    /**
     * One option.
     *
     * @param raw the argument as given (for "unknown option" messages)
     * @param name the long name, aliases resolved
     * @param value its value, or null for an option without one
     */
    record Option(String raw, String name, String value) {}

    private final List<String> args;
    private final Map<String, String> aliases;
    private final Set<String> valueOptions;
    private int i;

    OptionCursor(List<String> args, Map<String, String> aliases, Set<String> valueOptions) {
        this.args = args;
        this.aliases = aliases;
        this.valueOptions = valueOptions;
    }

    boolean hasNext() { return i < args.size(); }

    /** The next option with its value (the next argument when not given with '='). */
    Option next() throws OptionException {
        String a = args.get(i++);
        String name = a, value = null;
        if (a.startsWith("--") && a.contains("=")) {
            name = a.substring(0, a.indexOf('='));
            value = a.substring(a.indexOf('=') + 1);
        }
        name = aliases.getOrDefault(name, name);
        if (valueOptions.contains(name) && value == null) {
            if (i >= args.size()) throw new OptionException("option " + name + " needs a value");
            value = args.get(i++);
        } else if (!valueOptions.contains(name) && value != null) {
            throw new OptionException("option " + name + " takes no value");
        }
        return new Option(a, name, value);
    }
}
