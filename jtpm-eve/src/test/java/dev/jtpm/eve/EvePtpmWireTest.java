package dev.jtpm.eve;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.jtpm.eve.proto.EveTPMRequest;
import dev.jtpm.eve.proto.EveTPMResponse;
import dev.jtpm.eve.proto.File;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eve-ptpm on the wire: requests framed by hand exactly as eve-tools' C++ client frames them (varint, message,
 * uninitialised padding to N+4, one send) and without padding; the hostile inputs of issue 14, each refused or
 * bounded with a clear answer, nothing written outside the working directory, the server serving on; 200 connections
 * at once against the worker cap.
 */
class EvePtpmWireTest {

    @TempDir static Path base;
    static EveFixture eve;

    @BeforeAll
    static void start() throws Exception {
        // a short read deadline: the unpadded test shows the answer does not wait for it
        eve = new EveFixture(base, 64, Duration.ofSeconds(3), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (eve != null) eve.close();
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        assertThat(eve.workRoot).isEmptyDirectory();
        assertThat(getcap()).contains("rsa").contains("sha256"); // still serving
    }

    // ---- framing

    @Test
    void cppClientFraming_garbagePadding_oneSend_answeredWithPaddedReply() throws Exception {
        byte[] message = request(" tpm2_getcap algorithms").toByteArray();
        byte[] frame = EveFrame.encode(message);
        new Random(7).ints(frame.length - message.length - EveFrame.varintLength(message.length), 1, 255)
                .forEach(new java.util.function.IntConsumer() {
                    int at = EveFrame.varintLength(message.length) + message.length;
                    public void accept(int b) { frame[at++] = (byte) b; } // the C++ client's uninitialised heap bytes
                });
        byte[] reply = exchangeRaw(frame, false);
        int n = varint(reply);
        assertThat(reply).hasSize(n + 4); // N + 4 bytes in all, as the C++ server sends
        for (int i = EveFrame.varintLength(n) + n; i < reply.length; i++) assertThat(reply[i]).isZero();
        assertThat(EveTPMResponse.parseFrom(EveFrame.decode(reply, 1 << 20)).getResponse().toStringUtf8()).contains("rsa:");
    }

    @Test
    void standardDelimitedFraming_noPadding_socketKeptOpen_answeredWithoutWaiting() throws Exception {
        ByteArrayOutputStream delimited = new ByteArrayOutputStream();
        request(" tpm2_getcap algorithms").writeDelimitedTo(delimited); // protobuf-java's own framing: no padding
        // the server's read deadline is 3 s: had it waited for the padding, the reply would be its timeout text
        byte[] reply = exchangeRaw(delimited.toByteArray(), false);
        assertThat(EveTPMResponse.parseFrom(EveFrame.decode(reply, 1 << 20)).getResponse().toStringUtf8()).contains("rsa:");
    }

    @Test
    void largeRequest_twoByteVarint_twoPadBytes() throws Exception {
        EveTPMRequest r = EveTPMRequest.newBuilder().setCommand(" tpm2_getcap algorithms")
                .addInputFiles(File.newBuilder().setName("blob").setContent(ByteString.copyFrom(new byte[5000]))).build();
        byte[] frame = EveFrame.encode(r.toByteArray());
        assertThat(frame).hasSize(r.getSerializedSize() + 4);
        assertThat(EveFrame.varintLength(r.getSerializedSize())).isEqualTo(2);
        assertThat(text(exchangeRaw(frame, false))).contains("rsa:");
    }

    // ---- hostile inputs

    @Test
    void inputNameTraversal_refused_nothingWritten() throws Exception {
        EveTPMRequest r = EveTPMRequest.newBuilder().setCommand("tpm2_getcap algorithms")
                .addInputFiles(File.newBuilder().setName("../x").setContent(ByteString.copyFromUtf8("pwned"))).build();
        assertThat(text(r)).isEqualTo("../x:input filename should not be a path!");
        assertThat(eve.workRoot.resolveSibling("x")).doesNotExist();
        Path victim = base.resolve("victim");
        r = EveTPMRequest.newBuilder().setCommand("tpm2_getcap algorithms")
                .addInputFiles(File.newBuilder().setName(victim.toString()).setContent(ByteString.copyFromUtf8("pwned"))).build();
        assertThat(text(r)).isEqualTo(victim + ":input filename should not be a path!");
        assertThat(victim).doesNotExist();
    }

    @Test
    void expectedEtcPasswd_refused() throws Exception {
        EveTPMRequest r = EveTPMRequest.newBuilder().setCommand("tpm2_getcap algorithms").addExpectedFiles("/etc/passwd").build();
        assertThat(text(r)).isEqualTo("/etc/passwd:output filename should not be a path!");
        r = EveTPMRequest.newBuilder().setCommand("tpm2_getcap algorithms").addExpectedFiles("..").build();
        assertThat(text(r)).isEqualTo("..:output filename should not be a path!");
    }

    @Test
    void tctiOption_refused() throws Exception {
        assertThat(text(request("tpm2_getcap -T device:/dev/tpm0 algorithms"))).isEqualTo("-T:option is not allowed!");
        assertThat(text(request("tpm2_getcap --tcti=mssim algorithms"))).isEqualTo("--tcti=mssim:option is not allowed!");
        assertThat(text(request("tpm2_getcap --tc mssim algorithms"))).isEqualTo("--tc:option is not allowed!");
        assertThat(text(request("tpm2_getcap -QTmssim algorithms"))).isEqualTo("-QTmssim:option is not allowed!");
    }

    @Test
    void outputPathOutsideWorkDir_refused_nothingWritten() throws Exception {
        Path outside = base.resolve("stolen.pub");
        assertThat(text(request("tpm2_readpublic -c 0x81000003 -o " + outside))).isEqualTo(outside + ":argument should not be a path!");
        assertThat(text(request("tpm2_readpublic -c 0x81000003 -o ../stolen.pub"))).isEqualTo("../stolen.pub:argument should not be a path!");
        assertThat(text(request("tpm2_hash -g sha256 file:.."))).isEqualTo("file:..:argument should not be a path!");
        assertThat(outside).doesNotExist();
        assertThat(eve.workRoot.resolveSibling("stolen.pub")).doesNotExist();
    }

    @Test
    void forbiddenCommands_refusedWithReferenceText() throws Exception {
        assertThat(text(request(" tpm2_createprimary -C o -c primary.ctx"))).isEqualTo("tpm2_createprimary:Command is forbidden!");
        assertThat(text(request("tpm2_evictcontrol -C o -c 0x81000003"))).isEqualTo("tpm2_evictcontrol:Command is forbidden!");
        assertThat(text(request("sh -c id"))).isEqualTo("sh:Command is forbidden!");
        assertThat(text(request("  \t "))).isEqualTo(":Command is forbidden!");
        assertThat(text(request(""))).isEqualTo("Invalid request length:0"); // an empty message: length 0, as the reference
        assertThat(text(request("tpm2_getcap" + " x".repeat(23)))).isEqualTo("Too many arguments");
    }

    @Test
    void missingExpectedFile_referenceText_filesSoFar() throws Exception {
        EveTPMRequest r = EveTPMRequest.newBuilder().setCommand("tpm2_readpublic -c 0x81000003 -o ak.pub")
                .addExpectedFiles("ak.pub").addExpectedFiles("nothing.here").build();
        EveTPMResponse reply = EveRun.exchange(eve.address(), r);
        assertThat(reply.getResponse().toStringUtf8()).isEqualTo("Expected file not found nothing.here");
        assertThat(reply.getOutputFilesList()).extracting(File::getName).containsExactly("ak.pub");
    }

    @Test
    void hundredMegabyteLengthPrefix_refusedAtOnce() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int n = 100_000_000;
        while ((n & ~0x7F) != 0) { b.write((n & 0x7F) | 0x80); n >>>= 7; }
        b.write(n);
        b.write(new byte[64], 0, 64);
        assertThat(text(exchangeRaw(b.toByteArray(), false))).isEqualTo("Request size 100000000 is too large (at most 10236)");
    }

    @Test
    void overlongVarint_zeroLength_garbage_answered() throws Exception {
        assertThat(text(exchangeRaw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1}, false)))
                .isEqualTo("request length longer than 5 bytes");
        assertThat(text(exchangeRaw(new byte[] {0, 0, 0, 0}, false))).isEqualTo("Invalid request length:0");
        assertThat(text(exchangeRaw(new byte[] {5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0}, false)))
                .isEqualTo("Incorrect request format");
    }

    @Test
    void threeBytesThenSilence_boundedByReadDeadline() throws Exception {
        // a length of 100 and two message bytes, then nothing: the 3 s deadline ends it with a clear answer
        byte[] reply = exchangeRaw(new byte[] {100, 0x0a, 0x05}, false);
        assertThat(text(reply)).isEqualTo("Request not received within 3 s");
    }

    @Test
    void clientHalfCloses_afterPartialFrame_noAnswerServerServesOn() throws Exception {
        byte[] reply = exchangeRaw(new byte[] {100, 0x0a, 0x05}, true);
        assertThat(reply).isEmpty();
    }

    @Test
    void twoHundredConcurrentConnections_sixtyFourServed_restBusy() throws Exception {
        int total = 200, cap = 64;
        List<Socket> sockets = new ArrayList<>();
        ConcurrentLinkedQueue<String> busy = new ConcurrentLinkedQueue<>(), served = new ConcurrentLinkedQueue<>();
        CountDownLatch busyDone = new CountDownLatch(total - cap), allDone = new CountDownLatch(total);
        CountDownLatch send = new CountDownLatch(1);
        try {
            for (int i = 0; i < total; i++) {
                Socket s = new Socket("127.0.0.1", eve.server.port());
                s.setSoTimeout(120_000); // hang guard
                sockets.add(s);
            }
            byte[] frame = EveFrame.encode(request(" tpm2_getcap algorithms").toByteArray());
            for (Socket s : sockets) {
                Thread.ofVirtual().start(() -> {
                    try {
                        // a worker waits for the request; a connection over the cap is answered at once
                        Thread sender = Thread.ofVirtual().start(() -> {
                            try {
                                send.await();
                                if (!s.isInputShutdown()) s.getOutputStream().write(frame);
                            } catch (IOException | InterruptedException ignored) {
                                // a busy connection may be closed already
                            }
                        });
                        String t = text(s.getInputStream().readAllBytes());
                        if (t.equals(RequestHandler.BUSY)) {
                            busy.add(t);
                            busyDone.countDown();
                        } else {
                            served.add(t);
                        }
                        sender.join();
                    } catch (Exception e) {
                        served.add("error: " + e);
                    } finally {
                        allDone.countDown();
                    }
                });
            }
            assertThat(busyDone.await(120, TimeUnit.SECONDS)).as("busy replies").isTrue();
            send.countDown();
            assertThat(allDone.await(300, TimeUnit.SECONDS)).as("all replies").isTrue();
        } finally {
            send.countDown();
            for (Socket s : sockets) s.close();
        }
        assertThat(busy).hasSize(total - cap);
        assertThat(served).hasSize(cap).allSatisfy(t -> assertThat(t).contains("rsa:"));
    }

    // ---- helpers

    private static EveTPMRequest request(String command) {
        return EveTPMRequest.newBuilder().setCommand(command).build();
    }

    private static String getcap() throws Exception {
        return EveRun.exchange(eve.address(), request(" tpm2_getcap algorithms")).getResponse().toStringUtf8();
    }

    private static String text(EveTPMRequest r) throws Exception {
        return EveRun.exchange(eve.address(), r).getResponse().toStringUtf8();
    }

    private static String text(byte[] replyFrame) throws Exception {
        return EveTPMResponse.parseFrom(EveFrame.decode(replyFrame, 1 << 20)).getResponse().toStringUtf8();
    }

    /** Sends raw bytes in one write, optionally half-closes, reads everything until the server closes. */
    private static byte[] exchangeRaw(byte[] bytes, boolean halfClose) throws IOException {
        try (Socket s = new Socket("127.0.0.1", eve.server.port())) {
            s.setSoTimeout(60_000); // hang guard
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            if (halfClose) s.shutdownOutput();
            InputStream in = s.getInputStream();
            return in.readAllBytes();
        }
    }

    private static int varint(byte[] b) {
        int n = 0;
        for (int i = 0; i < 5; i++) {
            n |= (b[i] & 0x7F) << (7 * i);
            if ((b[i] & 0x80) == 0) break;
        }
        return n;
    }
}
