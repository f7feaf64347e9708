package dev.jtpm.engine.command.nv;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.NvIndex;
import dev.jtpm.engine.state.NvIndices;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.*;
import dev.jtpm.types.structure.TpmaNv;
import dev.jtpm.types.Secret;
import dev.jtpm.types.structure.TpmsNvPublic;

/**
 * TPM2_NV_DefineSpace (Part 3, 31.3): defines an NV index, with ms-tpm's checks in its order.
 *
 * <p>Response codes:
 * <ul>
 *   <li>TPM_RC_SIZE (parameter 2): authPolicy neither empty nor of the nameAlg's size; an ordinary index over
 *       MAX_NV_INDEX_SIZE, an extend index not of the digest size, any other type not 8 octets; WRITEALL with more
 *       than MAX_NV_BUFFER_SIZE. (Over MAX_NV_INDEX_SIZE while unmarshalling already.)</li>
 *   <li>TPM_RC_SIZE (parameter 1): auth, without trailing zeros, longer than the nameAlg's digest</li>
 *   <li>TPM_RC_HIERARCHY (handle 1): the platform defines while phEnableNV is CLEAR</li>
 *   <li>TPM_RC_ATTRIBUTES (parameter 2): an unknown TPM_NT; a counter with CLEAR_STCLEAR; a PIN Fail index without
 *       NO_DA; a PIN index with AUTHWRITE, GLOBALLOCK or WRITEDEFINE; WRITTEN, WRITELOCKED or READLOCKED SET; no
 *       way to read or to write; CLEAR_STCLEAR with WRITEDEFINE; POLICY_DELETE without the platform</li>
 *   <li>TPM_RC_ATTRIBUTES (handle 1): PLATFORMCREATE by the owner, or its absence by the platform</li>
 *   <li>TPM_RC_NV_DEFINED: the handle is taken</li>
 *   <li>TPM_RC_NV_SPACE: no room (see {@link NvIndices})</li>
 * </ul>
 */
public final class NvDefineSpaceHandler implements CommandHandler<NvDefineSpace, EmptyResponse> {

    @Override
    public EmptyResponse execute(NvDefineSpace cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        TpmsNvPublic pub = cmd.publicInfo();
        int a = pub.attributes();
        int nameSize = NvSupport.digestSize(pub.nameAlg());
        TpmRc publicInfo = TpmRc.ATTRIBUTES.atParameter(2);

        // input validation
        if (!pub.authPolicy().isEmpty() && pub.authPolicy().size() != nameSize) throw new TpmFailure(TpmRc.SIZE.atParameter(2));
        Secret auth = cmd.auth().trimTrailingZeros();
        if (auth.size() > nameSize) throw new TpmFailure(TpmRc.SIZE.atParameter(1));
        if (cmd.authHandle() == TpmRh.PLATFORM && !s.stateClear.phEnableNV()) throw new TpmFailure(TpmRc.HIERARCHY.atHandle(1));
        int type = TpmaNv.type(a);
        switch (type) {
            case TpmaNv.NT_ORDINARY, TpmaNv.NT_COUNTER, TpmaNv.NT_BITS, TpmaNv.NT_EXTEND, TpmaNv.NT_PIN_FAIL,
                 TpmaNv.NT_PIN_PASS -> { }
            default -> throw new TpmFailure(publicInfo);
        }
        boolean sizeOk = switch (type) {
            case TpmaNv.NT_ORDINARY -> pub.dataSize() <= TpmaNv.MAX_NV_INDEX_SIZE;
            case TpmaNv.NT_EXTEND -> pub.dataSize() == nameSize;
            default -> pub.dataSize() == 8;
        };
        if (!sizeOk) throw new TpmFailure(TpmRc.SIZE.atParameter(2));
        switch (type) {
            case TpmaNv.NT_COUNTER -> { if (has(a, TpmaNv.CLEAR_STCLEAR)) throw new TpmFailure(publicInfo); }
            case TpmaNv.NT_PIN_FAIL, TpmaNv.NT_PIN_PASS -> {
                if (type == TpmaNv.NT_PIN_FAIL && !has(a, TpmaNv.NO_DA)) throw new TpmFailure(publicInfo);
                if (has(a, TpmaNv.AUTHWRITE) || has(a, TpmaNv.GLOBALLOCK) || has(a, TpmaNv.WRITEDEFINE)) {
                    throw new TpmFailure(publicInfo);
                }
            }
            default -> { }
        }
        if (has(a, TpmaNv.WRITTEN) || has(a, TpmaNv.WRITELOCKED) || has(a, TpmaNv.READLOCKED)) throw new TpmFailure(publicInfo);
        if ((a & (TpmaNv.OWNERREAD | TpmaNv.PPREAD | TpmaNv.AUTHREAD | TpmaNv.POLICYREAD)) == 0) throw new TpmFailure(publicInfo);
        if ((a & (TpmaNv.OWNERWRITE | TpmaNv.PPWRITE | TpmaNv.AUTHWRITE | TpmaNv.POLICYWRITE)) == 0) {
            throw new TpmFailure(publicInfo);
        }
        if (has(a, TpmaNv.CLEAR_STCLEAR) && has(a, TpmaNv.WRITEDEFINE)) throw new TpmFailure(publicInfo);
        boolean platformCreate = has(a, TpmaNv.PLATFORMCREATE);
        if (platformCreate && cmd.authHandle() == TpmRh.OWNER || !platformCreate && cmd.authHandle() == TpmRh.PLATFORM) {
            throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(1));
        }
        if (has(a, TpmaNv.POLICY_DELETE) && cmd.authHandle() != TpmRh.PLATFORM) throw new TpmFailure(publicInfo);
        if (pub.dataSize() > TpmaNv.MAX_NV_BUFFER_SIZE && has(a, TpmaNv.WRITEALL)) throw new TpmFailure(TpmRc.SIZE.atParameter(2));
        if (NvIndices.get(s, pub.nvIndex()) != null) throw new TpmFailure(TpmRc.NV_DEFINED);

        // internal data update
        NvIndices.define(s, new NvIndex(pub, auth, NvIndices.zeros(pub.dataSize())));
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }

    private static boolean has(int a, int bit) { return (a & bit) != 0; }
}
