package dev.jtpm.engine;

import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.CommandTable;
import java.util.HashMap;
import java.util.Map;

/**
 * The one explicit registration list: every command this TPM implements, with its handler. No
 * classpath scanning; GetCapability(TPM_CAP_COMMANDS) reports exactly this list.
 */
final class Handlers {
    private final Map<Class<?>, CommandHandler<?, ?>> byRecord = new HashMap<>();
    private final CommandTable table;

    Handlers() {
        Registration r = new Registration();
        HandlerList.register(r);
        @SuppressWarnings("unchecked")
        Class<? extends Record>[] commands = r.map.keySet().toArray(new Class[0]);
        table = new CommandTable(commands);
        byRecord.putAll(r.map);
    }

    CommandTable table() { return table; }

    @SuppressWarnings("unchecked")
    <C extends Record> CommandHandler<C, Record> handler(Class<C> command) {
        return (CommandHandler<C, Record>) byRecord.get(command);
    }

    /** Collects handler registrations. */
    static final class Registration {
        private final Map<Class<? extends Record>, CommandHandler<?, ?>> map = new HashMap<>();

        <C extends Record & dev.jtpm.types.command.TpmCommand<R>, R extends Record> void add(
                Class<C> command, CommandHandler<C, R> handler) {
            if (map.put(command, handler) != null) throw new IllegalStateException("registered twice: " + command);
        }
    }
}
