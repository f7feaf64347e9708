package dev.jtpm.server;

import dev.jtpm.engine.platform.StateKind;
import java.nio.file.Path;

/** Child process of the SIGKILL test: writes the permanent state in a loop, printing each count. */
public final class StoreWriterMain {
    private StoreWriterMain() {}

    public static void main(String[] args) throws Exception {
        try (DirectoryStateStore s = DirectoryStateStore.open(Path.of(args[0]), 0640)) {
            for (int i = 1; ; i++) {
                byte[] blob = new byte[1000 + (i % 7) * 5000];
                java.util.Arrays.fill(blob, (byte) i);
                blob[0] = (byte) (i >>> 8);
                s.store(StateKind.PERMANENT, blob);
                System.out.println(i);
                System.out.flush();
            }
        }
    }
}
