package dev.jtpm.engine.command.symmetric;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.types.command.EncryptDecrypt2;
import dev.jtpm.types.command.EncryptDecryptResponse;

/**
 * TPM2_EncryptDecrypt2 (Part 3, 15.3): {@link EncryptDecryptHandler TPM2_EncryptDecrypt} with inData
 * first so that it can be session-encrypted. Authorization is USER role.
 *
 * <p>Response codes: as TPM2_EncryptDecrypt, with this command's parameter indices: TPM_RC_KEY and
 * TPM_RC_ATTRIBUTES (handle 1); TPM_RC_MODE (parameter 3); TPM_RC_SIZE (parameter 4) for ivIn;
 * TPM_RC_SIZE (parameter 1) for inData.
 */
public final class EncryptDecrypt2Handler implements CommandHandler<EncryptDecrypt2, EncryptDecryptResponse> {
    private static final EncryptDecryptSupport.Indices AT = new EncryptDecryptSupport.Indices(3, 4, 1);

    @Override
    public EncryptDecryptResponse execute(EncryptDecrypt2 cmd, CommandContext ctx) {
        return EncryptDecryptSupport.run(ctx, cmd.keyHandle(), cmd.decrypt(), cmd.mode(), cmd.ivIn(), cmd.inData(), AT);
    }
}
