package dev.jtpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmSocketTransport;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.GetRandom;
import java.net.BindException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends a command the moment the data port accepts meets the TPM its flags promise (initialized and
 * started with {@code not-need-init,startup-clear}), not TPM_RC_FAILURE or TPM_RC_INITIALIZE from the window between
 * serving the channels and applying the flags. Found by {@code KillTortureTest} (once in 1,000 restarts); here the
 * command is sent inside that window, from the after-bind hook, which then gives it a second to be answered (without
 * the gate it is answered at once, with TPM_RC_FAILURE).
 */
class StartGateTest {
    @TempDir Path dir;

    @Test
    void aCommandSentBeforeTheAutomaticStartup_waitsForIt() throws Exception {
        SwtpmFlags flags = new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false);
        Random rnd = new Random();
        for (int attempt = 0; ; attempt++) {
            int port = 20_000 + rnd.nextInt(12_000);   // below the ephemeral range
            CompletableFuture<byte[]> early = new CompletableFuture<>();
            InstanceConfig config = new InstanceConfig(new ChannelSpec.Tcp("127.0.0.1", port, false),
                    new ChannelSpec.Tcp("127.0.0.1", port + 1, false), flags, false, false, false, ServerLog.NONE);
            try (TpmInstance server = TpmInstance.start(DirectoryStateStore.open(dir, 0600), config, () -> {
                Thread.ofVirtual().start(() -> {
                    try (SwtpmSocketTransport t = SwtpmSocketTransport.tcp("127.0.0.1", port)) {
                        early.complete(t.execute(CommandBytes.encode(new GetRandom(8)), 0));
                    } catch (Exception e) {
                        early.completeExceptionally(e);
                    }
                });
                try {
                    early.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException held) {
                    // held until the flags are applied: what should happen
                } catch (Exception e) {
                    throw new java.io.IOException(e);
                }
            })) {
                byte[] rsp = early.get(60, TimeUnit.SECONDS);
                assertThat(CommandBytes.decode(new GetRandom(8), rsp).ok()).as("GetRandom sent right after start").isTrue();
                return;
            } catch (BindException taken) {
                if (attempt > 20) throw taken;
            }
        }
    }
}
