package dev.jtpm.server;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * swtpm's {@code -R|--chroot DIR} ({@code do_chroot}): chroot(2) to DIR, then chdir("/"), before anything else is
 * opened, so that every later path (state, pid file, log, Unix sockets) is inside DIR. A JVM reads its own files
 * lazily (class path jars, native libraries, the time zone), which DIR does not hold: {@link #enter} first opens
 * every jar of the class path (classes are read from them later through the descriptors kept open), loads the
 * native libraries a served TPM needs, initializes the JCE (its policy directory) and seeds the random source (which
 * keeps its /dev/urandom open), then changes the root. Only root may.
 */
final class Chroot {
    private Chroot() {}

    /**
     * Changes the root to {@code dir}.
     *
     * @throws OptionException one line, as swtpm's "chroot failed: …"
     */
    static void enter(Path dir) throws OptionException {
        if (!Posix.AVAILABLE) throw new OptionException("--chroot needs Linux and native access (--enable-native-access)");
        if (Privileges.geteuid() != 0) throw new OptionException("chroot failed: Operation not permitted (--chroot needs root)");
        prepare();
        Linker linker = Linker.nativeLinker();
        try (Arena a = Arena.ofConfined()) {
            MethodHandle chroot = handle(linker, "chroot"), chdir = handle(linker, "chdir");
            if ((int) chroot.invokeExact(a.allocateFrom(dir.toString())) < 0) {
                throw new OptionException("chroot failed: cannot change the root to " + dir);
            }
            if ((int) chdir.invokeExact(a.allocateFrom("/")) < 0) throw new OptionException("chdir failed");
        } catch (OptionException e) {
            throw e;
        } catch (Throwable t) {
            throw new OptionException("chroot failed: " + t.getMessage());
        }
    }

    @SuppressWarnings("restricted") // chroot(2) has no Java API
    private static MethodHandle handle(Linker linker, String name) {
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** What the JVM would otherwise read from outside the new root later. */
    private static void prepare() throws OptionException {
        try {
            // a resource no jar has: the class loader opens every jar of the class path looking for it, and keeps them
            ClassLoader.getSystemClassLoader().getResource("dev/jtpm/server/chroot-probe-" + System.nanoTime());
            try (var ch = java.nio.channels.ServerSocketChannel.open();
                 var f = java.nio.channels.FileChannel.open(Path.of("/dev/null"))) {
                java.util.Objects.requireNonNull(ch.provider());
                java.util.Objects.requireNonNull(f);
            }
            new java.security.SecureRandom().nextBytes(new byte[16]);
            // the JCE reads its policy directory (JAVA_HOME/conf/security/policy) once, when first used
            javax.crypto.Mac.getInstance("HmacSHA256");
            javax.crypto.Cipher.getInstance("AES/CFB/NoPadding");
            java.util.Objects.requireNonNull(java.time.ZoneId.systemDefault());
            java.util.Objects.requireNonNull(java.time.ZonedDateTime.now().toString());
            Posix.prepare();
        } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
            throw new OptionException("--chroot: cannot prepare the process: " + e.getMessage());
        }
    }
}
