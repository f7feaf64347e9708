package dev.jtpm.engine.command.symmetric;

import dev.jtpm.crypto.Symmetric;
import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.EncryptDecryptResponse;
import dev.jtpm.types.structure.TpmaObject;
import dev.jtpm.types.structure.TpmsSymcipherParms;
import dev.jtpm.types.structure.TpmtSymDefObject;
import dev.jtpm.types.structure.TpmuSensitiveComposite;
import dev.jtpm.types.structure.TpmuSymMode;

/**
 * The body TPM2_EncryptDecrypt and TPM2_EncryptDecrypt2 share (ms-tpm-20-ref's EncryptDecryptShared),
 * with the parameter indices of the calling command so that each reports its own.
 */
final class EncryptDecryptSupport {
    private EncryptDecryptSupport() {}

    /** Where the parameters sit in the calling command (1-based). */
    record Indices(int mode, int ivIn, int inData) {}

    static EncryptDecryptResponse run(CommandContext ctx, int keyHandle, boolean decrypt, int modeIn, Bytes ivIn,
                                      Bytes inData, Indices at) {
        // input validation
        if (!(ctx.state().objects.get(keyHandle) instanceof TpmObject o) || o.publicArea().type() != TpmAlg.SYMCIPHER) {
            throw new TpmFailure(TpmRc.KEY.atHandle(1));
        }
        TpmaObject a = o.attributes();
        if (a.restricted() || !(decrypt ? a.decrypt() : a.signEncrypt())) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        if (o.publicOnly()) throw new TpmFailure(TpmRc.KEY.atHandle(1));
        TpmtSymDefObject sym = ((TpmsSymcipherParms) o.publicArea().parameters()).sym();
        int mode = sym.mode() instanceof TpmuSymMode.Block b ? b.mode() : TpmAlg.NULL;
        if (mode != TpmAlg.NULL && !Symmetric.isMode(mode)) throw new TpmFailure(TpmRc.MODE.atHandle(1));
        if (mode != TpmAlg.NULL && modeIn != TpmAlg.NULL && mode != modeIn) throw new TpmFailure(TpmRc.MODE.atParameter(at.mode()));
        if (mode == TpmAlg.NULL) mode = modeIn;
        if (mode == TpmAlg.NULL) throw new TpmFailure(TpmRc.MODE.atParameter(at.mode()));
        byte[] key = ((TpmuSensitiveComposite.Sym) o.sensitive().sensitive()).key().toArray();
        int alg = sym.algorithm();
        if (!Symmetric.isSupported(alg, key.length * 8)) throw new TpmFailure(TpmRc.KEY.atHandle(1));
        int blockSize = Symmetric.blockSize(alg);
        if (mode == TpmAlg.ECB ? ivIn.size() != 0 : ivIn.size() != blockSize) throw new TpmFailure(TpmRc.SIZE.atParameter(at.ivIn()));
        if (!Symmetric.sizeAllowed(alg, mode, inData.size())) throw new TpmFailure(TpmRc.SIZE.atParameter(at.inData()));

        // command output
        byte[] iv = mode == TpmAlg.ECB ? new byte[0] : ivIn.unsafeArray();
        Symmetric.Result r = decrypt ? Symmetric.decrypt(alg, key, mode, iv, inData.unsafeArray())
                : Symmetric.encrypt(alg, key, mode, iv, inData.unsafeArray());
        return new EncryptDecryptResponse(r.data(), r.ivOut());
    }
}
