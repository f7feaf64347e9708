package dev.jtpm.engine.command.session;

import dev.jtpm.crypto.Kdf;
import dev.jtpm.crypto.SecretSharing;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.crypto.Signatures;
import dev.jtpm.engine.session.AuthSession;
import dev.jtpm.engine.session.AuthValues;
import dev.jtpm.engine.session.DictionaryAttack;
import dev.jtpm.engine.session.Names;
import dev.jtpm.engine.state.HashSequence;
import dev.jtpm.engine.state.TpmObject;
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
import dev.jtpm.types.structure.TpmsRsaParms;
import dev.jtpm.types.structure.TpmuAsymScheme;
import dev.jtpm.types.structure.TpmuSymKeyBits;
import dev.jtpm.types.structure.TpmuSymMode;
import java.util.Optional;

/**
 * TPM2_StartAuthSession (Part 3, 11.1): starts an HMAC, policy or trial session, salted (tpmKey: an RSA
 * key decrypts the salt with OAEP and the label "SECRET", an ECC key recovers it with ECDH and KDFe), bound
 * (bind), both or neither. sessionKey = KDFa(authHash, bindAuth || salt, "ATH", nonceTPM, nonceCaller,
 * digest size), empty when neither; nonceTPM has the size of nonceCaller (ms-tpm's SessionCreate). An HMAC
 * session bound to an entity remembers its Name and authValue; a bind entity that is DA-protected makes
 * the session DA-bound (lockoutAuth: lockout-bound).
 *
 * <p>Response codes, in ms-tpm's order: TPM_RC_SIZE (parameter 1) for a nonceCaller shorter than 16 octets
 * or longer than the authHash digest; TPM_RC_KEY (handle 1) when tpmKey is not an RSA or ECC key;
 * TPM_RC_VALUE (parameter 2) for an empty salt with a tpmKey, a salt without one, or a salt that does not
 * decrypt; TPM_RC_HANDLE (handle 1) for a public-only tpmKey; TPM_RC_ATTRIBUTES (handle 1) when tpmKey lacks
 * decrypt; TPM_RC_HANDLE (handle 2) for a public-only bind object; TPM_RC_VALUE (parameter 3) for an unknown
 * sessionType; TPM_RC_MODE (parameter 4) for a block cipher not in CFB mode; TPM_RC_SYMMETRIC (parameter 4)
 * and TPM_RC_HASH (parameter 5) by the codec; TPM_RC_SESSION_MEMORY when every session slot is taken.
 */
public final class StartAuthSessionHandler implements CommandHandler<StartAuthSession, StartAuthSessionResponse> {
    /** The label of a session salt (Part 1, 11.4.10.2: "SECRET"). */
    static final String SECRET_LABEL = "SECRET";

    @Override
    public StartAuthSessionResponse execute(StartAuthSession cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        int hash = cmd.authHash();
        int digestSize = TpmAlg.digestSize(hash);
        if (cmd.nonceCaller().size() < 16 || cmd.nonceCaller().size() > digestSize) {
            throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        }
        Secret salt = Secret.EMPTY;
        if (cmd.tpmKey() != TpmRh.NULL) {
            if (!(s.objects.get(cmd.tpmKey()) instanceof TpmObject key)
                    || key.publicArea().type() != TpmAlg.RSA && key.publicArea().type() != TpmAlg.ECC) {
                throw new TpmFailure(TpmRc.KEY.atHandle(1));
            }
            if (cmd.encryptedSalt().isEmpty()) throw new TpmFailure(TpmRc.VALUE.atParameter(2));
            if (key.publicOnly()) throw new TpmFailure(TpmRc.HANDLE.atHandle(1));
            if (!key.attributes().decrypt()) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
            salt = decryptSalt(key, cmd.encryptedSalt()).orElseThrow(() -> new TpmFailure(TpmRc.VALUE.atParameter(2)));
        } else if (!cmd.encryptedSalt().isEmpty()) {
            throw new TpmFailure(TpmRc.VALUE.atParameter(2));
        }
        if (cmd.bind() != TpmRh.NULL && s.objects.get(cmd.bind()) instanceof TpmObject b && b.publicOnly()) {
            throw new TpmFailure(TpmRc.HANDLE.atHandle(2));
        }
        int type = cmd.sessionType();
        if (type != TpmSe.HMAC && type != TpmSe.POLICY && type != TpmSe.TRIAL) {
            throw new TpmFailure(TpmRc.VALUE.atParameter(3));
        }
        var sym = cmd.symmetric();
        if (sym.algorithm() != TpmAlg.NULL && sym.algorithm() != TpmAlg.XOR
                && !(sym.mode() instanceof TpmuSymMode.Block m && m.mode() == TpmAlg.CFB)) {
            throw new TpmFailure(TpmRc.MODE.atParameter(4));      // session encryption is CFB only
        }

        Bytes nonceTpm = ctx.random(cmd.nonceCaller().size());
        Secret key = Secret.EMPTY;
        Secret bindAuth = cmd.bind() == TpmRh.NULL ? Secret.EMPTY : AuthValues.of(s, cmd.bind()).trimTrailingZeros();
        if (cmd.bind() != TpmRh.NULL || !salt.isEmpty()) {
            byte[] secret = concat(bindAuth.toArray(), salt.toArray());
            key = Secret.of(Kdf.kdfa(hash, secret, "ATH", nonceTpm.unsafeArray(), cmd.nonceCaller().unsafeArray(),
                    digestSize * 8));
        }
        Bytes boundName = cmd.bind() != TpmRh.NULL && type == TpmSe.HMAC ? Names.of(s, cmd.bind()) : null;
        AuthSession session = new AuthSession(type, hash, key, boundName, nonceTpm, cmd.nonceCaller());
        if (boundName != null) session.boundAuth(bindAuth);
        boolean daBound = cmd.bind() != TpmRh.NULL && !DictionaryAttack.isExempt(s, cmd.bind());
        session.bindAttributes(daBound, daBound && cmd.bind() == TpmRh.LOCKOUT);
        session.salted(!salt.isEmpty());
        session.startTime(s.time());
        switch (sym.keyBits()) {
            case TpmuSymKeyBits.Aes a -> session.symmetric(sym.algorithm(), a.keyBits());
            case TpmuSymKeyBits.Camellia c -> session.symmetric(sym.algorithm(), c.keyBits());
            case TpmuSymKeyBits.Tdes d -> session.symmetric(sym.algorithm(), d.keyBits());
            case TpmuSymKeyBits.Sm4 m -> session.symmetric(sym.algorithm(), m.keyBits());
            case TpmuSymKeyBits.Xor x -> session.symmetric(sym.algorithm(), x.hashAlg());
            default -> { }
        }
        int handle = s.sessions.add(session);
        return new StartAuthSessionResponse(handle, nonceTpm);
    }

    /**
     * ms-tpm's CryptSecretDecrypt for an asymmetric key: RSA with the key's OAEP hash (its nameAlg when the
     * key has no scheme; any other scheme fails), the salt no longer than that digest; ECC with the point
     * marshalled as TPMS_ECC_POINT and KDFe over the key's nameAlg.
     */
    static Optional<Secret> decryptSalt(TpmObject key, Bytes encryptedSalt) {
        if (key.publicArea().type() == TpmAlg.RSA) {
            var scheme = ((TpmsRsaParms) key.publicArea().parameters()).scheme();
            int oaepHash;
            if (scheme.scheme() == TpmAlg.NULL) oaepHash = key.publicArea().nameAlg();
            else if (scheme.scheme() == TpmAlg.OAEP && scheme.details() instanceof TpmuAsymScheme.Hash h) oaepHash = h.hashAlg();
            else return Optional.empty();
            return SecretSharing.rsaDecrypt(Signatures.rsaKey(key), oaepHash, SECRET_LABEL, encryptedSalt.unsafeArray())
                    .filter(v -> v.size() <= TpmAlg.digestSize(oaepHash));
        }
        return SecretSharing.eccDecapsulate(key.publicArea().nameAlg(), Signatures.eccKey(key), SECRET_LABEL,
                encryptedSalt.unsafeArray());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
