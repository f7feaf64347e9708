package dev.jtpm.libtpms;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.server.ForeignStateFormat;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * libtpms' state as swtpm leaves it, for tpm-server's {@link ForeignStateFormat} SPI: {@code jtpm socket|cuse|chardev
 * --tpm2} on a swtpm state directory, and SET_STATEBLOB with a blob from a swtpm host. Recognised by libtpms' magic
 * at octet 2 of the payload (PERSISTENT_ALL 0xab364723 for the permanent state, 0x45637889 for the volatile state);
 * libtpms' savestate is never written for a TPM 2 and is not recognised.
 */
public final class LibtpmsStateFormat implements ForeignStateFormat {

    @Override
    public String name() { return "libtpms"; }

    @Override
    public boolean recognises(StateKind kind, byte[] payload) {
        if (payload.length < 6) return false;
        int magic = ByteBuffer.wrap(payload, 2, 4).getInt();
        return switch (kind) {
            case PERMANENT -> magic == LibtpmsState.PERSISTENT_ALL_MAGIC;
            case VOLATILE -> magic == LibtpmsState.VOLATILE_STATE_MAGIC;
            case SAVESTATE -> false;
        };
    }

    @Override
    public byte[] convert(StateKind kind, byte[] payload, byte[] permanent) throws IOException {
        try {
            return switch (kind) {
                case PERMANENT -> StateImport.toJtpm(LibtpmsState.parse(payload)).serialize();
                case VOLATILE -> {
                    if (permanent == null) throw new UnsupportedStateException("libtpms volatile state without a permanent state");
                    yield VolatileImport.toJtpm(LibtpmsVolatileState.parse(payload), PersistentState.deserialize(permanent));
                }
                case SAVESTATE -> throw new UnsupportedStateException("libtpms savestate is not taken over");
            };
        } catch (UnsupportedStateException e) {
            throw new IOException("libtpms state: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException("libtpms state: cannot be taken over (" + e.getMessage() + ")", e);
        }
    }
}
