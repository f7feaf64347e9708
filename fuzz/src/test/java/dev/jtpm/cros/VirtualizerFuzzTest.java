package dev.jtpm.cros;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jtpm.fuzz.FailureWatch;
import dev.jtpm.fuzz.FuzzFrames;
import dev.jtpm.server.OptionException;
import dev.jtpm.server.backend.Backend;
import dev.jtpm.server.backend.BackendSpec;
import dev.jtpm.types.TpmDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * cros-vtpm's gLinux {@link Virtualizer} on raw guest command bytes, in front of jtpm's in-process engine as host: the
 * input is a stream of commands framed by their own size fields, at most 32. One virtualizer serves all inputs (the
 * vSRK, vEK and its certificate are made once, as vtpmd makes them once). Contract: every answer is a well-formed TPM
 * 2.0 response (or the reference's header-only {@code 00C4} answer to a bad tag), none is TPM_RC_FAILURE (what the virtualizer answers for an unexpected exception: the in-process host
 * never fails), the host engine never enters failure mode, and once the guest has flushed every transient object it
 * can list, nothing is left loaded on the host.
 */
class VirtualizerFuzzTest {
    private static Backend host;
    private static Virtualizer vtpm;

    private static synchronized Virtualizer vtpm() {
        if (vtpm == null) {
            try {
                Path dir = Files.createTempDirectory("jtpm-fuzz-cros");
                host = BackendSpec.parse("--backend", "in-process").open();
                vtpm = Virtualizer.gLinux(host, dir.resolve("state"), new Virtualizer.CertSource.LocalCa(dir.resolve("ca")), new byte[0]);
                vtpm.prepare();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (OptionException e) {
                throw new IllegalStateException(e);
            }
        }
        return vtpm;
    }

    @FuzzTest(maxDuration = "60s")
    void commands(byte[] data) throws IOException {
        Virtualizer v = vtpm();
        FailureWatch.reset();
        for (byte[] cmd : FuzzFrames.commands(data, 32)) {
            byte[] rsp = v.execute(cmd);
            FailureWatch.check(FuzzFrames.hex(cmd));
            check(cmd, rsp);
        }
        // the guest flushes what it sees; then the host holds no object
        for (int h : handles(v, 0x80000000)) check(new byte[0], v.execute(command(0x165, h)));
        int left = handles(host, 0x80000000).length;
        for (int s : handles(host, 0x02000000)) host.execute(command(0x165, s), 0);
        for (int s : handles(host, 0x03000000)) host.execute(command(0x165, s), 0);
        FailureWatch.check("the flush after the input");
        if (left != 0) throw new AssertionError(left + " transient objects left on the host after the guest flushed its own");
    }

    private static void check(byte[] cmd, byte[] rsp) {
        if (rsp != null && rsp.length == 10 && rsp[0] == 0 && (rsp[1] & 0xff) == 0xC4 && CommandReader.u32(rsp, 2) == 10) {
            // the reference's answer to a command with a bad tag (RealCommandParser: TPM_ST_RSP_COMMAND, 0x00C4)
            if (CommandReader.u32(rsp, 6) == 0) throw new AssertionError("a 00C4 answer with TPM_RC_SUCCESS to " + FuzzFrames.hex(cmd));
            return;
        }
        FuzzFrames.checkResponse(cmd, rsp);
        if (CommandReader.u32(rsp, 6) == VtpmRc.FAILURE) throw new AssertionError("TPM_RC_FAILURE (an unexpected exception) to " + FuzzFrames.hex(cmd));
    }

    /** A no-session command with one 32-bit parameter. */
    private static byte[] command(int cc, int param) {
        byte[] b = new byte[14];
        b[0] = (byte) 0x80;
        b[1] = 1;
        CommandReader.putU32(b, 2, 14);
        CommandReader.putU32(b, 6, cc);
        CommandReader.putU32(b, 10, param);
        return b;
    }

    /** TPM2_GetCapability(TPM_CAP_HANDLES) from {@code first}, one type. */
    private static int[] handles(TpmDevice tpm, int first) throws IOException {
        byte[] b = new byte[22];
        b[0] = (byte) 0x80;
        b[1] = 1;
        CommandReader.putU32(b, 2, 22);
        CommandReader.putU32(b, 6, 0x17A);
        CommandReader.putU32(b, 10, 1);
        CommandReader.putU32(b, 14, first);
        CommandReader.putU32(b, 18, 64);
        byte[] rsp = tpm.execute(b, 0);
        if (CommandReader.u32(rsp, 6) != 0) throw new AssertionError("GetCapability(handles) failed: " + FuzzFrames.hex(rsp));
        int n = CommandReader.u32(rsp, 15);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int h = CommandReader.u32(rsp, 19 + 4 * i);
            if (h >>> 24 != first >>> 24) return java.util.Arrays.copyOf(out, i);
            out[i] = h;
        }
        return out;
    }
}
