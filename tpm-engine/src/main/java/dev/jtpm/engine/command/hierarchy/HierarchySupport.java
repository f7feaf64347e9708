package dev.jtpm.engine.command.hierarchy;

import dev.jtpm.engine.state.TpmState;
import dev.jtpm.engine.state.TransientObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks and actions shared by the hierarchy commands (Part 3, 24). */
final class HierarchySupport {
    private HierarchySupport() {}

    /** Flushes every loaded object of {@code hierarchy} (ms-tpm's ObjectFlushHierarchy). */
    static void flushObjects(TpmState s, int hierarchy) {
        List<Integer> gone = new ArrayList<>();
        for (Map.Entry<Integer, TransientObject> e : s.objects.all().entrySet()) {
            if (e.getValue().hierarchy() == hierarchy) gone.add(e.getKey());
        }
        gone.forEach(s.objects::remove);
    }
}
