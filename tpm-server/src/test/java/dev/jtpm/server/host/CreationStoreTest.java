package dev.jtpm.server.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.engine.platform.StateKind;
import dev.jtpm.server.StateStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CreationStore}: writes held until the commit, which writes the last blob of each kind once. */
class CreationStoreTest {
    /** An in-memory store that records every write and delete. */
    static final class Recording implements StateStore {
        final StateStore nv = StateStore.inMemory();
        final List<String> calls = new ArrayList<>();

        @Override public byte[] load(StateKind k) throws IOException { return nv.load(k); }

        @Override public void store(StateKind k, byte[] b) throws IOException {
            calls.add("store " + k + " " + b[0]);
            nv.store(k, b);
        }

        @Override public void delete(StateKind k) throws IOException {
            calls.add("delete " + k);
            nv.delete(k);
        }

        @Override public void close() {}
    }

    @Test
    void writesAreHeldAndReadBack_thenTheLastOfEachKindIsWrittenOnce() throws IOException {
        Recording real = new Recording();
        CreationStore s = new CreationStore(real);
        byte[] first = {1};
        s.store(StateKind.PERMANENT, first);
        first[0] = 9; // the store kept its own copy
        s.store(StateKind.PERMANENT, new byte[] {2});
        s.store(StateKind.VOLATILE, new byte[] {3});
        s.delete(StateKind.VOLATILE);
        assertThat(real.calls).isEmpty();
        assertThat(s.load(StateKind.PERMANENT)).containsExactly(2);
        assertThat(s.load(StateKind.VOLATILE)).isNull();

        s.commit();
        assertThat(real.calls).containsExactlyInAnyOrder("store PERMANENT 2", "delete VOLATILE");
        assertThat(real.load(StateKind.PERMANENT)).containsExactly(2);

        s.store(StateKind.PERMANENT, new byte[] {4});
        assertThat(real.calls).last().isEqualTo("store PERMANENT 4");
        assertThat(real.load(StateKind.PERMANENT)).containsExactly(4);
    }
}
