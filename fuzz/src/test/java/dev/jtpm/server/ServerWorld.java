package dev.jtpm.server;

import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.fuzz.FailureWatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** A served TPM for the front-end fuzz targets: a controller over an in-memory store holding the given state. */
final class ServerWorld {
    private ServerWorld() {}

    /** A controller whose TPM is initialized (not-need-init) on {@code permanent}/{@code volatileState}. */
    static TpmController controller(byte[] permanent, byte[] volatileState) {
        StateStore store = StateStore.inMemory();
        try {
            store.store(StateKind.PERMANENT, permanent);
            if (volatileState != null) store.store(StateKind.VOLATILE, volatileState);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicLong millis = new AtomicLong(10_000);
        Tpm tpm = new Tpm(new Platform(store, millis::incrementAndGet, new Random(7)));
        TpmController c = new TpmController(tpm, store, new SwtpmFlags(true, SwtpmFlags.Startup.NONE, false), false,
                ServerLog.NONE);
        if (c.applyStartupFlags() != 0) throw new IllegalStateException("the fuzz world's TPM did not start");
        return c;
    }

    /** Waits for the server to close {@code conn} (a hang is a finding), then checks for unexpected exceptions. */
    static void finish(MemoryConn conn, AutoCloseable server, String what) throws Exception {
        boolean closed = conn.awaitClosed(20);
        server.close();
        FailureWatch.check(what);
        if (!closed) throw new AssertionError("the server did not close the connection within 20 s: " + what);
    }
}
