package dev.jtpm.engine.command.hash;

import dev.jtpm.engine.state.TpmState;

/** _TPM_Hash_Start/_Data/_End (Part 3, 34): the D-RTM event sequence extending PCR 17. */
public final class Drtm {
    private Drtm() {}

    public static void start(TpmState s) {}

    public static void data(TpmState s, byte[] data) {}

    /** @return true when a sequence was completed (the TPM-established flag is then set) */
    public static boolean end(TpmState s) { return false; }
}
