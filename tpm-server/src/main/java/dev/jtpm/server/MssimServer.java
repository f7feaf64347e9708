package dev.jtpm.server;

import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.MssimCommand;
import dev.jtpm.wire.SendCommandEnvelope;
import dev.jtpm.wire.TpmHeader;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Microsoft simulator protocol (ms-tpm-20-ref {@code TcpServer.c}): the TPM port takes
 * TPM_SEND_COMMAND, HASH_*, REMOTE_HANDSHAKE, SET_ALTERNATIVE_RESULT, SESSION_END and STOP; the
 * platform port (TPM port + 1) the power, NV, cancel and physical-presence signals. Each is acked
 * with a 4-byte zero; an unknown platform command gets 1 and the client is dropped; an unknown TPM
 * port command just drops it.
 */
final class MssimServer implements AutoCloseable {
    private final Listener tpmPort;
    private final Listener platformPort;
    private final TpmController controller;
    private final ServerLog log;
    private final Runnable onStop;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Object sizesLock = new Object();
    private int largestCommandSize, largestCommand, largestResponseSize, largestResponse;

    MssimServer(Listener tpmPort, Listener platformPort, TpmController controller, ServerLog log, Runnable onStop) {
        this.tpmPort = tpmPort;
        this.platformPort = platformPort;
        this.controller = controller;
        this.log = log;
        this.onStop = onStop;
        Thread.ofVirtual().name("jtpm-mssim-tpm").start(() -> acceptLoop(tpmPort, true));
        Thread.ofVirtual().name("jtpm-mssim-platform").start(() -> acceptLoop(platformPort, false));
    }

    private void acceptLoop(Listener l, boolean isTpmPort) {
        while (l.isOpen()) {
            SocketChannel c;
            try {
                c = l.accept();
            } catch (IOException e) {
                return;
            }
            clients.add(c);
            Thread.ofVirtual().start(() -> {
                try (c) {
                    if (isTpmPort) serveTpm(c);
                    else servePlatform(c);
                } catch (IOException e) {
                    log.info("jtpm: mssim connection ended: " + e.getMessage());
                } finally {
                    clients.remove(c);
                }
            });
        }
    }

    private void serveTpm(SocketChannel ch) throws IOException {
        while (true) {
            MssimCommand c = MssimCommand.of(Io.readU32(ch));
            if (c == null || !c.onTpmPort()) return;
            switch (c) {
                case SEND_COMMAND -> {
                    int locality = Io.readFully(ch, 1)[0] & 0xff;
                    long size = Io.readU32(ch) & 0xffffffffL;
                    if (size > TpmHeader.MAX_COMMAND_SIZE) return;
                    byte[] cmd = Io.readFully(ch, (int) size);
                    log.dump(" SWTPM_IO_Read:", cmd, cmd.length);
                    byte[] rsp = size < TpmHeader.SIZE ? TpmHeader.errorResponse(TpmHeader.RC_COMMAND_SIZE)
                            : controller.execute(cmd, locality);
                    recordSizes(cmd, rsp);
                    log.dump(" SWTPM_IO_Write:", rsp, rsp.length);
                    Io.writeAll(ch, SendCommandEnvelope.wrapResponse(rsp));
                }
                case SIGNAL_HASH_START -> {
                    controller.tpm().hashStart();
                    ack(ch);
                }
                case SIGNAL_HASH_DATA -> {
                    long size = Io.readU32(ch) & 0xffffffffL;
                    if (size > TpmHeader.MAX_COMMAND_SIZE) return;
                    controller.tpm().hashData(Io.readFully(ch, (int) size));
                    ack(ch);
                }
                case SIGNAL_HASH_END -> {
                    controller.tpm().hashEnd();
                    ack(ch);
                }
                case REMOTE_HANDSHAKE -> {
                    if (Io.readU32(ch) == 0) return;
                    byte[] r = new byte[12];
                    BigEndian.put32(r, 0, MssimCommand.SERVER_VERSION);
                    BigEndian.put32(r, 4, MssimCommand.FLAG_PLATFORM_AVAILABLE | MssimCommand.FLAG_IN_RAW_MODE
                            | MssimCommand.FLAG_SUPPORTS_PP);
                    Io.writeAll(ch, r);
                }
                case SET_ALTERNATIVE_RESULT -> {
                    Io.readU32(ch);
                    ack(ch);
                }
                case SESSION_END -> { return; }
                case STOP -> {
                    onStop.run();
                    return;
                }
                default -> { return; }
            }
        }
    }

    private void servePlatform(SocketChannel ch) throws IOException {
        while (true) {
            int code = Io.readU32(ch);
            MssimCommand c = MssimCommand.of(code);
            if (c == null || !c.onPlatformPort()) {
                Io.writeAll(ch, BigEndian.of32(MssimCommand.PLATFORM_NAK));
                return;
            }
            switch (c) {
                case SIGNAL_POWER_ON -> controller.powerOn();
                case SIGNAL_POWER_OFF -> controller.powerOff();
                case SIGNAL_RESET, SIGNAL_RESTART -> controller.reset();
                case SIGNAL_CANCEL_ON -> controller.tpm().cancel();
                case SESSION_END -> { return; }
                case STOP -> {
                    onStop.run();
                    return;
                }
                case GET_COMMAND_RESPONSE_SIZES -> {
                    byte[] r = new byte[20];
                    BigEndian.put32(r, 0, 16);
                    synchronized (sizesLock) {
                        BigEndian.put32(r, 4, largestCommandSize);
                        BigEndian.put32(r, 8, largestCommand);
                        BigEndian.put32(r, 12, largestResponseSize);
                        BigEndian.put32(r, 16, largestResponse);
                        largestCommandSize = largestCommand = largestResponseSize = largestResponse = 0;
                    }
                    Io.writeAll(ch, r);
                }
                case ACT_GET_SIGNALED -> {
                    Io.readU32(ch);
                    Io.writeAll(ch, BigEndian.of32(0));
                }
                default -> {
                    // PHYS_PRES, CANCEL_OFF, NV_ON/OFF, KEY_CACHE, TEST_FAILURE_MODE: acknowledged
                }
            }
            ack(ch);
        }
    }

    private void recordSizes(byte[] cmd, byte[] rsp) {
        synchronized (sizesLock) {
            if (cmd.length > largestCommandSize) {
                largestCommandSize = cmd.length;
                largestCommand = cmd.length >= TpmHeader.SIZE ? BigEndian.u32(cmd, 6) : 0;
            }
            if (rsp.length > largestResponseSize) {
                largestResponseSize = rsp.length;
                largestResponse = cmd.length >= TpmHeader.SIZE ? BigEndian.u32(cmd, 6) : 0;
            }
        }
    }

    private static void ack(SocketChannel ch) throws IOException {
        Io.writeAll(ch, BigEndian.of32(0));
    }

    int tpmPort() { return tpmPort.port(); }

    int platformPort() { return platformPort.port(); }

    @Override
    public void close() {
        tpmPort.close();
        platformPort.close();
        for (SocketChannel c : clients) Io.closeQuietly(c);
    }
}
