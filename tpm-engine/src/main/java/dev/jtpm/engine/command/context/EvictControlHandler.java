package dev.jtpm.engine.command.context;

import dev.jtpm.engine.command.CommandContext;
import dev.jtpm.engine.command.CommandHandler;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmHt;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.command.EmptyResponse;
import dev.jtpm.types.command.EvictControl;

/**
 * TPM2_EvictControl (Part 3, 28.5): makes a loaded object persistent at a handle 0x81xxxxxx (kept in
 * the permanent state, across restarts), or removes a persistent object. Owner authorization uses
 * 0x81000000–0x817FFFFF for storage and endorsement objects; platform authorization
 * 0x81800000–0x81FFFFFF for platform objects, and may remove any persistent object.
 *
 * <p>Response codes: TPM_RC_ATTRIBUTES (handle 2) for temporary objects (NULL hierarchy, sequence),
 * stClear and public-only objects; TPM_RC_HANDLE (handle 2) when a persistent objectHandle differs
 * from persistentHandle; TPM_RC_HIERARCHY (handle 2) when the authorization does not own the
 * object's hierarchy; TPM_RC_RANGE (parameter 1) for a handle outside that authorization's range;
 * TPM_RC_NV_DEFINED when the handle is taken; TPM_RC_NV_SPACE when no persistent slot is left.
 */
public final class EvictControlHandler implements CommandHandler<EvictControl, EmptyResponse> {
    /** Persistent object slots (libtpms' NV holds about this many; TPM_PT_HR_PERSISTENT_AVAIL). */
    public static final int MAX_PERSISTENT = 64;
    /** TPM_PT_HR_PERSISTENT_MIN, as libtpms reports. */
    public static final int MIN_PERSISTENT = 7;

    @Override
    public EmptyResponse execute(EvictControl cmd, CommandContext ctx) {
        TpmState s = ctx.state();
        int objectHandle = cmd.objectHandle();
        int persistentHandle = cmd.persistentHandle();
        boolean evict = TpmHt.of(objectHandle) == TpmHt.PERSISTENT;
        if (!(s.objects.get(objectHandle) instanceof TpmObject o)) throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(2));
        if (o.hierarchy() == TpmRh.NULL || o.attributes().stClear() || o.publicOnly()) {
            throw new TpmFailure(TpmRc.ATTRIBUTES.atHandle(2));
        }
        if (evict && objectHandle != persistentHandle) throw new TpmFailure(TpmRc.HANDLE.atHandle(2));
        boolean platformObject = o.hierarchy() == TpmRh.PLATFORM;
        if (cmd.auth() == TpmRh.PLATFORM) {
            if (!evict) {
                if (!platformObject) throw new TpmFailure(TpmRc.HIERARCHY.atHandle(2));
                if (Integer.compareUnsigned(persistentHandle, TpmRh.PLATFORM_PERSISTENT) < 0) {
                    throw new TpmFailure(TpmRc.RANGE.atParameter(1));
                }
            }
        } else {
            if (platformObject) throw new TpmFailure(TpmRc.HIERARCHY.atHandle(2));
            if (!evict && Integer.compareUnsigned(persistentHandle, TpmRh.PLATFORM_PERSISTENT) >= 0) {
                throw new TpmFailure(TpmRc.RANGE.atParameter(1));
            }
        }
        if (evict) {
            s.removePersistentObject(objectHandle);
        } else {
            if (s.persistent.persistentObjects.containsKey(persistentHandle)) throw new TpmFailure(TpmRc.NV_DEFINED);
            if (s.persistent.persistentObjects.size() >= MAX_PERSISTENT) throw new TpmFailure(TpmRc.NV_SPACE);
            s.addPersistentObject(persistentHandle, o);
        }
        ctx.persistentChanged();
        return EmptyResponse.INSTANCE;
    }
}
