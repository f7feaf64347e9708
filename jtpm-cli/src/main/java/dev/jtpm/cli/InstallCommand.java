package dev.jtpm.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtpm install --prefix DIR}: writes {@code DIR/bin/swtpm}, {@code DIR/bin/swtpm_setup} and
 * {@code DIR/bin/swtpm_ioctl}, launchers that run jtpm ({@code jtpm socket}, {@code jtpm setup},
 * {@code jtpm ioctl}) with this JDK and the built jars by absolute path. libvirtd looks these three
 * programs up in its PATH and runs them as an unprivileged user (e.g. {@code tss}): the launchers
 * are mode 0755 and the command warns when that user could not read the JDK or the jars.
 *
 * <p>{@code swtpm socket|chardev|cuse …} run {@code jtpm socket|chardev|cuse …}; {@code -v}/{@code --version}
 * prints jtpm's version, {@code -h}/{@code --help} one usage line, and anything else one line naming the three
 * front-ends, with exit code 1.
 */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = "Write swtpm, swtpm_setup and swtpm_ioctl launchers running jtpm into DIR/bin (for libvirt's PATH).")
final class InstallCommand implements Callable<Integer> {
    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");

    @Option(names = "--prefix", required = true, paramLabel = "DIR", description = "installation prefix; launchers go to DIR/bin")
    Path prefix;

    @Override
    public Integer call() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Runtime runtime;
        try {
            runtime = Runtime.find();
        } catch (IOException | URISyntaxException e) {
            System.err.println("jtpm install: cannot locate jtpm's jars: " + e.getMessage());
            return 1;
        }
        Path bin = prefix.toAbsolutePath().normalize().resolve("bin");
        try {
            Files.createDirectories(bin);
            Files.setPosixFilePermissions(bin, EXECUTABLE);
            write(bin.resolve("swtpm"), swtpmLauncher(java, runtime));
            write(bin.resolve("swtpm_setup"), launcher(java, runtime, "swtpm_setup", "setup"));
            write(bin.resolve("swtpm_ioctl"), launcher(java, runtime, "swtpm_ioctl", "ioctl"));
        } catch (IOException e) {
            System.err.println("jtpm install: " + e.getMessage());
            return 1;
        }
        List<Path> needed = new ArrayList<>(runtime.paths);
        needed.add(java);
        for (Path p : needed) {
            Path blocked = notOthersReadable(p);
            if (blocked != null) {
                System.err.println("jtpm install: warning: " + blocked + " is not readable/searchable by other users;"
                        + " libvirt's swtpm user (e.g. tss) cannot run " + p);
            }
        }
        System.out.println("jtpm install: wrote " + bin.resolve("swtpm") + ", " + bin.resolve("swtpm_setup") + " and "
                + bin.resolve("swtpm_ioctl") + " (put " + bin + " first in libvirtd's PATH)");
        return 0;
    }

    /** Where jtpm's classes are: the jtpm-cli jar with its lib directory (as bin/build makes them), else this class path. */
    record Runtime(String classPath, Path aotCache, List<Path> paths) {
        static Runtime find() throws IOException, URISyntaxException {
            Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            Path lib = self.resolveSibling("lib");
            if (self.toString().endsWith(".jar") && Files.isDirectory(lib)) {
                Path aot = self.resolveSibling("jtpm.aot");
                // the exact class path of bin/build's AOT training run, or the JVM ignores the cache
                return new Runtime(self + ":" + lib + "/*", aot, List.of(self, lib));
            }
            List<Path> paths = new ArrayList<>();
            List<String> entries = new ArrayList<>();
            for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                if (e.isEmpty()) continue;
                Path p = Path.of(e).toAbsolutePath().normalize();
                paths.add(p);
                entries.add(p.toString());
            }
            return new Runtime(String.join(":", entries), null, paths);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.setPosixFilePermissions(tmp, EXECUTABLE);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A POSIX shell single-quoted word. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The lines every launcher shares: a {@code run} function that execs jtpm with its arguments. */
    private static String header(Path java, Runtime runtime, String name, String what) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# ").append(name).append(" for libvirt and QEMU, running ").append(what)
                .append(" (written by `jtpm install`; run it again after moving the JDK or the jars).\n");
        // the JVM options of ./jtpm (serial GC, native access for the Unix-socket code) and its AOT cache when built
        s.append("java=").append(quote(java.toString())).append('\n');
        s.append("cp=").append(quote(runtime.classPath())).append('\n');
        s.append("set -- --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp \"$cp\" dev.jtpm.cli.Main \"$@\"\n");
        if (runtime.aotCache() != null) {
            s.append("aot=").append(quote(runtime.aotCache().toString())).append('\n');
            s.append("if [ -r \"$aot\" ]; then set -- -XX:AOTCache=\"$aot\" -Xlog:aot=off -Xlog:cds=off \"$@\"; fi\n");
        }
        return s.toString();
    }

    static String launcher(Path java, Runtime runtime, String name, String subcommand) {
        return header(java, runtime, name, "`jtpm " + subcommand + "`").replace("dev.jtpm.cli.Main \"$@\"",
                "dev.jtpm.cli.Main " + subcommand + " \"$@\"") + "exec \"$java\" \"$@\"\n";
    }

    static String swtpmLauncher(Path java, Runtime runtime) {
        return """
                case "${1:-}" in
                  socket|chardev|cuse) ;;
                  -v|--version) set -- socket --version ;;
                  -h|--help)
                    echo "Usage: swtpm socket|chardev|cuse [options]  (this swtpm is jtpm; 'swtpm socket --help' lists the options)"
                    exit 0 ;;
                  *)
                    echo "swtpm: unknown command '${1:-}': this swtpm is jtpm, which offers 'swtpm socket', 'swtpm chardev' and 'swtpm cuse'" >&2
                    exit 1 ;;
                esac
                """.transform(dispatch -> {
                    String h = header(java, runtime, "swtpm", "`jtpm socket|chardev|cuse`");
                    int at = h.indexOf("java=");
                    return h.substring(0, at) + dispatch + h.substring(at);
                }) + "exec \"$java\" \"$@\"\n";
    }

    /**
     * The first of {@code p} (its real path) and its parent directories that other users cannot use, or null: a
     * directory must be searchable by others (and {@code p} itself readable too), a file readable (and the JVM
     * executable).
     */
    static Path notOthersReadable(Path p) {
        try {
            Path real = p.toRealPath();
            Set<PosixFilePermission> own = Files.getPosixFilePermissions(real);
            boolean dir = Files.isDirectory(real);
            if (!own.contains(PosixFilePermission.OTHERS_READ)) return real;
            if ((dir || real.getFileName().toString().equals("java")) && !own.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return real;
            }
            for (Path q = real.getParent(); q != null; q = q.getParent()) {
                if (!Files.getPosixFilePermissions(q).contains(PosixFilePermission.OTHERS_EXECUTE)) return q;
            }
            return null;
        } catch (IOException e) {
            return p;
        }
    }
}
