package dev.jtpm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A build step of {@code bin/build}, not a user command: rewrites signed jars in {@code jtpm-cli/target/lib} without
 * their signature (the {@code META-INF/*.SF|RSA|DSA|EC} files and the per-entry digests of the manifest). Bouncy
 * Castle ships signed; verifying its 800 KB signature file cost about 90 ms of every start, and the JDK's AOT cache
 * cannot hold classes of a signed jar. jtpm uses Bouncy Castle's classes directly and passes its provider
 * explicitly, which OpenJDK does not require to be signed. The jar is written beside and then renamed over the
 * original, so an interrupted build leaves the signed jar, never half a jar.
 */
final class JarSignatureStripper {
    private JarSignatureStripper() {}

    public static void main(String[] args) throws IOException {
        for (String a : args) strip(Path.of(a));
    }

    static boolean isSignatureFile(String name) {
        String n = name.toUpperCase(java.util.Locale.ROOT);
        return n.startsWith("META-INF/") && n.indexOf('/', 9) < 0
                && (n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC"));
    }

    static void strip(Path jar) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".unsigned");
        boolean signed = false;
        try (JarFile in = new JarFile(jar.toFile(), false)) {
            Manifest manifest = in.getManifest();
            Manifest main = new Manifest();
            if (manifest != null) main.getMainAttributes().putAll(manifest.getMainAttributes());
            main.getMainAttributes().putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
            try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(os, main)) {
                var entries = in.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    String name = e.getName();
                    if (name.equalsIgnoreCase(JarFile.MANIFEST_NAME)) continue;
                    if (isSignatureFile(name)) {
                        signed = true;
                        continue;
                    }
                    out.putNextEntry(new JarEntry(name));
                    try (InputStream is = in.getInputStream(e)) {
                        is.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        if (signed) Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        else Files.delete(tmp);
    }
}
