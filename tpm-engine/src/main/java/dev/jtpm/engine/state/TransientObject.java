package dev.jtpm.engine.state;

import dev.jtpm.types.Secret;

/** Something loaded in a transient object slot (handles 0x80xxxxxx). */
public sealed interface TransientObject permits HashSequence {
    /** The authValue a password or HMAC session must prove. */
    Secret authValue();
}
