package dev.jtpm.eve;

import dev.jtpm.eve.proto.EveTPMRequest;
import dev.jtpm.eve.proto.File;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What eve-ptpm lets a request run, checked before anything touches the disk. The reference's checks, with its reply
 * strings: the tool must be one of the 13 allowed ones ({@code <tool>:Command is forbidden!}), expected file names
 * must not be paths ({@code <name>:output filename should not be a path!}), at most 22 arguments
 * ({@code Too many arguments}). jtpm's additions (the reference checks none of them):
 * <ul>
 *   <li>input file names must be plain too — the reference sets its refusal text and carries on;</li>
 *   <li>no option may choose the TCTI: {@code -T…} in any short-option cluster, {@code --tcti} and its
 *       abbreviations ({@code <arg>:option is not allowed!});</li>
 *   <li>no argument may name a path: none may contain {@code /} or be {@code ..} (also after a {@code prefix:} such
 *       as {@code file:..}), so every file a tool reads or writes is in the request's working directory
 *       ({@code <arg>:argument should not be a path!}).</li>
 * </ul>
 */
public final class CommandPolicy {

    /** EVE HEAD's allowlist (883547fe's twelve plus tpm2_selftest). */
    public static final Set<String> ALLOWED = Set.of("tpm2_getcap", "tpm2_readpublic", "tpm2_startauthsession",
            "tpm2_policysecret", "tpm2_activatecredential", "tpm2_flushcontext", "tpm2_import", "tpm2_load", "tpm2_hmac",
            "tpm2_hash", "tpm2_sign", "tpm2_verifysignature", "tpm2_selftest");

    /** Arguments after the tool name that the reference accepts (MAX_ARGS 25 at 883547fe). */
    public static final int MAX_ARGUMENTS = 22;

    private CommandPolicy() {}

    /** A command line split the way the reference splits it: on whitespace, no quoting. */
    public record CommandLine(String tool, List<String> arguments) {}

    /** Splits {@code Command} on whitespace (the C++ {@code istringstream >>} rule); the tool may be empty. */
    public static CommandLine split(String command) {
        String trimmed = command.strip();
        if (trimmed.isEmpty()) return new CommandLine("", List.of());
        String[] parts = trimmed.split("[ \\t\\n\\x0B\\f\\r]+");
        return new CommandLine(parts[0], List.of(parts).subList(1, parts.length));
    }

    /** The refusal text for a request, or empty when it may run. */
    public static Optional<String> check(EveTPMRequest request) {
        CommandLine line = split(request.getCommand());
        if (!ALLOWED.contains(line.tool())) return Optional.of(line.tool() + ":Command is forbidden!");
        for (String name : request.getExpectedFilesList()) {
            if (!PlainName.isPlain(name)) return Optional.of(name + ":output filename should not be a path!");
        }
        for (File f : request.getInputFilesList()) {
            if (!PlainName.isPlain(f.getName())) return Optional.of(f.getName() + ":input filename should not be a path!");
        }
        if (line.arguments().size() > MAX_ARGUMENTS) return Optional.of("Too many arguments");
        for (String arg : line.arguments()) {
            if (choosesTcti(arg)) return Optional.of(arg + ":option is not allowed!");
            if (namesPath(arg)) return Optional.of(arg + ":argument should not be a path!");
        }
        return Optional.empty();
    }

    /** {@code -T}, {@code -QT…}, {@code --tcti}, {@code --tcti=…} and the abbreviations getopt_long accepts. */
    static boolean choosesTcti(String arg) {
        if (arg.startsWith("--")) {
            String name = arg.substring(2);
            int eq = name.indexOf('=');
            if (eq >= 0) name = name.substring(0, eq);
            return !name.isEmpty() && "tcti".startsWith(name);
        }
        // a short-option cluster: refuse a T anywhere in it (an option value glued to its flag may hold a T too;
        // such a value can be given as the next argument instead)
        return arg.startsWith("-") && arg.length() > 1 && arg.indexOf('T') > 0;
    }

    /** An argument that could reach outside the working directory. */
    static boolean namesPath(String arg) {
        if (arg.indexOf('/') >= 0 || arg.indexOf('\\') >= 0) return true;
        for (String part : arg.split("[:=,]", -1)) {
            if (part.equals("..")) return true;
        }
        return false;
    }
}
