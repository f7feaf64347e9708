package dev.jtpm.types.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shapes tpm-codegen writes at build time say what reflection over the annotations says, for every record and
 * union it wrote one for; and every record of tpm-types has one (the codec and the command table then never read
 * annotations at start-up).
 */
class WireShapesTest {

    /** Compares the generated shape of each type listed in the index resources with the reflective one. */
    static int compareAll(ClassLoader loader) throws IOException, ClassNotFoundException {
        int compared = 0;
        for (URL index : Collections.list(loader.getResources("META-INF/jtpm-wire-shapes.txt"))) {
            try (InputStream in = index.openStream()) {
                for (String name : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (name.isBlank()) continue;
                    compare(Class.forName(name, false, loader));
                    compared++;
                }
            }
        }
        return compared;
    }

    static void compare(Class<?> type) {
        if (type.isRecord()) {
            RecordShape generated = WireShapes.generated(type);
            assertThat(generated).as("generated shape of %s", type.getName()).isNotNull();
            RecordShape reflected = WireShapes.reflect(type);
            assertThat(generated.type()).isEqualTo(type);
            assertThat(generated.components()).as("components of %s", type.getName()).isEqualTo(reflected.components());
            assertThat(generated.arm()).as("@Arm of %s", type.getName()).isEqualTo(reflected.arm());
            assertThat(generated.commandCode()).as("@CommandCode of %s", type.getName()).isEqualTo(reflected.commandCode());
            assertThat(generated.response()).as("response of %s", type.getName()).isEqualTo(reflected.response());
        } else {
            UnionShape generated = WireShapes.generatedUnion(type);
            assertThat(generated).as("generated union shape of %s", type.getName()).isNotNull();
            assertThat(generated).isEqualTo(WireShapes.reflectUnion(type));
        }
    }

    @Test
    void generatedShapes_equalTheAnnotations() throws Exception {
        assertThat(compareAll(getClass().getClassLoader())).isGreaterThan(250);
    }

    @Test
    void everyRecordOfTpmTypes_hasAGeneratedShape() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(dev.jtpm.types.Bytes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> missing = new ArrayList<>();
        int records = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                if (!c.isRecord() || java.lang.reflect.Modifier.isPrivate(c.getModifiers())) continue;
                records++;
                if (WireShapes.generated(c) == null) missing.add(name);
            }
        }
        assertThat(records).isGreaterThan(250);
        assertThat(missing).isEmpty();
    }

    @Test
    void generatedShape_buildsAndReadsARecord() {
        RecordShape shape = WireShapes.generated(dev.jtpm.types.command.GetRandom.class);
        Object r = shape.construct(new Object[] {16});
        assertThat(r).isEqualTo(new dev.jtpm.types.command.GetRandom(16));
        assertThat(shape.get(r, 0)).isEqualTo(16);
    }

    @Test
    void recordWithoutGeneratedShape_fallsBackToReflection() {
        record Local(@Wire.U16 int a) {}
        assertThat(WireShapes.generated(Local.class)).isNull();
        assertThat(TpmCodec.encode(new Local(0x1234))).containsExactly(0x12, 0x34);
        assertThat(TpmCodec.decode(Local.class, new byte[] {0x12, 0x34})).isEqualTo(new Local(0x1234));
    }
}
