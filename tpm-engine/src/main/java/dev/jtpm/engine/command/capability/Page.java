package dev.jtpm.engine.command.capability;

import java.util.ArrayList;
import java.util.List;

/**
 * One answer of TPM2_GetCapability: at most {@code count} values, and whether more are left
 * (moreData). The semantics of ms-tpm-20-ref's *CapGet* functions: values come in ascending
 * order from the requested start; with the list full, moreData is YES only if another value
 * exists.
 *
 * @param items the values reported
 * @param more TPMI_YES_NO moreData
 */
record Page<T>(List<T> items, boolean more) {

    /**
     * The first values of {@code candidates} (already those at or after the start, ascending),
     * at most {@code count} (a UINT32) and at most {@code max} (what fits in MAX_CAP_BUFFER).
     */
    static <T> Page<T> of(Iterable<T> candidates, int count, int max) {
        long limit = Math.min(Integer.toUnsignedLong(count), max);
        List<T> items = new ArrayList<>();
        for (T c : candidates) {
            if (items.size() == limit) return new Page<>(List.copyOf(items), true);
            items.add(c);
        }
        return new Page<>(List.copyOf(items), false);
    }
}
