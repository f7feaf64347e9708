package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.wire.BigEndian;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Framing of the data channel. Before INIT every command gets the fixed 10-byte failure reply,
 * which makes these tests independent of what the engine answers.
 */
class DataChannelTest {
    static final String READ_CLOCK = "80010000000a00000181";
    static final String FAILURE = "80010000000a00000101";
    TpmInstance tpm;

    TpmInstance start(ChannelSpec data) throws IOException {
        tpm = TpmInstance.start(StateStore.inMemory(), new InstanceConfig(data, new ChannelSpec.Tcp("127.0.0.1", 0, false),
                SwtpmFlags.DEFAULT, false, false, false, ServerLog.NONE));
        return tpm;
    }

    TpmInstance start() throws IOException { return start(new ChannelSpec.Tcp("127.0.0.1", 0, false)); }

    @AfterEach
    void stop() {
        if (tpm != null) tpm.close();
    }

    @Test
    void beforeInit_everyCommandGetsTheFailureReply() throws IOException {
        start();
        try (Raw r = new Raw(tpm.dataPort())) {
            assertThat(r.send(READ_CLOCK).readHex(10)).isEqualTo(FAILURE);
            assertThat(r.send("80010000000c0000017b0008").readHex(10)).isEqualTo(FAILURE);
        }
    }

    @Test
    void fragmentedCommand_isReassembled() throws Exception {
        start();
        try (Raw r = new Raw(tpm.dataPort())) {
            for (byte b : Raw.HEX.parseHex("80010000000c0000017b0008")) {
                r.send(new byte[] {b});
                Thread.sleep(2);
            }
            assertThat(r.readHex(10)).isEqualTo(FAILURE);
        }
    }

    @Test
    void twoCommandsInOneWrite_getTwoReplies() throws IOException {
        start();
        try (Raw r = new Raw(tpm.dataPort())) {
            r.send(READ_CLOCK + READ_CLOCK);
            assertThat(r.readHex(20)).isEqualTo(FAILURE + FAILURE);
        }
    }

    @Test
    void sendCommandEnvelope_isAnsweredInOne_andSetsTheLocality() throws IOException {
        start();
        try (Raw r = new Raw(tpm.dataPort())) {
            r.send("00000008" + "03" + "0000000a" + READ_CLOCK);
            assertThat(r.readHex(18)).isEqualTo("0000000a" + FAILURE + "00000000");
        }
        assertThat(tpm.controller().locality()).isEqualTo(3);
    }

    @Test
    void sizeBelowTen_getsCommandSizeAndTheConnectionIsDropped() throws IOException {
        start();
        try (Raw r = new Raw(tpm.dataPort())) {
            assertThat(r.send("800100000008000001").readHex(10)).isEqualTo("80010000000a00000142");
            assertThat(r.closedByPeer()).isTrue();
        }
        assertThat(Raw.roundTrip(tpm.dataPort(), READ_CLOCK, 10)).as("still serving").isEqualTo(FAILURE);
    }

    @Test
    void oversizedCommand_getsCommandSize() throws IOException {
        start();
        try (Raw r = new Raw(tpm.dataPort())) {
            assertThat(r.send("80010000100100000181").readHex(10)).isEqualTo("80010000000a00000142");
            assertThat(r.closedByPeer()).isTrue();
        }
        try (Raw r = new Raw(tpm.dataPort())) {
            assertThat(r.send("00000008" + "00" + "7fffffff").readHex(18)).isEqualTo("0000000a" + "80010000000a00000142" + "00000000");
        }
        assertThat(Raw.roundTrip(tpm.dataPort(), READ_CLOCK, 10)).isEqualTo(FAILURE);
    }

    @Test
    void maxSizeCommand_isAccepted() throws IOException {
        start();
        byte[] max = new byte[4096];
        max[0] = (byte) 0x80;
        max[1] = 1;
        BigEndian.put32(max, 2, 4096);
        BigEndian.put32(max, 6, 0x181);
        try (Raw r = new Raw(tpm.dataPort())) {
            assertThat(r.send(max).readHex(10)).isEqualTo(FAILURE);
        }
    }

    @Test
    void oneConnectionPerCommand_manyTimes_andConcurrently() throws Exception {
        start();
        for (int i = 0; i < 50; i++) assertThat(Raw.roundTrip(tpm.dataPort(), READ_CLOCK, 10)).isEqualTo(FAILURE);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> fs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Callable<String> c = () -> {
                    try (Raw r = new Raw(tpm.dataPort())) {
                        StringBuilder s = new StringBuilder();
                        for (int j = 0; j < 10; j++) s.append(r.send(READ_CLOCK).readHex(10));
                        return s.toString();
                    }
                };
                fs.add(ex.submit(c));
            }
            for (Future<String> f : fs) assertThat(f.get()).isEqualTo(FAILURE.repeat(10));
        }
    }

    @Test
    void disconnect_closesAfterEachResponse() throws IOException {
        start(new ChannelSpec.Tcp("127.0.0.1", 0, true));
        try (Raw r = new Raw(tpm.dataPort())) {
            assertThat(r.send(READ_CLOCK).readHex(10)).isEqualTo(FAILURE);
            assertThat(r.closedByPeer()).isTrue();
        }
    }

    @Test
    void unixSocket_servesAndIsRemovedAtClose(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path sock = dir.resolve("data.sock");
        start(new ChannelSpec.UnixIo(sock, 0600));
        assertThat(java.nio.file.Files.getPosixFilePermissions(sock)).hasSize(2);
        try (var ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(sock))) {
            ch.write(java.nio.ByteBuffer.wrap(Raw.HEX.parseHex(READ_CLOCK)));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10);
            while (b.hasRemaining()) ch.read(b);
            assertThat(Raw.HEX.formatHex(b.array())).isEqualTo(FAILURE);
        }
        tpm.close();
        assertThat(sock).doesNotExist();
    }
}
