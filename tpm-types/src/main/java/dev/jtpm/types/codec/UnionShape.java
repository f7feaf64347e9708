package dev.jtpm.types.codec;

import java.util.List;

/**
 * A sealed interface the codec reads as a union: the response code for an unknown selector ({@link Wire.Union}) and
 * its permitted records (each carrying {@link Wire.Arm}).
 *
 * @param type the sealed interface
 * @param unknown the response code for an unknown selector
 * @param arms the permitted subclasses, in declaration order
 */
public record UnionShape(Class<?> type, int unknown, List<Class<?>> arms) {
    public UnionShape {
        arms = List.copyOf(arms);
    }
}
