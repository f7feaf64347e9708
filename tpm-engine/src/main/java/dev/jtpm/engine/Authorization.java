package dev.jtpm.engine;

import dev.jtpm.engine.state.PcrAttributes;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.engine.state.TransientObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.codec.TpmReader;
import dev.jtpm.types.codec.TpmWriter;
import dev.jtpm.types.codec.Wire;
import dev.jtpm.types.command.CommandTable;
import java.util.ArrayList;
import java.util.List;

/**
 * The handle and authorization stages of the pipeline (Part 1, 19; Part 3, 5.4–5.6): checks that
 * handles refer to something that exists, parses the authorization area and checks password
 * authorizations (TPM_RS_PW). HMAC and policy sessions come with the session chapter.
 */
final class Authorization {
    private Authorization() {}

    /** MAX_SESSION_NUMBER. */
    static final int MAX_SESSIONS = 3;
    private static final int CONTINUE_SESSION = 0x01;

    /** One entry of the command's authorization area. */
    record Session(int handle, Bytes nonce, int attributes, Bytes hmac) {}

    /** Handle existence (Part 3, 5.4): unknown entities give TPM_RC_HANDLE / VALUE with the handle index. */
    static void checkHandleExists(TpmState s, int handle, int index) {
        switch (TpmHt.of(handle)) {
            case TpmHt.PCR -> {
                if (handle >= PcrAttributes.COUNT) throw new TpmFailure(TpmRc.VALUE.atHandle(index));
            }
            case TpmHt.PERMANENT -> {
                switch (handle) {
                    case TpmRh.OWNER, TpmRh.ENDORSEMENT, TpmRh.PLATFORM, TpmRh.LOCKOUT, TpmRh.NULL -> { }
                    default -> throw new TpmFailure(TpmRc.VALUE.atHandle(index));
                }
            }
            case TpmHt.TRANSIENT -> {
                if (s.objects.get(handle) == null) throw new TpmFailure(TpmRc.HANDLE.atHandle(index));
            }
            default -> throw new TpmFailure(TpmRc.HANDLE.atHandle(index));
        }
    }

    /** Parses the authorization area (authorizationSize, then sessions). */
    static List<Session> parse(TpmReader body) {
        if (body.remaining() < 4) throw new TpmFailure(TpmRc.AUTHSIZE);
        int authSize = body.u32();
        // the smallest session is 9 bytes; the area must fit in what is left
        if (authSize < 9 || authSize > body.remaining()) throw new TpmFailure(TpmRc.AUTHSIZE);
        TpmReader area = body.slice(authSize);
        List<Session> sessions = new ArrayList<>();
        while (area.remaining() > 0) {
            if (sessions.size() == MAX_SESSIONS) throw new TpmFailure(TpmRc.AUTHSIZE);
            int n = sessions.size() + 1;
            try {
                int handle = area.u32();
                Bytes nonce = area.bytes(area.u16());
                int attrs = area.u8();
                Bytes hmac = area.bytes(area.u16());
                sessions.add(new Session(handle, nonce, attrs, hmac));
            } catch (TpmFailure e) {
                throw new TpmFailure(TpmRc.AUTHSIZE);
            }
            if (sessions.get(n - 1).nonce().size() > 64) throw new TpmFailure(TpmRc.SIZE.atSession(n));
        }
        return sessions;
    }

    /** Checks the sessions against the command's authorization roles. */
    static void authorize(TpmState s, CommandTable.Entry entry, int[] handles, List<Session> sessions) {
        List<Integer> authHandles = new ArrayList<>();
        for (int i = 0; i < handles.length; i++) {
            if (entry.authRoles().get(i) != Wire.Auth.NONE) authHandles.add(handles[i]);
        }
        if (sessions.size() < authHandles.size()) throw new TpmFailure(TpmRc.AUTH_MISSING);
        for (int i = 0; i < sessions.size(); i++) {
            Session session = sessions.get(i);
            int n = i + 1;
            if (session.handle() != TpmRh.RS_PW) {
                int ht = TpmHt.of(session.handle());
                if (ht == TpmHt.HMAC_SESSION || ht == TpmHt.POLICY_SESSION) {
                    throw new TpmFailure(new TpmRc(TpmRc.REFERENCE_S0.value() + i));
                }
                throw new TpmFailure(TpmRc.HANDLE.atSession(n));
            }
            if (i >= authHandles.size()) throw new TpmFailure(TpmRc.AUTH_CONTEXT);
            if (!session.nonce().isEmpty()) throw new TpmFailure(TpmRc.NONCE.atSession(n));
            if ((session.attributes() & ~CONTINUE_SESSION) != 0) throw new TpmFailure(TpmRc.ATTRIBUTES.atSession(n));
            Secret expected = authValue(s, authHandles.get(i)).trimTrailingZeros();
            Secret presented = Secret.of(session.hmac()).trimTrailingZeros();
            if (!expected.equals(presented)) throw new TpmFailure(TpmRc.AUTH_FAIL.atSession(n));
        }
    }

    /** The authValue of an entity (Part 1, 19.6). */
    static Secret authValue(TpmState s, int handle) {
        return switch (TpmHt.of(handle)) {
            case TpmHt.PCR -> Secret.EMPTY;
            case TpmHt.PERMANENT -> switch (handle) {
                case TpmRh.OWNER -> s.persistent.ownerAuth;
                case TpmRh.ENDORSEMENT -> s.persistent.endorsementAuth;
                case TpmRh.LOCKOUT -> s.persistent.lockoutAuth;
                case TpmRh.PLATFORM -> s.platformAuth;
                default -> Secret.EMPTY;
            };
            case TpmHt.TRANSIENT -> {
                TransientObject o = s.objects.get(handle);
                yield o == null ? Secret.EMPTY : o.authValue();
            }
            default -> Secret.EMPTY;
        };
    }

    /** The response authorization area for password sessions: empty nonce, attributes, empty hmac. */
    static void writeResponseSessions(TpmWriter w, List<Session> sessions) {
        for (Session s : sessions) {
            w.u16(0).u8(s.attributes() & CONTINUE_SESSION).u16(0);
        }
    }
}
