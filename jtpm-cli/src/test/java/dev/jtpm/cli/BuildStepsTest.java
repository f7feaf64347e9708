package dev.jtpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build steps of {@code bin/build}: the signature stripper keeps every class and the main attributes and drops
 * the signature files and per-entry digests (and leaves an unsigned jar alone); the AOT training run drives a
 * server to the end and leaves nothing behind.
 */
class BuildStepsTest {
    @TempDir Path dir;

    @Test
    void signedJar_losesItsSignature_andKeepsItsClasses() throws Exception {
        Path jar = dir.resolve("lib.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-Name", "lib");
        Attributes digest = new Attributes();
        digest.putValue("SHA-256-Digest", "AAAA");
        m.getEntries().put("a/B.class", digest);
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, m)) {
            for (String name : new String[] {"a/B.class", "META-INF/LIB.SF", "META-INF/LIB.RSA", "META-INF/versions/9/x"}) {
                out.putNextEntry(new JarEntry(name));
                out.write(name.getBytes());
                out.closeEntry();
            }
        }
        JarSignatureStripper.strip(jar);
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.stream().map(JarEntry::getName)).containsExactlyInAnyOrder("META-INF/MANIFEST.MF", "a/B.class",
                    "META-INF/versions/9/x");
            assertThat(new String(j.getInputStream(j.getEntry("a/B.class")).readAllBytes())).isEqualTo("a/B.class");
            assertThat(j.getManifest().getMainAttributes().getValue("Bundle-Name")).isEqualTo("lib");
            assertThat(j.getManifest().getEntries()).isEmpty();
        }
        byte[] unsigned = Files.readAllBytes(jar);
        JarSignatureStripper.strip(jar);                 // nothing to strip: the jar stays as it is
        assertThat(Files.readAllBytes(jar)).isEqualTo(unsigned);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("lib.jar");
        }
    }

    @Test
    void aotTraining_drivesAServerToTheEnd() throws Exception {
        AotTraining.main(new String[0]);
    }
}
