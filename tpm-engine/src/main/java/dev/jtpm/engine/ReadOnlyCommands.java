package dev.jtpm.engine;

import dev.jtpm.types.TpmCc;

/** Commands that change no TPM state: running them after Shutdown(STATE) keeps the orderly state. */
final class ReadOnlyCommands {
    private ReadOnlyCommands() {}

    static boolean is(int cc) {
        return switch (cc) {
            case TpmCc.GET_CAPABILITY, TpmCc.GET_RANDOM, TpmCc.GET_TEST_RESULT, TpmCc.PCR_READ, TpmCc.READ_CLOCK,
                 TpmCc.TEST_PARMS, TpmCc.HASH -> true;
            default -> false;
        };
    }
}
