package dev.jtpm.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.codec.RecordShape;
import dev.jtpm.types.codec.UnionShape;
import dev.jtpm.types.codec.WireShapes;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine's state records (the state blobs read and written at start-up) have shapes written at build time, and
 * each says what reflection over its annotations says.
 */
class EngineWireShapesTest {

    @Test
    void generatedShapes_equalTheAnnotations() throws Exception {
        List<String> compared = new ArrayList<>();
        ClassLoader loader = getClass().getClassLoader();
        for (URL index : Collections.list(loader.getResources("META-INF/jtpm-wire-shapes.txt"))) {
            try (InputStream in = index.openStream()) {
                for (String name : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (name.isBlank()) continue;
                    Class<?> type = Class.forName(name, false, loader);
                    if (type.isRecord()) {
                        RecordShape g = WireShapes.generated(type);
                        RecordShape r = WireShapes.reflect(type);
                        assertThat(g).as(name).isNotNull();
                        assertThat(g.components()).as(name).isEqualTo(r.components());
                        assertThat(g.arm()).as(name).isEqualTo(r.arm());
                        assertThat(g.commandCode()).as(name).isEqualTo(r.commandCode());
                        assertThat(g.response()).as(name).isEqualTo(r.response());
                    } else {
                        UnionShape g = WireShapes.generatedUnion(type);
                        assertThat(g).as(name).isEqualTo(WireShapes.reflectUnion(type));
                    }
                    compared.add(name);
                }
            }
        }
        assertThat(compared).contains(PersistentState.class.getName() + "$Blob", VolatileState.class.getName() + "$Blob",
                StateClearData.class.getName(), NvIndex.class.getName());
    }
}
