package dev.jtpm.engine.command.testing;

import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Algorithms;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The self-test bookkeeping shared by the testing commands (Part 1, "Self-Test Modes"; ms-tpm's
 * CryptSelfTest): which implemented algorithms have been tested since _TPM_Init. The algorithms
 * are implemented with the JDK's providers, whose own start-up tests stand in for ours, so a test
 * always passes and takes no time.
 */
final class SelfTests {
    private SelfTests() {}

    /** MAX_ALG_LIST_SIZE: the longest TPML_ALG. */
    static final int MAX_ALG_LIST_SIZE = 64;

    /** The implemented algorithms not yet tested, ascending, at most {@link #MAX_ALG_LIST_SIZE}. */
    static List<Integer> toDo(TpmState s) {
        List<Integer> out = new ArrayList<>();
        if (s.selfTestDone) return out;
        for (Algorithms.Entry e : Algorithms.all()) {
            if (!s.testedAlgorithms.contains(e.alg()) && out.size() < MAX_ALG_LIST_SIZE) out.add(e.alg());
        }
        return out;
    }

    /** Tests the given implemented algorithms (they pass). */
    static void test(TpmState s, Collection<Integer> algs) {
        if (s.selfTestDone) return;
        s.testedAlgorithms.addAll(algs);
        if (toDo(s).isEmpty()) testAll(s);
    }

    /** Tests every implemented algorithm (they pass). */
    static void testAll(TpmState s) {
        s.selfTestDone = true;
        s.testedAlgorithms.clear();
    }
}
