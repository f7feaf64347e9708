package dev.jtpm.engine.command.policy;

import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.structure.TpmtTkAuth;
import java.nio.ByteBuffer;

/**
 * What the authorizing policy commands (PolicySigned, PolicySecret, PolicyTicket) share beyond
 * {@link PolicySupport}: the hierarchy of the authorizing entity (ms-tpm's EntityGetHierarchy), the
 * TPM-specific TPM2B_TIMEOUT format and the TPMT_TK_AUTH they hand out.
 *
 * <p>TPM2B_TIMEOUT, as in ms-tpm and libtpms: the expiration in TPM time (ms) as a UINT64 whose most
 * significant bit says that the ticket expires on TPM Reset (the authorization carried no nonceTPM). The
 * ticket's HMAC covers the value without that bit, and the bit itself as the reset count.
 */
final class PolicyAuthSupport {
    private PolicyAuthSupport() {}

    /** The flag in a TPM2B_TIMEOUT: the ticket does not survive a TPM Reset. */
    static final long EXPIRATION_BIT = 1L << 63;

    /** A TPM2B_TIMEOUT and a TPMT_TK_AUTH: the output of PolicySigned and PolicySecret. */
    record TicketOutput(Bytes timeout, TpmtTkAuth ticket) {}

    /**
     * ms-tpm's EntityGetHierarchy: a hierarchy handle is itself, other permanent handles (owner, lockout)
     * and PCRs belong to the owner; an object to the hierarchy it was created or loaded in (TPM_RH_NULL
     * for the NULL hierarchy). NV indices are owner's; a PLATFORMCREATE index would be the platform's,
     * which matters once NV indices exist.
     */
    static int entityHierarchy(TpmState s, int handle) {
        return switch (TpmHt.of(handle)) {
            case TpmHt.PERMANENT -> handle == TpmRh.PLATFORM || handle == TpmRh.ENDORSEMENT || handle == TpmRh.NULL
                    ? handle : TpmRh.OWNER;
            case TpmHt.TRANSIENT, TpmHt.PERSISTENT ->
                    s.objects.get(handle) instanceof TpmObject o ? o.hierarchy() : TpmRh.NULL;
            default -> TpmRh.OWNER;
        };
    }

    /**
     * The command output of PolicySigned and PolicySecret: for {@code expiration < 0} outside a trial
     * session, a ticket in {@code hierarchy} for {@code authTimeout} (expiring on TPM Reset when there was no
     * nonce) and its TPM2B_TIMEOUT; else an empty timeout and the NULL ticket with {@code tag}.
     */
    static TicketOutput ticket(TpmState s, AuthSession session, int tag, int hierarchy, int expiration,
                               long authTimeout, Bytes nonceTpm, Bytes cpHashA, Bytes policyRef, Bytes entityName) {
        if (expiration >= 0 || session.isTrial()) {
            return new TicketOutput(Bytes.EMPTY, new TpmtTkAuth(tag, TpmRh.NULL, Bytes.EMPTY));
        }
        boolean expiresOnReset = nonceTpm.isEmpty();
        long timeout = authTimeout & ~EXPIRATION_BIT;
        Bytes digest = Tickets.auth(s, tag, hierarchy, timeout, expiresOnReset, cpHashA, policyRef, entityName);
        long flagged = expiresOnReset ? timeout | EXPIRATION_BIT : timeout;
        return new TicketOutput(Bytes.wrap(ByteBuffer.allocate(8).putLong(flagged).array()),
                new TpmtTkAuth(tag, hierarchy, digest));
    }
}
