package dev.jtpm.types.structure;

import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Wire.Arm;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Checks, for the TPMT_* records that carry their selector as a component next to a
 * {@code @SelectedBy} union, that the union arm is the one the selector names: the selector is
 * then never a second copy that could disagree with the arm.
 */
final class UnionArms {
    private UnionArms() {}

    /** The selector values of an arm class, and the getter of its selector component if it has several. */
    private record Info(int[] values, MethodHandle selector) {}

    private static final ClassValue<Info> INFO = new ClassValue<>() {
        @Override protected Info computeValue(Class<?> type) {
            Arm arm = type.getAnnotation(Arm.class);
            if (arm == null) throw new IllegalArgumentException(type + " has no @Arm");
            MethodHandle getter = null;
            if (arm.value().length > 1) {
                try {
                    getter = MethodHandles.lookup().unreflect(type.getRecordComponents()[0].getAccessor())
                            .asType(MethodType.methodType(int.class, Object.class));
                } catch (IllegalAccessException e) {
                    throw new IllegalArgumentException(type + ": selector component not accessible", e);
                }
            }
            return new Info(arm.value(), getter);
        }
    };

    /** The selector value an arm stands for. */
    static int selectorOf(Object arm) {
        Info info = INFO.get(arm.getClass());
        if (info.selector() == null) return info.values()[0];
        try {
            return (int) info.selector().invokeExact(arm);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Throws {@code rc} unless {@code arm} is the arm for {@code selector}. */
    static void check(int selector, Object arm, TpmRc rc) {
        if (arm == null || selectorOf(arm) != selector) throw new TpmFailure(rc);
    }
}
