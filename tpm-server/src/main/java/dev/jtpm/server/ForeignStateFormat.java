package dev.jtpm.server;

import dev.jtpm.engine.platform.StateKind;
import java.io.IOException;

/**
 * State that another TPM implementation left behind (libtpms' NVMarshal blobs inside swtpm's container, read by
 * the jtpm-libtpms module), converted to jtpm's own blobs so that a server starts on it. Implementations are found
 * with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.jtpm.server.ForeignStateFormat}) by
 * {@link ForeignStates}; tpm-server does not depend on them.
 */
public interface ForeignStateFormat {

    /** The format's name for messages ("libtpms"). */
    String name();

    /**
     * True only when {@code payload} (what swtpm's container holds, or a file without container) is this format
     * with certainty, by its magic; never a guess.
     */
    boolean recognises(StateKind kind, byte[] payload);

    /**
     * jtpm's blob of {@code kind} for a recognised payload.
     *
     * @param permanent jtpm's permanent blob of the same TPM (the volatile state needs it), or null
     * @throws IOException one line when the payload cannot be taken over (corrupt, or holding what jtpm cannot hold)
     */
    byte[] convert(StateKind kind, byte[] payload, byte[] permanent) throws IOException;
}
