package dev.jtpm.server;

import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.MssimCommand;
import dev.jtpm.wire.SendCommandEnvelope;
import dev.jtpm.wire.TpmHeader;
import java.io.IOException;
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
    private final Acceptor tpmPort;
    private final Acceptor platformPort;
    private final TpmController controller;
    private final ServerLog log;
    private final Runnable onStop;
    private final Set<Conn> clients = ConcurrentHashMap.newKeySet();
    private final Object sizesLock = new Object();
    private int largestCommandSize, largestCommand, largestResponseSize, largestResponse;

    MssimServer(Acceptor tpmPort, Acceptor platformPort, TpmController controller, ServerLog log, Runnable onStop) {
        this.tpmPort = tpmPort;
        this.platformPort = platformPort;
        this.controller = controller;
        this.log = log;
        this.onStop = onStop;
        // platform threads, each serving the connection it accepted: see ConnectionThreads
        ConnectionThreads.serveEach("jtpm-mssim-tpm", tpmPort, c -> serveClient(c, true), e -> { });
        ConnectionThreads.serveEach("jtpm-mssim-platform", platformPort, c -> serveClient(c, false), e -> { });
    }

    private void serveClient(Conn c, boolean isTpmPort) {
        clients.add(c);
        try (c) {
            // a command arrives as several small fields: read it with one call, not one per field
            Conn in = new BufferedConn(c, 4 + 1 + 4 + TpmHeader.MAX_COMMAND_SIZE);
            if (isTpmPort) serveTpm(in);
            else servePlatform(in);
        } catch (IOException e) {
            log.info("jtpm: mssim connection ended: " + e.getMessage());
        } finally {
            clients.remove(c);
        }
    }

    private void serveTpm(Conn ch) throws IOException {
        while (true) {
            MssimCommand c = MssimCommand.of(ch.readU32());
            if (c == null || !c.onTpmPort()) return;
            switch (c) {
                case SEND_COMMAND -> {
                    int locality = ch.readFully(1)[0] & 0xff;
                    long size = ch.readU32() & 0xffffffffL;
                    if (size > TpmHeader.MAX_COMMAND_SIZE) return;
                    byte[] cmd = ch.readFully((int) size);
                    log.dump(" SWTPM_IO_Read:", cmd, cmd.length);
                    byte[] rsp = size < TpmHeader.SIZE ? TpmHeader.errorResponse(TpmHeader.RC_COMMAND_SIZE)
                            : controller.execute(cmd, locality);
                    recordSizes(cmd, rsp);
                    log.dump(" SWTPM_IO_Write:", rsp, rsp.length);
                    ch.write(SendCommandEnvelope.wrapResponse(rsp));
                }
                case SIGNAL_HASH_START -> {
                    controller.tpm().hashStart();
                    ack(ch);
                }
                case SIGNAL_HASH_DATA -> {
                    long size = ch.readU32() & 0xffffffffL;
                    if (size > TpmHeader.MAX_COMMAND_SIZE) return;
                    controller.tpm().hashData(ch.readFully((int) size));
                    ack(ch);
                }
                case SIGNAL_HASH_END -> {
                    controller.tpm().hashEnd();
                    ack(ch);
                }
                case REMOTE_HANDSHAKE -> {
                    if (ch.readU32() == 0) return;
                    byte[] r = new byte[12];
                    BigEndian.put32(r, 0, MssimCommand.SERVER_VERSION);
                    BigEndian.put32(r, 4, MssimCommand.FLAG_PLATFORM_AVAILABLE | MssimCommand.FLAG_IN_RAW_MODE
                            | MssimCommand.FLAG_SUPPORTS_PP);
                    ch.write(r);
                }
                case SET_ALTERNATIVE_RESULT -> {
                    ch.readU32();
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

    private void servePlatform(Conn ch) throws IOException {
        while (true) {
            int code = ch.readU32();
            MssimCommand c = MssimCommand.of(code);
            if (c == null || !c.onPlatformPort()) {
                ch.write(BigEndian.of32(MssimCommand.PLATFORM_NAK));
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
                    // ms-tpm writes the struct as raw memory (WriteVarBytes): little-endian on x86 and arm64
                    java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(r, 4, 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    synchronized (sizesLock) {
                        le.putInt(largestCommandSize).putInt(largestCommand).putInt(largestResponseSize).putInt(largestResponse);
                        largestCommandSize = largestCommand = largestResponseSize = largestResponse = 0;
                    }
                    ch.write(r);
                }
                case ACT_GET_SIGNALED -> {
                    ch.readU32();
                    ch.write(BigEndian.of32(0));
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

    private static void ack(Conn ch) throws IOException {
        ch.write(BigEndian.of32(0));
    }

    int tpmPort() { return tpmPort.port(); }

    int platformPort() { return platformPort.port(); }

    @Override
    public void close() {
        tpmPort.close();
        platformPort.close();
        for (Conn c : clients) c.abort();
    }
}
