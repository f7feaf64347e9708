package dev.jtpm.fleet;

import dev.jtpm.server.StateStore;
import dev.jtpm.server.StateStoreProvider;
import dev.jtpm.server.StateStoreRequest;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The {@code postgresql://} (and {@code postgres://}) state store, found by tpm-server's
 * {@link dev.jtpm.server.StateStores} through {@link java.util.ServiceLoader}. Instances of one host that name the
 * same database share its connections and lease renewal ({@link PgDatabase}).
 */
public final class PostgresStateStoreProvider implements StateStoreProvider {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Map<String, PgDatabase> DATABASES = new ConcurrentHashMap<>();

    /** The provider (ServiceLoader needs a public no-argument constructor). */
    public PostgresStateStoreProvider() {}

    @Override
    public boolean serves(String scheme) { return scheme.equals("postgresql") || scheme.equals("postgres"); }

    @Override
    public StateStore open(StateStoreRequest request) throws IOException {
        if (!NAME.matcher(request.name()).matches()) {
            throw new IOException("bad instance name for the database: 1-128 letters, digits, '.', '_', ':' or '-'");
        }
        PgTarget target = PgTarget.parse(request.uri(), System.getenv());
        PgDatabase db = database(target, System.getenv(), request.log());
        return PostgresStateStore.open(db, request.name(), request.key(), request.log(),
                request.name().equals(target.allowRollback()), request.claimNow());
    }

    static PgDatabase database(PgTarget target, Map<String, String> env, dev.jtpm.server.ServerLog log) throws IOException {
        synchronized (DATABASES) {
            PgDatabase db = DATABASES.get(target.poolKey());
            if (db == null) {
                db = PgDatabase.open(target, env, log);
                DATABASES.put(target.poolKey(), db);
            }
            return db;
        }
    }
}
