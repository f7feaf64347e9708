package dev.jtpm.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCap;
import dev.jtpm.types.TpmPt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.CommandBytes;
import dev.jtpm.types.command.CreatePrimary;
import dev.jtpm.types.command.DictionaryAttackParameters;
import dev.jtpm.types.command.EvictControl;
import dev.jtpm.types.command.GetCapability;
import dev.jtpm.types.command.TpmCommand;
import dev.jtpm.types.command.Unseal;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmlTaggedTpmProperty;
import dev.jtpm.types.structure.TpmsKeyedhashParms;
import dev.jtpm.types.structure.TpmsSensitiveCreate;
import dev.jtpm.types.structure.TpmtKeyedhashScheme;
import dev.jtpm.types.structure.TpmtPublic;
import dev.jtpm.tss.SwtpmSocketTransport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Dictionary-attack state across process deaths: the real {@code jtpm socket} process is driven into lockout with
 * wrong passwords on a DA-protected persistent object, then killed with SIGKILL (or stopped without a
 * TPM2_Shutdown) and started again on the same state directory: the lockout still holds and failedTries
 * (TPM_PT_LOCKOUT_COUNTER) has not gone backwards (a non-orderly start may count one more failure, Part 1, 19.8.6).
 */
class DictionaryAttackAcrossKillsTest {
    private static final int SEALED = 0x81000010;
    private static final Bytes PASSWORD = Bytes.wrap("right".getBytes(StandardCharsets.US_ASCII));
    private static final Bytes WRONG = Bytes.wrap("wrong".getBytes(StandardCharsets.US_ASCII));

    /** A server on {@code dir}, its transport, and how it is stopped. */
    private record Server(Process process, SwtpmSocketTransport tpm) implements AutoCloseable {
        static Server start(Path dir) throws Exception {
            int port = FreePorts.pair();
            Process p = CrashSafetyTest.startServer(dir, port);
            CrashSafetyTest.awaitPort(port, p);
            return new Server(p, SwtpmSocketTransport.tcp("127.0.0.1", port));
        }

        <R extends Record, C extends Record & TpmCommand<R>> CommandBytes.Result<R> run(C cmd, Bytes... passwords)
                throws Exception {
            byte[] bytes = passwords.length == 0 ? CommandBytes.encode(cmd) : CommandBytes.encode(cmd, List.of(passwords));
            return CommandBytes.decode(cmd, tpm.execute(bytes, 0));
        }

        int failedTries() throws Exception {
            var r = run(new GetCapability(TpmCap.TPM_PROPERTIES, TpmPt.LOCKOUT_COUNTER, 1)).orThrow();
            var p = ((TpmlTaggedTpmProperty) r.capabilityData().data()).tpmProperty().get(0);
            assertThat(p.property()).isEqualTo(TpmPt.LOCKOUT_COUNTER);
            return p.value();
        }

        TpmRc unseal(Bytes password) throws Exception { return run(new Unseal(SEALED), password).rc(); }

        /** SIGKILL. */
        void kill() throws Exception {
            tpm.close();
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** SIGTERM: the process ends its own way, but no TPM2_Shutdown was sent. */
        void stop() throws Exception {
            tpm.close();
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        }

        @Override
        public void close() throws Exception {
            tpm.close();
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A fresh state directory with a DA-protected sealed object at {@link #SEALED}, locked out. Returns failedTries. */
    private static int lockOut(Server s) throws Exception {
        // maxTries 3, and a recovery time long enough that self-healing plays no part
        s.run(new DictionaryAttackParameters(TpmRh.LOCKOUT, 3, 86_400, 86_400), Bytes.EMPTY).orThrow();
        TpmtPublic sealed = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                TpmaObject.USER_WITH_AUTH), Bytes.EMPTY, new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL));
        int h = s.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.of(PASSWORD), Secret.of(new byte[] {42})),
                sealed, Bytes.EMPTY, new TpmlPcrSelection(List.of())), Bytes.EMPTY).orThrow().objectHandle();
        s.run(new EvictControl(TpmRh.OWNER, h, SEALED), Bytes.EMPTY).orThrow();
        assertThat(s.unseal(PASSWORD)).isEqualTo(TpmRc.SUCCESS);
        for (int i = 0; i < 3; i++) assertThat(s.unseal(WRONG)).isEqualTo(TpmRc.AUTH_FAIL.atSession(1));
        assertThat(s.unseal(PASSWORD)).isEqualTo(TpmRc.LOCKOUT);
        int tries = s.failedTries();
        assertThat(tries).isEqualTo(3);
        return tries;
    }

    private static void assertStillLockedOut(Path dir, int before) throws Exception {
        try (Server s = Server.start(dir)) {
            assertThat(s.failedTries()).isGreaterThanOrEqualTo(before);
            assertThat(s.unseal(PASSWORD)).isEqualTo(TpmRc.LOCKOUT);
            assertThat(s.unseal(WRONG)).isEqualTo(TpmRc.LOCKOUT);
            assertThat(s.failedTries()).isGreaterThanOrEqualTo(before);
        }
    }

    @Test
    void sigkill_afterLockout_lockoutHoldsAndFailedTriesDoNotGoBack() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-da-kill");
        int tries;
        Server s = Server.start(dir);
        try {
            tries = lockOut(s);
        } finally {
            s.kill();
        }
        assertStillLockedOut(dir, tries);
        assertStillLockedOut(dir, tries);        // and again: a second unclean start loses nothing either
    }

    @Test
    void sigkill_betweenWrongPasswords_keepsEachFailure() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-da-kill-mid");
        Server s = Server.start(dir);
        try {
            s.run(new DictionaryAttackParameters(TpmRh.LOCKOUT, 3, 86_400, 86_400), Bytes.EMPTY).orThrow();
            TpmtPublic sealed = TpmtPublic.of(TpmAlg.SHA256, TpmaObject.of(TpmaObject.FIXED_TPM, TpmaObject.FIXED_PARENT,
                    TpmaObject.USER_WITH_AUTH), Bytes.EMPTY, new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL));
            int h = s.run(new CreatePrimary(TpmRh.OWNER, new TpmsSensitiveCreate(Secret.of(PASSWORD), Secret.of(new byte[] {1})),
                    sealed, Bytes.EMPTY, new TpmlPcrSelection(List.of())), Bytes.EMPTY).orThrow().objectHandle();
            s.run(new EvictControl(TpmRh.OWNER, h, SEALED), Bytes.EMPTY).orThrow();
            assertThat(s.unseal(WRONG)).isEqualTo(TpmRc.AUTH_FAIL.atSession(1));
            assertThat(s.failedTries()).isEqualTo(1);
        } finally {
            s.kill();
        }
        int tries;
        try (Server again = Server.start(dir)) {
            tries = again.failedTries();
            assertThat(tries).isGreaterThanOrEqualTo(1);
            while (again.unseal(WRONG).equals(TpmRc.AUTH_FAIL.atSession(1))) {
                assertThat(again.failedTries()).isLessThanOrEqualTo(3);
            }
            tries = again.failedTries();
            assertThat(tries).isEqualTo(3);
            again.kill();
        }
        assertStillLockedOut(dir, tries);
    }

    @Test
    void stopWithoutShutdown_afterLockout_lockoutHoldsAndFailedTriesDoNotGoBack() throws Exception {
        Path dir = Files.createTempDirectory("jtpm-da-stop");
        int tries;
        Server s = Server.start(dir);
        try {
            tries = lockOut(s);
        } finally {
            s.stop();
        }
        assertStillLockedOut(dir, tries);
    }
}
