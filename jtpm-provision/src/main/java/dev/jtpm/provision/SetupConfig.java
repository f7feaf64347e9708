package dev.jtpm.provision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * swtpm_setup's configuration files: {@code swtpm_setup.conf} ({@code create_certs_tool},
 * {@code create_certs_tool_config}, {@code create_certs_tool_options}, {@code active_pcr_banks}) and
 * {@code swtpm-localca.conf} ({@code statedir}, {@code signingkey}, {@code signingkey_password},
 * {@code issuercert}, {@code certserial}), read as swtpm does: a line {@code name = value}, the value ending at
 * {@code #} or the end of the line, trailing blanks removed, {@code ${VAR}} replaced from the environment;
 * the first line for a name wins. And the options file ({@code --platform-manufacturer X} lines).
 */
public final class SetupConfig {
    private SetupConfig() {}

    private static final Pattern LINE = Pattern.compile("^([A-Za-z0-9_:]+)\\s*=\\s*([^#\\n]*).*");
    private static final Pattern VAR = Pattern.compile("\\$\\{([^}]*)}");

    /** The name = value pairs of a configuration file (the first for each name). */
    public static Map<String, String> read(Path file, Map<String, String> env) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher x = LINE.matcher(line);
            if (x.matches()) m.putIfAbsent(x.group(1), resolve(x.group(2).strip(), env));
        }
        return m;
    }

    private static String resolve(String s, Map<String, String> env) {
        Matcher m = VAR.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) m.appendReplacement(b, Matcher.quoteReplacement(env.getOrDefault(m.group(1), "")));
        m.appendTail(b);
        return b.toString();
    }

    /** The user configuration directory: $XDG_CONFIG_HOME, else ~/.config (glib's g_get_user_config_dir). */
    public static Path userConfigDir(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isEmpty()) return Path.of(xdg);
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
    }

    /**
     * swtpm_setup.conf's location: the user configuration directory's if readable, else
     * /etc/swtpm_setup.conf; null when neither is readable.
     */
    public static Path findSetupConf(Map<String, String> env) {
        Path user = userConfigDir(env).resolve("swtpm_setup.conf");
        if (Files.isReadable(user)) return user;
        Path etc = Path.of("/etc/swtpm_setup.conf");
        return Files.isReadable(etc) ? etc : null;
    }

    /** The options of an options file: {@code --name value} per line (value to the end of the line). */
    public static Map<String, String> readOptions(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            int sp = l.indexOf(' ');
            if (sp < 0) m.put(l, "");
            else m.put(l.substring(0, sp), l.substring(sp + 1).strip());
        }
        return m;
    }

    /**
     * swtpm_setup {@code --create-config-files [overwrite][,root][,skip-if-exist]}: writes swtpm_setup.conf,
     * swtpm-localca.conf and swtpm-localca.options in the user configuration directory, with the local CA's
     * state in {@code <configdir>/var/lib/swtpm-localca}. Returns the lines to print (stdout) or throws with
     * the one-line error; returns an empty list when skip-if-exist found a file.
     */
    public static List<String> createConfigFiles(String flags, Map<String, String> env, boolean isRoot) throws IOException {
        List<String> tokens = flags == null ? List.of() : List.of(flags.split("[, ]"));
        boolean overwrite = tokens.contains("overwrite"), root = tokens.contains("root"),
                skip = tokens.contains("skip-if-exist");
        if (overwrite && skip) throw new IOException("Error: overwrite and skip-if-exist cannot both be used");
        if (isRoot && !root)
            throw new IOException("Requiring the 'root' flag since the configuration files will shadow those in /etc.");
        Path dir = userConfigDir(env);
        Path setup = dir.resolve("swtpm_setup.conf"), conf = dir.resolve("swtpm-localca.conf"),
                opts = dir.resolve("swtpm-localca.options");
        for (Path p : List.of(setup, conf, opts)) {
            if (!overwrite && Files.exists(p)) {
                if (skip) return List.of();
                throw new IOException("File " + p + " already exists. Refusing to overwrite.");
            }
        }
        Path ca = dir.resolve("var").resolve("lib").resolve("swtpm-localca");
        Files.createDirectories(ca);
        String os = System.getProperty("os.name").replace(' ', '_');
        String version = System.getProperty("os.version").replace(' ', '_');
        Map<Path, String> content = new LinkedHashMap<>();
        content.put(setup, "create_certs_tool = swtpm_localca\n"
                + "create_certs_tool_config = " + conf + "\n"
                + "create_certs_tool_options = " + opts + "\n"
                + "# Comma-separated list (no spaces) of PCR banks to activate by default\n"
                + "active_pcr_banks = sha256\n");
        content.put(conf, "statedir = " + ca + "\n"
                + "signingkey = " + ca.resolve(LocalCa.SIGNING_KEY) + "\n"
                + "issuercert = " + ca.resolve(LocalCa.ISSUER_CERT) + "\n"
                + "certserial = " + ca.resolve(LocalCa.CERT_SERIAL) + "\n");
        content.put(opts, "--platform-manufacturer " + os + "\n--platform-version " + version
                + "\n--platform-model " + os + "\n");
        List<String> out = new ArrayList<>();
        for (var e : content.entrySet()) {
            out.add("Writing " + e.getKey() + ".");
            Files.writeString(e.getKey(), e.getValue());
        }
        return out;
    }
}
