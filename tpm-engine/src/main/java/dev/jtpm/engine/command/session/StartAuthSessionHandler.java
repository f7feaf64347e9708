package dev.jtpm.engine.command.session;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.crypto.Kdf;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.AuthValues;
import dev.jtpm.engine.session.Names;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSe;
import dev.jtpm.types.command.StartAuthSession;
import dev.jtpm.types.command.StartAuthSessionResponse;

/**
 * TPM2_StartAuthSession (Part 3, 11.1): starts an HMAC, policy or trial session. A bound session
 * derives its key with KDFa(authHash, bindAuth || salt, "ATH", nonceTPM, nonceCaller); an unbound,
 * unsalted one has an empty key. Salted sessions need a decryption key, which this TPM cannot load
 * yet.
 *
 * <p>Response codes: TPM_RC_KEY (handle 1) when tpmKey is not a decryption key; TPM_RC_SIZE
 * (parameter 1) for a nonceCaller shorter than 16 octets; TPM_RC_VALUE (parameter 2) for a salt
 * without tpmKey; TPM_RC_VALUE (parameter 3) for an unknown sessionType; TPM_RC_MODE (parameter 4)
 * for a block cipher not in CFB mode; TPM_RC_SYMMETRIC (parameter 4) and TPM_RC_HASH (parameter 5)
 * by the codec; TPM_RC_SESSION_MEMORY when every
 * session slot is taken.
 */
public final class StartAuthSessionHandler implements CommandHandler<StartAuthSession, StartAuthSessionResponse> {

    @Override
    public StartAuthSessionResponse execute(StartAuthSession cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        if (cmd.tpmKey() != TpmRh.NULL) throw new TpmFailure(TpmRc.KEY.atHandle(1));
        if (cmd.nonceCaller().size() < 16) throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        if (!cmd.encryptedSalt().isEmpty()) throw new TpmFailure(TpmRc.VALUE.atParameter(2));
        int type = cmd.sessionType();
        if (type != TpmSe.HMAC && type != TpmSe.POLICY && type != TpmSe.TRIAL) {
            throw new TpmFailure(TpmRc.VALUE.atParameter(3));
        }

        var sym = cmd.symmetric();
        if (sym.algorithm() != TpmAlg.NULL && sym.algorithm() != TpmAlg.XOR
                && !(sym.mode() instanceof dev.jtpm.types.structure.TpmuSymMode.Block b && b.mode() == TpmAlg.CFB)) {
            throw new TpmFailure(TpmRc.MODE.atParameter(4));      // session encryption is CFB only
        }
        int hash = cmd.authHash();
        int digestSize = TpmAlg.digestSize(hash);
        Bytes nonceTpm = ctx.random(digestSize);
        Secret key = Secret.EMPTY;
        Bytes boundName = null;
        if (cmd.bind() != TpmRh.NULL) {
            byte[] bindAuth = AuthValues.of(s, cmd.bind()).trimTrailingZeros().toArray();
            key = Secret.of(Kdf.kdfa(hash, bindAuth, "ATH", nonceTpm.unsafeArray(), cmd.nonceCaller().unsafeArray(), digestSize * 8));
            boundName = Names.of(s, cmd.bind());
        }
        AuthSession session = new AuthSession(type, hash, key, boundName, nonceTpm, cmd.nonceCaller());
        if (boundName != null) session.boundAuth(AuthValues.of(s, cmd.bind()).trimTrailingZeros());
        switch (sym.keyBits()) {
            case dev.jtpm.types.structure.TpmuSymKeyBits.Aes a -> session.symmetric(sym.algorithm(), a.keyBits());
            case dev.jtpm.types.structure.TpmuSymKeyBits.Camellia c -> session.symmetric(sym.algorithm(), c.keyBits());
            case dev.jtpm.types.structure.TpmuSymKeyBits.Tdes d -> session.symmetric(sym.algorithm(), d.keyBits());
            case dev.jtpm.types.structure.TpmuSymKeyBits.Sm4 m -> session.symmetric(sym.algorithm(), m.keyBits());
            case dev.jtpm.types.structure.TpmuSymKeyBits.Xor x -> session.symmetric(sym.algorithm(), x.hashAlg());
            default -> { }
        }
        int handle = s.sessions.add(session);
        return new StartAuthSessionResponse(handle, nonceTpm);
    }
}
