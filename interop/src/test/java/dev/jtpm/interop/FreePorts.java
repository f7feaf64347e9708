package dev.jtpm.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds a port P on 127.0.0.1 with P+1 also free (the swtpm and mssim TCTIs need both), below Linux's ephemeral range
 * (32768–60999): a client that polls a port inside that range until a server listens can be given that very port
 * as its own source port and connect to itself, and then "answers" its own bytes.
 */
final class FreePorts {
    private FreePorts() {}

    static int pair() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = 20000 + 2 * ThreadLocalRandom.current().nextInt(6300);   // 20000..32598
            if (free(p) && free(p + 1)) return p;
        }
        throw new IllegalStateException("no free port pair found");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
