package dev.jtpm.server;

import dev.jtpm.engine.TpmEngine;
import dev.jtpm.wire.CtrlCommand;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.CtrlResponse;
import dev.jtpm.wire.Ptm;
import dev.jtpm.wire.StateBlobException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Answers swtpm control requests as swtpm 0.7.1 does (with the automatic shutdown of 0.8+): state
 * checks first (TPM_BAD_ORDINAL when the TPM must run and does not), then size checks
 * (TPM_BAD_PARAMETER), then the command. Transport-free: bytes of a request in, bytes of a reply out.
 */
final class ControlHandler {
    /** What a request did besides its reply. */
    enum Effect { NONE, EXIT }

    /** Where CMD_SET_DATAFD hands the received data socket. */
    interface DataFdSink {
        /** True while a data fd is in use (a second SET_DATAFD gets TPM_IOERROR). */
        boolean hasDataFd();

        /** Starts serving the data channel on {@code fd} (ownership passes). */
        void take(int fd);
    }

    private final TpmController controller;
    private final boolean dataFdSupported;
    private final DataFdSink sink;

    /**
     * @param dataFdSupported whether the channel can carry descriptors (a Unix socket with native access)
     * @param sink where a received data fd goes, or null when unsupported
     */
    ControlHandler(TpmController controller, boolean dataFdSupported, DataFdSink sink) {
        this.controller = controller;
        this.dataFdSupported = dataFdSupported && sink != null;
        this.sink = sink;
    }

    /** Closes a received descriptor nobody will use. */
    void discardFd(int fd) {
        if (fd >= 0) Posix.close(fd);
    }

    /**
     * The PTM_CAP_* bits this channel offers: swtpm 0.7.1's 0xFFFF plus LOCK_STORAGE (swtpm 0.8), less
     * SET_DATAFD where it cannot work.
     */
    int capabilities() {
        int caps = Ptm.CAPS_SWTPM_071_TPM2 | Ptm.CAP_LOCK_STORAGE;
        if (!controller.tpm().isTpm2()) caps &= ~Ptm.CAP_SEND_COMMAND_HEADER; // swtpm: TPM 2 only
        return dataFdSupported ? caps : caps & ~Ptm.CAP_SET_DATAFD;
    }

    /** The reply for one complete request as received, plus what the caller must do afterwards. */
    Reply handle(byte[] msg, int receivedFd) {
        CtrlCommand cmd = msg.length < 4 ? null : CtrlCommand.of(dev.jtpm.wire.BigEndian.u32(msg, 0));
        if (cmd == CtrlCommand.SET_DATAFD) return setDataFd(receivedFd);
        discardFd(receivedFd);
        if (msg.length < 4) return new Reply(CtrlResponse.result(Ptm.TPM_BAD_PARAMETER), Effect.NONE);
        if (cmd != null && needsRunning(cmd) && !controller.isRunning()) return bad(Ptm.TPM_BAD_ORDINAL);
        if (cmd == CtrlCommand.SET_STATEBLOB && controller.isRunning()) return bad(Ptm.TPM_BAD_ORDINAL);
        CtrlRequest req = CtrlRequest.decode(msg);
        TpmEngine tpm = controller.tpm();
        return switch (req) {
            case CtrlRequest.Malformed m -> bad(Ptm.TPM_BAD_PARAMETER);
            case CtrlRequest.Unknown u -> bad(Ptm.TPM_BAD_ORDINAL);
            case CtrlRequest.LockStorage l -> ok(CtrlResponse.result(controller.lockStorage(l.retries())));
            case CtrlRequest.GetCapability g -> ok(CtrlResponse.capability(capabilities()));
            case CtrlRequest.Init i -> ok(CtrlResponse.result(controller.init(i.flags())));
            case CtrlRequest.Shutdown s -> {
                controller.terminate();
                yield new Reply(CtrlResponse.result(Ptm.TPM_SUCCESS), Effect.EXIT);
            }
            case CtrlRequest.Stop s -> {
                controller.stop();
                yield ok(CtrlResponse.result(Ptm.TPM_SUCCESS));
            }
            case CtrlRequest.GetTpmEstablished g -> ok(CtrlResponse.established(tpm.tpmEstablished()));
            case CtrlRequest.SetLocality l -> ok(CtrlResponse.result(controller.setLocality(l.locality())));
            case CtrlRequest.ResetTpmEstablished r -> ok(CtrlResponse.result(controller.resetEstablished(r.locality())));
            case CtrlRequest.HashStart h -> {
                tpm.hashStart();
                yield ok(CtrlResponse.result(Ptm.TPM_SUCCESS));
            }
            case CtrlRequest.HashData h -> {
                tpm.hashData(h.data());
                yield ok(CtrlResponse.result(Ptm.TPM_SUCCESS));
            }
            case CtrlRequest.HashEnd h -> {
                tpm.hashEnd();
                yield ok(CtrlResponse.result(Ptm.TPM_SUCCESS));
            }
            case CtrlRequest.CancelTpmCmd c -> {
                tpm.cancel();
                yield ok(CtrlResponse.result(Ptm.TPM_SUCCESS));
            }
            case CtrlRequest.StoreVolatile s -> ok(CtrlResponse.result(controller.storeVolatile()));
            case CtrlRequest.GetStateBlob g -> getStateBlob(g);
            case CtrlRequest.SetStateBlob s -> ok(CtrlResponse.result(controller.pushStateBlob(s.type(), s.stateFlags(), s.data())));
            case CtrlRequest.GetConfig g -> ok(CtrlResponse.config(controller.configFlags()));
            case CtrlRequest.SetDataFd d -> bad(Ptm.TPM_BAD_PARAMETER); // answered by setDataFd above
            case CtrlRequest.SetBufferSize b -> {
                int size = controller.setBufferSize(b.bufferSize());
                yield size < 0 ? bad(Ptm.TPM_BAD_ORDINAL)
                        : ok(CtrlResponse.bufferSize(size, TpmController.MIN_BUFFER_SIZE, TpmController.MAX_BUFFER_SIZE));
            }
            case CtrlRequest.GetInfo g -> getInfo(g);
        };
    }

    /** CMD_SET_DATAFD: 0x1F when a data fd is already set, 0x03 without a valid SCM_RIGHTS descriptor. */
    private Reply setDataFd(int fd) {
        if (dataFdSupported && sink.hasDataFd()) {
            discardFd(fd);
            return bad(Ptm.TPM_IOERROR);
        }
        if (!dataFdSupported || fd < 0) {
            discardFd(fd);
            return bad(Ptm.TPM_BAD_PARAMETER);
        }
        sink.take(fd);
        return ok(CtrlResponse.result(Ptm.TPM_SUCCESS));
    }

    private Reply getStateBlob(CtrlRequest.GetStateBlob g) {
        try {
            TpmController.MigrationBlob mb = controller.stateBlob(g.type(), g.stateFlags());
            byte[] blob = mb.blob();
            long off = Integer.toUnsignedLong(g.offset());
            byte[] part = off < blob.length ? Arrays.copyOfRange(blob, (int) off, blob.length) : new byte[0];
            return ok(CtrlResponse.stateBlob(Ptm.TPM_SUCCESS, mb.encrypted() ? Ptm.STATE_FLAG_ENCRYPTED : 0, part));
        } catch (StateBlobException e) {
            return ok(CtrlResponse.stateBlob(e.ptmResult(), 0, new byte[0]));
        }
    }

    private Reply getInfo(CtrlRequest.GetInfo g) {
        byte[] json = TpmIdentity.infoJson(g.flags(), controller.tpm().isTpm2()).getBytes(StandardCharsets.US_ASCII);
        long off = Integer.toUnsignedLong(g.offset());
        if (off >= json.length) return bad(Ptm.TPM_BAD_PARAMETER);
        byte[] z = Arrays.copyOf(json, json.length + 1); // NUL-terminated
        int len = (int) Math.min(z.length - off, Ptm.GETINFO_SIZE);
        return ok(CtrlResponse.info(z.length, Arrays.copyOfRange(z, (int) off, (int) off + len)));
    }

    private static boolean needsRunning(CtrlCommand c) {
        return switch (c) {
            case GET_TPMESTABLISHED, RESET_TPMESTABLISHED, HASH_START, HASH_DATA, HASH_END, CANCEL_TPM_CMD,
                 STORE_VOLATILE, GET_STATEBLOB -> true;
            default -> false;
        };
    }

    private static Reply ok(byte[] b) { return new Reply(b, Effect.NONE); }

    private static Reply bad(int rc) { return new Reply(CtrlResponse.result(rc), Effect.NONE); }

    /** A reply and its after-effect. */
    record Reply(byte[] bytes, Effect effect) {}
}
