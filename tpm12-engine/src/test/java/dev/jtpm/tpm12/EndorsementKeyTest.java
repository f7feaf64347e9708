package dev.jtpm.tpm12;

import static dev.jtpm.tpm12.Tpm12Client.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.platform.NvStore;
import dev.jtpm.engine.platform.Platform;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * TPM_CreateEndorsementKeyPair takes only the algorithm, size and encryption scheme from keyInfo: the EK's sigScheme
 * is TPM_SS_NONE whatever the caller asked (libtpms sets it so; TrouSerS' tpm_createek asks for
 * TPM_SS_RSASSAPKCS1v15_SHA1, and the Linux kernel's sysfs {@code pubek} showed "Sigscheme: 00 02" on jtpm, "00 01" on
 * swtpm — found by Tpm12GuestTest).
 */
class EndorsementKeyTest {
    private static final int SIG_SCHEME_AT = 4 + 2;   // TPM_KEY_PARMS: algorithmID, encScheme, sigScheme

    private static int sigScheme(byte[] tpmPubkey) {
        return (tpmPubkey[SIG_SCHEME_AT] & 0xff) << 8 | tpmPubkey[SIG_SCHEME_AT + 1] & 0xff;
    }

    @Test
    void createEndorsementKeyPair_signatureSchemeAsked_isNoneInTheEk() throws Exception {
        Tpm12 tpm = new Tpm12(new Platform(NvStore.inMemory(), () -> 0L, new Random(1), () -> false));
        assertThat(tpm.init()).isTrue();
        Tpm12Client client = new Tpm12Client(tpm, new Random(2));
        assertThat(client.send(Ordinal.Startup, params((short) 1)).rc()).isZero();
        byte[] rsa = params(2048, 2, 0);
        byte[] keyInfo = params(Key12.ALG_RSA, (short) Key12.ES_RSAESOAEP_SHA1_MGF1, (short) Key12.SS_RSASSAPKCS1v15_SHA1,
                rsa.length, rsa);

        Tpm12Client.Response created = client.send(Ordinal.CreateEndorsementKeyPair, params(new byte[20], keyInfo));
        Tpm12Client.Response read = client.send(Ordinal.ReadPubek, params(new byte[20]));

        assertThat(created.rc()).isZero();
        assertThat(sigScheme(created.body())).as("TPM_PUBKEY of CreateEndorsementKeyPair").isEqualTo(Key12.SS_NONE);
        assertThat(read.rc()).isZero();
        assertThat(sigScheme(read.body())).as("TPM_PUBKEY of ReadPubek").isEqualTo(Key12.SS_NONE);
    }
}
