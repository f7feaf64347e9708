package dev.jtpm.engine.command.capability;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.TestParms;

/**
 * TPM2_TestParms (Part 3, 30.3): succeeds for parameters the TPM can use. As in ms-tpm-20-ref, all
 * checking happens while the TPMT_PUBLIC_PARMS is unmarshalled: the TPMI_* checks of the codec
 * accept only what {@link dev.jtpm.types.Algorithms} lists, so the handler has nothing left to do.
 * Symmetric definitions pass with libtpms' key sizes (AES and Camellia 128/256, TDES 128/192) and any
 * mode, CMAC included (which suits symcipher signing keys: TPM2_MAC); KDF schemes (ECC kdf, XOR kdf) pass
 * for MGF1, KDF1_SP800_56A, KDF2 and KDF1_SP800_108 with an implemented hash, as on swtpm, although
 * objects take only what TPM2_Create's scheme checks allow.
 *
 * <p>Response codes, all on parameter 1 and in the order the fields arrive: TPM_RC_TYPE (type not
 * implemented); TPM_RC_SYMMETRIC (cipher not implemented, XOR, or none for a SYMCIPHER object);
 * TPM_RC_MODE (mode not implemented); TPM_RC_VALUE (key size, RSA scheme or keyed-hash scheme not
 * implemented); TPM_RC_SCHEME (ECC scheme); TPM_RC_CURVE (curve); TPM_RC_KDF (KDF); TPM_RC_HASH
 * (a scheme's hash); TPM_RC_INSUFFICIENT (too few octets); and TPM_RC_SIZE (no index) for octets
 * left over.
 */
public final class TestParmsHandler implements CommandHandler<TestParms, EmptyResponse> {

    @Override
    public EmptyResponse execute(TestParms cmd, CommandContext ctx) {
        return EmptyResponse.INSTANCE;
    }
}
