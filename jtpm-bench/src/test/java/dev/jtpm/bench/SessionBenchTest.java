package dev.jtpm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.crypto.Kdf;
import dev.jtpm.engine.Tpm;
import dev.jtpm.types.TpmAlg;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * The session measurements' client side against the in-process engine behind a loopback socket: the
 * fixtures prepare (which proves salts, PCR policy and command HMACs), run a few sequences and clean up.
 * Nothing here measures or asserts a time.
 */
class SessionBenchTest {

    @Test
    void kdfs_agreeWithTheEngines() {
        byte[] key = "key".getBytes(), u = "u".getBytes(), v = "v".getBytes();
        assertThat(SessionBench.kdfa(key, "ATH", u, v, 256)).isEqualTo(Kdf.kdfa(TpmAlg.SHA256, key, "ATH", u, v, 256));
        assertThat(SessionBench.kdfe(key, "SECRET", u, v, 256)).isEqualTo(Kdf.kdfe(TpmAlg.SHA256, key, "SECRET", u, v, 256));
    }

    @Test
    void everyFixture_worksAgainstTheEngine() throws Exception {
        Tpm tpm = EngineBenchmark.startedTpm();
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon().start(() -> serve(ss, tpm));
            try (RawTpmClient c = RawTpmClient.connect(ss.getLocalPort(), 10_000, () -> true)) {
                for (SessionBench b : SessionBench.values()) {
                    SessionBench.Fixture f = b.prepare(c, "jtpm");
                    for (int i = 0; i < 3; i++) assertThat(f.once(i)).as(b.label()).isPositive();
                    f.close();
                }
            }
            server.join(10_000);
        }
    }

    /** One connection: header, then the rest, answered by {@code Tpm.execute}. */
    static void serve(ServerSocket ss, Tpm tpm) {
        try (Socket s = ss.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] header = new byte[10];
            while (true) {
                try {
                    in.readFully(header);
                } catch (IOException eof) {
                    return;
                }
                int size = ((header[2] & 0xFF) << 24) | ((header[3] & 0xFF) << 16) | ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
                byte[] cmd = new byte[size];
                System.arraycopy(header, 0, cmd, 0, 10);
                in.readFully(cmd, 10, size - 10);
                out.write(tpm.execute(cmd, 0));
                out.flush();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
