package dev.jtpm.eve;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jtpm.eve.proto.EveTPMRequest;
import dev.jtpm.eve.proto.EveTPMResponse;
import dev.jtpm.eve.proto.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code jtpm eve-run}: eve-tools' {@code eve_run}. The command line goes out as one string with a leading space, the
 * files its options name go along ({@link #FILE_MAPPINGS}, eve_run's {@code file_mappings[]}: the first argument
 * exactly equal to the flag, its next argument the file; a {@code FILENAME} value that is a {@code 0x…} handle is no
 * file; for tpm2_sign, tpm2_hash and tpm2_hmac the last argument is an input file too), the reply's files are written
 * in the current directory, and its Response is printed with a newline.
 *
 * <p>Unlike eve_run: a returned file whose name is not plain ({@link PlainName}) is not written (a line on stderr
 * says so), a flag given last is ignored rather than read past the end, an unreachable server is a one-line error
 * and exit 1 (eve_run exits 0 always and parses an empty buffer), and the request is framed with zero padding.
 */
public final class EveRun {

    /** The port EVE's server listens on. */
    public static final int DEFAULT_PORT = 8877;

    /** The largest reply accepted (EVE's server sends at most {@link EveFrame#MAX_MESSAGE}; jtpm's too). */
    static final int MAX_REPLY = 16 << 20;

    /** One row of eve_run's table: {@code handleOrFile} is the FILENAME check (a hex value is a handle), else DONTCARE. */
    public record Mapping(String command, String flag, boolean handleOrFile, boolean input) {}

    /** eve_run's {@code file_mappings[]} since 3f43718 (2020-01-22), in its order. */
    public static final List<Mapping> FILE_MAPPINGS = List.of(
            new Mapping("tpm2_sign", "-t", false, true),
            new Mapping("tpm2_sign", "-o", false, false),
            new Mapping("tpm2_sign", "-c", true, true),
            new Mapping("tpm2_hash", "-t", false, false),
            new Mapping("tpm2_hash", "-o", false, false),
            new Mapping("tpm2_createprimary", "-c", false, false),
            new Mapping("tpm2_readpublic", "-c", true, true),
            new Mapping("tpm2_readpublic", "-o", false, false),
            new Mapping("tpm2_startauthsession", "-S", false, false),
            new Mapping("tpm2_policysecret", "-S", false, true),
            new Mapping("tpm2_policysecret", "-L", false, false),
            new Mapping("tpm2_policysecret", "-c", true, true),
            new Mapping("tpm2_activatecredential", "-c", true, true),
            new Mapping("tpm2_activatecredential", "-C", true, true),
            new Mapping("tpm2_activatecredential", "-i", false, true),
            new Mapping("tpm2_activatecredential", "-o", false, false),
            new Mapping("tpm2_import", "-C", true, true),
            new Mapping("tpm2_import", "-k", false, true),
            new Mapping("tpm2_import", "-u", false, true),
            new Mapping("tpm2_import", "-i", false, true),
            new Mapping("tpm2_import", "-s", false, true),
            new Mapping("tpm2_import", "-L", false, true),
            new Mapping("tpm2_import", "-r", false, false),
            new Mapping("tpm2_load", "-C", true, true),
            new Mapping("tpm2_load", "-c", false, false),
            new Mapping("tpm2_load", "-u", false, true),
            new Mapping("tpm2_load", "-r", false, true),
            new Mapping("tpm2_hmac", "-c", true, true),
            new Mapping("tpm2_hmac", "-o", false, false));

    /** eve_run's {@code cmds_w_file_operands}: the last argument is the message or data file. */
    public static final Set<String> LAST_ARGUMENT_IS_INPUT = Set.of("tpm2_sign", "tpm2_hash", "tpm2_hmac");

    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+.*");

    private EveRun() {}

    /** Builds eve_run's request for {@code argv} ({@code tpm2_<cmd> args…}), reading input files from {@code cwd}. */
    public static EveTPMRequest request(List<String> argv, Path cwd, PrintStream out) {
        EveTPMRequest.Builder b = EveTPMRequest.newBuilder();
        StringBuilder command = new StringBuilder();
        for (String a : argv) command.append(' ').append(a);
        b.setCommand(command.toString());
        String tool = argv.get(0);
        List<String> args = argv.subList(1, argv.size());
        for (Mapping m : FILE_MAPPINGS) {
            if (!m.command().equals(tool)) continue;
            int at = args.indexOf(m.flag());
            if (at < 0 || at + 1 >= args.size()) continue;
            String value = args.get(at + 1);
            if (m.handleOrFile() && HEX.matcher(value).matches()) continue;
            if (m.input()) addInput(b, value, cwd, out);
            else b.addExpectedFiles(value);
        }
        if (LAST_ARGUMENT_IS_INPUT.contains(tool) && !args.isEmpty()) addInput(b, args.getLast(), cwd, out);
        return b.build();
    }

    private static void addInput(EveTPMRequest.Builder b, String name, Path cwd, PrintStream out) {
        try {
            b.addInputFiles(File.newBuilder().setName(name).setContent(ByteString.copyFrom(Files.readAllBytes(cwd.resolve(name)))));
        } catch (IOException e) {
            out.println("File not found: " + name);
        }
    }

    /** Sends one request and reads the reply: connect, one padded frame, the reply frame, close. */
    public static EveTPMResponse exchange(InetSocketAddress server, EveTPMRequest request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 10_000);
            s.setTcpNoDelay(true);
            s.getOutputStream().write(EveFrame.encode(request.toByteArray()));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] message;
            try {
                message = EveFrame.read(in, MAX_REPLY, true).message();
            } catch (EveFrame.FrameException e) {
                throw new IOException(e.kind() == EveFrame.FrameException.Kind.EMPTY
                        ? "the server closed the connection without a reply" : "bad reply: " + e.getMessage());
            }
            try {
                return EveTPMResponse.parseFrom(message);
            } catch (InvalidProtocolBufferException e) {
                throw new IOException("bad reply: " + e.getMessage());
            }
        }
    }

    /**
     * Runs eve_run: {@code argv} is {@code tpm2_<cmd> [args…]}; files go to and come from {@code cwd}.
     *
     * @return 0 when a reply came (whatever it says, as eve_run), 1 when none did, 2 for a usage error
     */
    public static int run(List<String> argv, InetSocketAddress server, Path cwd, PrintStream out, PrintStream err) {
        if (argv.isEmpty()) {
            out.println("Usage: eve_run tpm_command [args]");
            return 2;
        }
        EveTPMRequest request = request(argv, cwd, out);
        EveTPMResponse reply;
        try {
            reply = exchange(server, request);
        } catch (IOException e) {
            err.println("Failed to send request: " + e.getMessage());
            return 1;
        }
        for (File f : reply.getOutputFilesList()) {
            if (!PlainName.isPlain(f.getName())) {
                err.println("eve-run: not writing '" + f.getName() + "': not a plain file name");
                continue;
            }
            try {
                Path target = cwd.resolve(f.getName());
                Files.write(target, f.getContent().toByteArray(), StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                err.println("eve-run: cannot write " + f.getName() + ": " + e.getMessage());
            }
        }
        out.write(reply.getResponse().toByteArray(), 0, reply.getResponse().size());
        out.println();
        out.flush();
        return 0;
    }
}
