package dev.jtpm.types.structure;

import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.RecordShape;
import dev.jtpm.types.codec.WireShapes;

/**
 * Checks, for the TPMT_* records that carry their selector as a component next to a
 * {@code @SelectedBy} union, that the union arm is the one the selector names: the selector is
 * then never a second copy that could disagree with the arm.
 */
final class UnionArms {
    private UnionArms() {}

    /** The selector value an arm stands for (from its build-time shape: no annotation read, no method handle). */
    static int selectorOf(Object arm) {
        RecordShape shape = WireShapes.of(arm.getClass());
        int[] values = shape.arm();
        if (values == null) throw new IllegalArgumentException(arm.getClass() + " has no @Arm");
        // an arm for several values keeps the selector in its first component
        return values.length == 1 ? values[0] : (Integer) shape.get(arm, 0);
    }

    /** Throws {@code rc} unless {@code arm} is the arm for {@code selector}. */
    static void check(int selector, Object arm, TpmRc rc) {
        if (arm == null || selectorOf(arm) != selector) throw new TpmFailure(rc);
    }
}
