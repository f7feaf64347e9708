package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the TPM 1.2 pipeline: valid commands of every implemented ordinal (with and without their
 * authorization trailers, against an owned TPM with a loaded key and NV indices) get octets flipped, inserted, removed
 * or truncated. The engine must answer every one with a well-formed response and never enter failure mode.
 */
class Tpm12FuzzTest {
    @Test
    void mutatedCommands_alwaysAnswer_neverFailureMode() throws Exception {
        Tpm12 tpm = new Tpm12(new Platform(NvStore.inMemory(), () -> 0L, new Random(11)));
        tpm.init();
        Tpm12Client c = new Tpm12Client(tpm, new Random(12));
        c.send(Ordinal.Startup, params((short) 1));
        Tpm12Client.Response ek = c.createEndorsementKeyPair();
        RSAPublicKey ekPub = Tpm12Client.pubkey(Arrays.copyOf(ek.body(), ek.body().length - 20));
        byte[] owner = new byte[20];
        assertThat(c.takeOwnership(ekPub, owner, owner).rc()).isZero();
        Tpm12Client.Response sealed = c.seal(owner, owner, new byte[0], new byte[] {1, 2, 3});
        byte[] noPcrs = params((short) 3, new byte[3], (byte) 0x1f, new byte[20]);
        byte[] pubInfo = params((short) 0x18, 5, noPcrs, noPcrs, (short) 0x17, 0x20002, false, false, false, 16);
        c.send(Ordinal.NV_DefineSpace, params(pubInfo, new byte[20]));

        List<byte[]> seeds = new ArrayList<>();
        byte[] trailer = params(0x12345678, new byte[20], true, new byte[20]);
        byte[][] bodies = {params((short) 1), new byte[0], params(0), params(3, new byte[20]), params(6, 0), params(5, 4, 0x108),
                params(1, 4, 0x14), params(8), params(3, new byte[] {1, 2, 3}), params((short) 3, new byte[] {0, 0, 1}),
                params((short) 2, 0x40000001, new byte[20]), params((short) 0x20), params(true), params(new byte[20], Tpm12Client.rsa2048OaepParms()),
                params(0x40000006), params((short) 5, 256, new byte[256], 256, new byte[256], Tpm12Client.srkTemplate()),
                params(0x40000000, sealed.body()), params(0x40000000, new byte[20], 0, 3, new byte[] {1, 2, 3}),
                params(pubInfo, new byte[20]), params(5, 0, 4, new byte[4]), params(5, 0, 4), params(0x40000000, 20, new byte[20]),
                params(0x40000000, new byte[20], new byte[20], Tpm12Client.srkTemplate()), params(0x1234, 1)};
        int[] ordinals = Handlers.table().keySet().stream().mapToInt(Integer::intValue).toArray();
        for (int ord : ordinals) {
            for (byte[] body : bodies) {
                seeds.add(Tpm12Client.command(0xC1, ord, body));
                seeds.add(Tpm12Client.command(0xC2, ord, params(body, trailer)));
                seeds.add(Tpm12Client.command(0xC3, ord, params(body, trailer, trailer)));
            }
        }
        Random rng = new Random(13);
        int sent = 0;
        for (int round = 0; round < 6; round++) {
            for (byte[] seed : seeds) {
                byte[] m = mutate(seed, rng);
                byte[] r = tpm.execute(m, rng.nextInt(5));
                sent++;
                assertThat(r.length).isGreaterThanOrEqualTo(10);
                assertThat(java.nio.ByteBuffer.wrap(r, 2, 4).getInt()).isEqualTo(r.length);
                int rc = java.nio.ByteBuffer.wrap(r, 6, 4).getInt();
                assertThat(rc).as("TPM_FAIL after %s", java.util.HexFormat.of().formatHex(m)).isNotEqualTo(Tpm12Rc.FAIL);
            }
        }
        Tpm12Client.Response result = c.send(Ordinal.GetTestResult, new byte[0]);
        assertThat(new String(result.body(), 4, result.body().length - 4)).as("%d mutated commands", sent).isEqualTo("Shutdown 00000002\n");
    }

    private static byte[] mutate(byte[] seed, Random rng) {
        byte[] m = seed.clone();
        switch (rng.nextInt(5)) {
            case 0 -> m[10 + rng.nextInt(Math.max(1, m.length - 10)) % Math.max(1, m.length - 10) + (m.length > 10 ? 0 : -10)] ^= (byte) (1 << rng.nextInt(8));
            case 1 -> m = Arrays.copyOf(m, Math.max(10, m.length - 1 - rng.nextInt(Math.max(1, m.length - 10))));
            case 2 -> {
                byte[] n = Arrays.copyOf(m, m.length + 1 + rng.nextInt(8));
                rng.nextBytes(Arrays.copyOfRange(n, m.length, n.length));
                m = n;
            }
            case 3 -> {
                if (m.length > 14) {
                    int at = 10 + rng.nextInt(m.length - 13);
                    m[at] = (byte) 0xff;
                    m[at + 1] = (byte) 0xff;
                }
            }
            default -> {
                int at = rng.nextInt(m.length);
                m[at] = (byte) rng.nextInt(256);
            }
        }
        java.nio.ByteBuffer.wrap(m).putInt(2, m.length); // keep the frame consistent so the mutation reaches the handler
        return m;
    }
}
