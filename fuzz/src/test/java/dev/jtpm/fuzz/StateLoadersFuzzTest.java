package dev.jtpm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.engine.state.PersistentState;
import dev.jtpm.server.DirectoryStateStore;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.ContextSave;
import dev.jtpm.types.command.FlushContext;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.GetRandom;
import dev.jtpm.types.command.NvIncrement;
import dev.jtpm.types.command.NvRead;
import dev.jtpm.types.command.ReadPublic;
import dev.jtpm.types.command.Shutdown;
import dev.jtpm.types.command.Startup;
import dev.jtpm.wire.StateBlob;
import dev.jtpm.wire.StateBlobException;
import dev.jtpm.wire.StateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The loaders of state from disk and from the control channel. A corrupt state must be refused with the loader's
 * own error (a one-line {@link IOException} from the store, {@link StateBlobException} from the container,
 * TPM_RC_FAILURE from the blob parsers) and nothing else; a state that loads must give a TPM that serves without
 * failure mode. Targets:
 *
 * <ul>
 *   <li>{@link #stateFile}: a {@code tpm2-00.permall} file through {@link DirectoryStateStore} (swtpm's container,
 *       plain or with a {@code --key}: AES-128/256-CBC + HMAC, AES-GCM; the first octet picks);</li>
 *   <li>{@link #migrationBlob}: a GET/SET_STATEBLOB blob ({@code StateBlob.decodeMigration}, with and without keys);</li>
 *   <li>{@link #permanentBlob}: jtpm's permanent payload ({@link PersistentState}), then Startup and commands;</li>
 *   <li>{@link #volatileBlob}: a volatile payload ({@code VolatileState}, objects and sessions) on the fuzz world's
 *       permanent state, then the commands that touch what it restored.</li>
 * </ul>
 */
class StateLoadersFuzzTest {
    private static final StateKey AES128 = StateKey.of(new byte[16]);
    private static final StateKey AES256 = StateKey.of(new byte[32]);
    private static final Path DIR = tempDir();

    private static Path tempDir() {
        try {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "jtpm-fuzz")
                    : Files.createTempDirectory("jtpm-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<StateKey> key(int selector) {
        return switch (selector & 3) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(AES128);
            case 2 -> Optional.of(AES256);
            default -> Optional.of(AES256.withGcm(true));
        };
    }

    @FuzzTest(maxDuration = "30s")
    void stateFile(byte[] data) throws IOException {
        if (data.length < 1) return;
        FailureWatch.reset();
        Files.write(DIR.resolve("tpm2-00.permall"), Arrays.copyOfRange(data, 1, data.length));
        Files.deleteIfExists(DIR.resolve("tpm2-00.volatilestate"));
        DirectoryStateStore store;
        try {
            store = DirectoryStateStore.open(DIR, DirectoryStateStore.DEFAULT_MODE, key(data[0]), true);
        } catch (IOException refused) {
            String m = String.valueOf(refused.getMessage());
            if (m.contains("\n")) throw new AssertionError("a refusal of more than one line: " + m);
            return;
        }
        try (store) {
            Tpm tpm = new Tpm(new Platform(store, () -> 1_000, new Random(3)));
            if (tpm.init()) exercise(tpm, true);
        }
        FailureWatch.check("a state file");
    }

    @FuzzTest(maxDuration = "30s")
    void migrationBlob(byte[] data) {
        if (data.length < 1) return;
        byte[] blob = Arrays.copyOfRange(data, 1, data.length);
        try {
            StateBlob.decodeMigration(blob, (data[0] & 4) != 0, key(data[0]), key(data[0] >> 3));
        } catch (StateBlobException refused) {
            // the container's own refusal
        }
    }

    @FuzzTest(maxDuration = "30s")
    void permanentBlob(byte[] data) {
        FailureWatch.reset();
        try {
            PersistentState.deserialize(data);
        } catch (TpmFailure refused) {
            return;
        }
        NvStore nv = NvStore.inMemory();
        store(nv, StateKind.PERMANENT, data);
        Tpm tpm = new Tpm(new Platform(nv, () -> 1_000, new Random(3)));
        if (!tpm.init()) throw new AssertionError("a permanent blob that parses does not load");
        exercise(tpm, true);
        FailureWatch.check("a permanent blob");
    }

    @FuzzTest(maxDuration = "30s")
    void volatileBlob(byte[] data) {
        FailureWatch.reset();
        NvStore nv = NvStore.inMemory();
        store(nv, StateKind.PERMANENT, EngineWorld.permanentBlob());
        store(nv, StateKind.VOLATILE, data);
        Tpm tpm = new Tpm(new Platform(nv, () -> 1_000, new Random(3)));
        if (tpm.init()) exercise(tpm, !tpm.isStarted());
        FailureWatch.check("a volatile blob");
    }

    private static void store(NvStore nv, StateKind kind, byte[] blob) {
        try {
            nv.store(kind, blob);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commands over what a loaded state holds: handles, objects, sessions, NV, PCRs; then an orderly shutdown. */
    private static void exercise(Tpm tpm, boolean startup) {
        List<byte[]> commands = new java.util.ArrayList<>();
        if (startup) commands.add(CommandBytes.encode(new Startup(TpmSu.CLEAR)));
        commands.add(CommandBytes.encode(new GetRandom(8)));
        for (int range : new int[] {0x80000000, 0x81000000, 0x01000000, 0x02000000, 0x03000000, 0x00000000}) {
            commands.add(CommandBytes.encode(new GetCapability(1, range, 64)));
        }
        for (int cap : new int[] {0, 2, 5, 6, 7, 8, 9}) commands.add(CommandBytes.encode(new GetCapability(cap, 0, 64)));
        for (int h : new int[] {EngineWorld.SRK, EngineWorld.HMAC_KEY, EngineWorld.SIGNER, EngineWorld.PERSISTENT_SRK}) {
            commands.add(CommandBytes.encode(new ReadPublic(h)));
        }
        for (int h : new int[] {EngineWorld.NV_ORDINARY, EngineWorld.NV_COUNTER, EngineWorld.NV_ORDERLY}) {
            commands.add(CommandBytes.encode(new NvRead(TpmRh.OWNER, h, 8, 0), List.of(dev.jtpm.types.Bytes.EMPTY)));
        }
        commands.add(CommandBytes.encode(new NvIncrement(TpmRh.OWNER, EngineWorld.NV_ORDERLY), List.of(dev.jtpm.types.Bytes.EMPTY)));
        commands.add(CommandBytes.encode(new ContextSave(EngineWorld.HMAC_SESSION)));
        commands.add(CommandBytes.encode(new ContextSave(EngineWorld.SIGNER)));
        commands.add(CommandBytes.encode(new FlushContext(EngineWorld.POLICY_SESSION)));
        commands.add(CommandBytes.encode(new Shutdown(TpmSu.STATE)));
        for (byte[] c : commands) {
            FuzzFrames.checkResponse(c, tpm.execute(c, 0));
            FailureWatch.check(FuzzFrames.hex(c));
        }
        tpm.permanentState();
        tpm.volatileState();
        FailureWatch.check("serializing the state again");
    }
}
