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
    record Runtime(String classPath, Path aotCache, List<Path> paths, List<String> jvmOptions, List<String> oneTpmOptions) {
        /** ./jtpm's options when its file is not found (the launcher's own lines are read when it is). */
        static final List<String> JVM_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC");
        static final List<String> ONE_TPM_OPTIONS = List.of("-Xms4m", "-Xmx64m", "-XX:TrimNativeHeapInterval=1000",
                "-XX:UserThreadWaitAttemptsAtExit=0");

        static Runtime find() throws IOException, URISyntaxException {
            Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            Path lib = self.resolveSibling("lib");
            // jtpm-cli/target/jtpm-cli.jar: the ./jtpm launcher is three levels up
            Path root = self.getParent() == null || self.getParent().getParent() == null ? null : self.getParent().getParent().getParent();
            Path launcher = root == null ? null : root.resolve("jtpm");
            List<String> jvm = shellArray(launcher, "jvm_options", JVM_OPTIONS);
            List<String> oneTpm = shellArray(launcher, "one_tpm_options", ONE_TPM_OPTIONS);
            if (self.toString().endsWith(".jar") && Files.isDirectory(lib)) {
                Path aot = self.resolveSibling("jtpm.aot");
                // the exact class path of bin/build's AOT training run, or the JVM ignores the cache
                return new Runtime(self + ":" + lib + "/*", aot, List.of(self, lib), jvm, oneTpm);
            }
            List<Path> paths = new ArrayList<>();
            List<String> entries = new ArrayList<>();
            for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                if (e.isEmpty()) continue;
                Path p = Path.of(e).toAbsolutePath().normalize();
                paths.add(p);
                entries.add(p.toString());
            }
            return new Runtime(String.join(":", entries), null, paths, jvm, oneTpm);
        }

        /**
         * The words of a bash array assignment {@code name=(a b c)} in the ./jtpm launcher (plain words, as its comment
         * asks of them), or {@code fallback}.
         */
        static List<String> shellArray(Path script, String name, List<String> fallback) {
            if (script == null || !Files.isRegularFile(script)) return fallback;
            try {
                for (String line : Files.readAllLines(script)) {
                    if (line.startsWith(name + "=(") && line.endsWith(")")) {
                        String words = line.substring(name.length() + 2, line.length() - 1).trim();
                        return words.isEmpty() ? List.of() : List.of(words.split("\\s+"));
                    }
                }
            } catch (IOException e) {
                // fall back
            }
            return fallback;
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

    /**
     * A launcher: {@code dispatch} (shell lines that may rewrite the arguments), then an exec of jtpm's
     * {@code subcommand} (null: the arguments name it) with ./jtpm's JVM options (and its one-TPM options when
     * {@code oneTpm}) and the AOT cache of bin/build when present.
     */
    private static String script(Path java, Runtime runtime, String name, String what, String dispatch, String subcommand,
                                 boolean oneTpm) {
        List<String> options = new ArrayList<>(runtime.jvmOptions());
        if (oneTpm) options.addAll(runtime.oneTpmOptions());
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# ").append(name).append(" for libvirt and QEMU, running ").append(what)
                .append(" (written by `jtpm install`; run it again after moving the JDK or the jars).\n");
        s.append(dispatch);
        s.append("java=").append(quote(java.toString())).append('\n');
        s.append("cp=").append(quote(runtime.classPath())).append('\n');
        s.append("# the JVM options of ./jtpm\n");
        s.append("set --");
        for (String o : options) s.append(' ').append(quote(o));
        s.append(" -cp \"$cp\" dev.jtpm.cli.Main").append(subcommand == null ? "" : " " + subcommand).append(" \"$@\"\n");
        if (runtime.aotCache() != null) {
            // Only a cache newer than every jar: the JDK 25 JVM took a cache made before a rebuild (bin/test
            // repackages the jars, bin/build alone retrains) and failed with NoSuchMethodError in the new code.
            // The shell's own -nt over each jar and the lib directory's entries, not find: no program runs before java.
            s.append("aot=").append(quote(runtime.aotCache().toString())).append('\n');
            s.append("if [ -r \"$aot\" ]; then\n  aot_ok=1\n  for f in");
            for (Path p : runtime.paths()) s.append(' ').append(quote(p.toString())).append(' ').append(quote(p.toString())).append("/*");
            s.append("; do\n    if [ \"$f\" -nt \"$aot\" ]; then aot_ok=; fi\n  done\n");
            s.append("  if [ -n \"$aot_ok\" ]; then set -- -XX:AOTCache=\"$aot\" -Xlog:aot=off -Xlog:cds=off \"$@\"; fi\nfi\n");
        }
        s.append("exec \"$java\" \"$@\"\n");
        return s.toString();
    }

    static String launcher(Path java, Runtime runtime, String name, String subcommand) {
        return script(java, runtime, name, "`jtpm " + subcommand + "`", "", subcommand, false);
    }

    static String swtpmLauncher(Path java, Runtime runtime) {
        return script(java, runtime, "swtpm", "`jtpm socket|chardev|cuse`", """
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
                """, null, true);
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
