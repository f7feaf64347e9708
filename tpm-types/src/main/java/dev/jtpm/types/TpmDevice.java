package dev.jtpm.types;

import java.io.IOException;

/**
 * The one bridge between a TPM and whatever serves or uses it: a command in, a response out.
 *
 * <p>Implemented by the in-process engine and by every client transport, so a service never knows
 * whether the TPM is jtpm in the same JVM, a swtpm across a socket, or a device file.
 */
public interface TpmDevice extends AutoCloseable {

    /**
     * Sends one complete TPM command (header included) at the given locality and returns the
     * complete response.
     *
     * @throws IOException when the transport fails; TPM errors come back as response codes
     */
    byte[] execute(byte[] command, int locality) throws IOException;

    @Override
    default void close() throws IOException {}
}
