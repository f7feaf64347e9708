package dev.jtpm.engine.command.hash;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.engine.state.PcrBanks;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.command.Hash;
import dev.jtpm.types.command.HashResponse;

/**
 * TPM2_Hash (Part 3, 15.4): the digest of {@code data} with {@code hashAlg}, and a
 * TPMT_TK_HASHCHECK ticket (Part 2, 10.7.6) saying that the TPM computed it. The ticket is the
 * NULL ticket when {@code hierarchy} is TPM_RH_NULL, or when {@code data} begins with
 * TPM_GENERATED_VALUE (so that a ticket can never vouch for a forged attestation structure);
 * otherwise it is an HMAC with the hierarchy's proof (see {@link Tickets}).
 *
 * <p>Response codes (from unmarshalling, before the handler runs):
 * <ul>
 *   <li>TPM_RC_SIZE (parameter 1): {@code data} longer than MAX_DIGEST_BUFFER (1024);</li>
 *   <li>TPM_RC_HASH (parameter 2): {@code hashAlg} is not an implemented hash;</li>
 *   <li>TPM_RC_VALUE (parameter 3): {@code hierarchy} is not a hierarchy or TPM_RH_NULL.</li>
 * </ul>
 */
public final class HashHandler implements CommandHandler<Hash, HashResponse> {

    @Override
    public HashResponse execute(Hash cmd, CommandContext ctx) {
        // command output
        Bytes outHash = Bytes.wrap(PcrBanks.digest(cmd.hashAlg()).digest(cmd.data().unsafeArray()));
        boolean safe = !Tickets.startsWithTpmGenerated(cmd.data().unsafeArray());
        return new HashResponse(outHash, HashSupport.ticket(ctx.state(), cmd.hierarchy(), cmd.hashAlg(), outHash, safe));
    }
}
