package dev.jtpm.engine.state;

import dev.jtpm.types.Secret;

/** Something loaded in a transient object slot (handles 0x80xxxxxx). */
public sealed interface TransientObject permits HashSequence, TpmObject {
    /** The authValue a password or HMAC session must prove. */
    Secret authValue();

    /** The hierarchy the object belongs to (TPM_RH_NULL for sequences): Clear and HierarchyControl flush by it. */
    int hierarchy();
}
