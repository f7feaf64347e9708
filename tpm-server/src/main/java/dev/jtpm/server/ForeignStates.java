package dev.jtpm.server;

import dev.jtpm.engine.platform.StateKind;
import java.io.IOException;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The {@link ForeignStateFormat}s on the class path, loaded once, and the one conversion step the stores and
 * SET_STATEBLOB share: a payload no format recognises is returned as it is.
 */
public final class ForeignStates {
    private ForeignStates() {}

    private static volatile List<ForeignStateFormat> formats;

    private static List<ForeignStateFormat> formats() {
        List<ForeignStateFormat> f = formats;
        if (f == null) {
            f = ServiceLoader.load(ForeignStateFormat.class, ForeignStates.class.getClassLoader()).stream()
                    .map(ServiceLoader.Provider::get).toList();
            formats = f;
        }
        return f;
    }

    /** The format that recognises {@code payload}, or null (jtpm's own state, or nothing known). */
    public static ForeignStateFormat recognise(StateKind kind, byte[] payload) {
        if (payload == null || payload.length < 6) return null;
        for (ForeignStateFormat f : formats()) if (f.recognises(kind, payload)) return f;
        return null;
    }

    /**
     * {@code payload} as jtpm's blob: converted when a format recognises it, else unchanged.
     *
     * @param permanent jtpm's permanent blob of the same TPM, or null
     * @throws IOException one line, when a recognised payload cannot be taken over
     */
    public static byte[] toJtpm(StateKind kind, byte[] payload, byte[] permanent) throws IOException {
        ForeignStateFormat f = recognise(kind, payload);
        return f == null ? payload : f.convert(kind, payload, permanent);
    }
}
