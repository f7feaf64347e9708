package dev.jtpm.engine.command.symmetric;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.EncryptDecrypt;
import dev.jtpm.types.command.EncryptDecryptResponse;

/**
 * TPM2_EncryptDecrypt (Part 3, 15.2): encrypts or decrypts inData with an unrestricted symmetric
 * cipher object. Authorization is USER role. The mode is the key's, or the command's when the key's is
 * TPM_ALG_NULL; ivIn is one block (empty for ECB); ivOut chains the next call (tpm-crypto's
 * {@code Symmetric}: last ciphertext block for CBC and CFB, last key stream block for OFB, next
 * counter for CTR, empty for ECB). No padding is added.
 *
 * <p>Response codes: TPM_RC_KEY (handle 1) for an object that is not a symmetric cipher key (or has no
 * private part); TPM_RC_ATTRIBUTES (handle 1) when restricted is set, or decrypt is clear for a
 * decryption, or sign is clear for an encryption; TPM_RC_MODE (parameter 2) when the key's mode is set
 * and differs from a non-NULL mode, or both are TPM_ALG_NULL; TPM_RC_SIZE (parameter 3) when ivIn is
 * not one block (or not empty for ECB); TPM_RC_SIZE (parameter 4) when inData is not whole blocks for
 * CBC or ECB. Codec: TPM_RC_MODE (parameter 2) for a mode that is not implemented.
 */
public final class EncryptDecryptHandler implements CommandHandler<EncryptDecrypt, EncryptDecryptResponse> {
    private static final EncryptDecryptSupport.Indices AT = new EncryptDecryptSupport.Indices(2, 3, 4);

    @Override
    public EncryptDecryptResponse execute(EncryptDecrypt cmd, CommandContext ctx) {
        return EncryptDecryptSupport.run(ctx, cmd.keyHandle(), cmd.decrypt(), cmd.mode(), cmd.ivIn(), cmd.inData(), AT);
    }
}
