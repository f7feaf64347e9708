package dev.jtpm.bench;

import dev.jtpm.engine.Tpm;
import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import dev.jtpm.types.TpmSu;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.Startup;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The in-process engine, without any transport: {@link Tpm#execute} on pre-encoded command bytes
 * (what a server does with a command it has read), on a TPM built with
 * {@code Platform.of(NvStore.inMemory())} after TPM2_Startup(CLEAR). The setup refuses to measure a
 * command that does not succeed, so an unimplemented command fails loudly instead of timing its
 * error path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EngineBenchmark {
    /** One trial per command, so a failing command fails only its own trial. */
    @Param({"GET_RANDOM_8", "PCR_EXTEND", "PCR_READ", "HASH_1K"})
    public String command;

    private Tpm tpm;
    private byte[] bytes;

    @Setup(Level.Trial)
    public void setUp() {
        tpm = startedTpm();
        bytes = checked(tpm, BenchCommand.valueOf(command));
    }

    /** A TPM on an in-memory platform, powered on and started with TPM2_Startup(CLEAR). */
    static Tpm startedTpm() {
        Tpm tpm = new Tpm(Platform.of(NvStore.inMemory()));
        if (!tpm.init()) throw new IllegalStateException("the TPM did not initialize");
        int rc = BenchCommand.responseCode(tpm.execute(CommandBytes.encode(new Startup(TpmSu.CLEAR)), 0));
        if (rc != 0) throw new IllegalStateException("TPM2_Startup(CLEAR) returned 0x" + Integer.toHexString(rc));
        return tpm;
    }

    /** The command's bytes, after checking once that the TPM executes it successfully. */
    static byte[] checked(Tpm tpm, BenchCommand command) {
        byte[] bytes = command.bytes();
        int rc = BenchCommand.responseCode(tpm.execute(bytes, 0));
        if (rc != 0) {
            throw new IllegalStateException(command.label() + " returned 0x" + Integer.toHexString(rc)
                    + " (not implemented or failing): not measured");
        }
        return bytes;
    }

    /** Executes the command once; the response is returned so the work cannot be eliminated. */
    @Benchmark
    public byte[] execute() { return tpm.execute(bytes, 0); }
}
