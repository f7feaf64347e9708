package dev.jtpm.engine.state;

import dev.jtpm.types.Secret;

/** A hash or event sequence object (Part 1, 17.6.4; Part 3, 17). */
public final class HashSequence implements TransientObject {
    private final Secret authValue;

    public HashSequence(Secret authValue) { this.authValue = authValue; }

    @Override public Secret authValue() { return authValue; }
}
