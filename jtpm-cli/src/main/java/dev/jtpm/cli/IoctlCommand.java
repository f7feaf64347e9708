package dev.jtpm.cli;

import dev.jtpm.tss.Endpoint;
import dev.jtpm.tss.SwtpmControl;
import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.Ptm;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jtpm ioctl}: swtpm_ioctl for swtpm's (and jtpm's) control channel, with swtpm_ioctl's options, parsing
 * (getopt_long_only: {@code -c} and {@code --c} alike, unique prefixes, one command per call), output lines, error
 * lines and exit codes — 0.7.1's, plus {@code --lock-storage} of later releases and {@code -V}. Like swtpm_ioctl it
 * opens one connection and sends every request of the call over it. A device path (a CUSE TPM such as
 * {@code jtpm cuse}'s) is driven with the {@code PTM_*} ioctls ({@link CuseControl}).
 *
 * <p>Parsed by hand, not by picocli ({@link Main} passes the arguments straight here): picocli cannot reproduce
 * getopt's prefix matching and messages.
 */
@Command(name = "ioctl", description = "Send control commands to a swtpm/jtpm control channel (swtpm_ioctl's options; --help).")
public final class IoctlCommand implements Callable<Integer> {
    public static final String PROGRAM = "jtpm ioctl";
    private static final int DEFAULT_TCP_PORT = 6546;
    /** sizeof(ptm_hdata.u.req.data): swtpm_ioctl's HASH_DATA chunk. */
    private static final int HASH_CHUNK = 4096;

    @Parameters(arity = "0..*") List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return run(args.toArray(String[]::new), System.out, System.err, System.in);
    }

    /** One long option of swtpm_ioctl's table (getopt_long_only; every option also works with one dash). */
    private record Opt(String name, boolean hasArg, char id) {}

    private static final List<Opt> OPTIONS = List.of(
            new Opt("tpm-device", true, 'D'), new Opt("tcp", true, 'T'), new Opt("unix", true, 'U'),
            new Opt("c", false, 'c'), new Opt("i", false, 'i'), new Opt("stop", false, 't'), new Opt("s", false, 's'),
            new Opt("e", false, 'e'), new Opt("r", true, 'r'), new Opt("v", false, 'v'), new Opt("C", false, 'C'),
            new Opt("l", true, 'l'), new Opt("h", true, 'h'), new Opt("g", false, 'g'), new Opt("b", true, 'b'),
            new Opt("save", true, 'S'), new Opt("load", true, 'L'), new Opt("version", false, 'V'),
            new Opt("V", false, 'V'), new Opt("info", true, 'I'), new Opt("lock-storage", true, 'o'),
            new Opt("help", false, 'H'));

    /** What the command line asks for. */
    private static final class Request {
        String command;            // the option as typed, as swtpm_ioctl keeps argv[...]
        int commandIndex = -1;     // where it was typed (a repeated command is a second one)
        String device, unixPath, tcpHost;
        int tcpPort = DEFAULT_TCP_PORT;
        long number;               // locality, buffer size, retries
        long infoFlags;
        String hashData, blobType, blobFile;
    }

    /** Runs {@code jtpm ioctl ARGS}; returns the exit code (0 or 1, as swtpm_ioctl's EXIT_SUCCESS/EXIT_FAILURE). */
    public static int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
        Request r = new Request();
        List<String> positional = new ArrayList<>();
        int pcommandIndex = -1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                positional.addAll(Arrays.asList(args).subList(i + 1, args.length));
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                positional.add(a);
                continue;
            }
            String prefix = a.startsWith("--") ? "--" : "-";
            String body = a.substring(prefix.length());
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            Opt opt = null;
            List<Opt> candidates = new ArrayList<>();
            for (Opt o : OPTIONS) {
                if (o.name().equals(name)) {
                    opt = o;
                    break;
                }
                if (!name.isEmpty() && o.name().startsWith(name)) candidates.add(o);
            }
            if (opt == null && candidates.size() > 1 && candidates.stream().map(Opt::id).distinct().count() == 1) opt = candidates.get(0);
            if (opt == null && candidates.size() == 1) opt = candidates.get(0);
            if (opt == null && candidates.size() > 1) {
                StringBuilder sb = new StringBuilder(PROGRAM + ": option '" + prefix + name + "' is ambiguous; possibilities:");
                for (Opt o : candidates) sb.append(" '").append(prefix).append(o.name()).append('\'');
                err.println(sb);
                continue;
            }
            if (opt == null) {
                err.println(PROGRAM + ": unrecognized option '" + a + "'");
                continue;
            }
            String value = null;
            int commandAt = i;
            if (opt.hasArg()) {
                if (eq >= 0) {
                    value = body.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    err.println(PROGRAM + ": option '" + prefix + opt.name() + "' requires an argument");
                    continue;
                }
            } else if (eq >= 0) {
                err.println(PROGRAM + ": option '" + prefix + opt.name() + "' doesn't allow an argument");
                continue;
            }
            boolean isCommand = true;
            switch (opt.id()) {
                case 'D' -> {
                    r.device = value;
                    isCommand = false;
                }
                case 'T' -> {
                    if (!parseTcp(value, r, err)) return 1;
                    isCommand = false;
                }
                case 'U' -> {
                    r.unixPath = value;
                    isCommand = false;
                }
                case 'h' -> r.hashData = value;
                case 'r', 'l' -> {
                    Long loc = scanUnsigned(value);
                    if (loc == null) {
                        err.println("Could not get locality number from " + value + ".");
                        return 1;
                    }
                    if (loc > 4) {
                        err.println("Locality outside valid range of [0..4].");
                        return 1;
                    }
                    r.number = loc;
                }
                case 'S', 'L' -> {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
                        err.println("Missing filename argument for " + (opt.id() == 'S' ? "--save" : "--load") + " option");
                        return 1;
                    }
                    r.blobType = value;
                    r.blobFile = args[++i];
                }
                case 'b' -> {
                    Long size = scanUnsigned(value);
                    if (size == null) {
                        err.println("Could not get buffersize from " + value + ".");
                        return 1;
                    }
                    r.number = size;
                }
                case 'o' -> {
                    Long retries = scanUnsigned(value);
                    if (retries == null) {
                        err.println("Could not parse lock retries from " + value + ".");
                        return 1;
                    }
                    r.number = retries;
                }
                case 'I' -> {
                    Long flags = strtoul(value);
                    if (flags == null) {
                        err.println("Cannot parse info flags.");
                        return 1;
                    }
                    r.infoFlags = flags;
                }
                case 'V' -> {
                    out.println(versionLine());
                    return 0;
                }
                case 'H' -> {
                    usage(out);
                    return 0;
                }
                default -> { }
            }
            if (isCommand) {
                r.command = eq >= 0 ? a.substring(0, prefix.length() + eq) : a;
                r.commandIndex = commandAt;
                if (pcommandIndex < 0) {
                    pcommandIndex = commandAt;
                } else if (pcommandIndex != commandAt) {
                    err.println("Only one command may be given.");
                    return 1;
                }
            }
        }
        if (r.command == null) {
            err.println("No valid command.");
            return 1;
        }
        if (r.device == null && r.tcpHost == null && r.unixPath == null) {
            if (positional.isEmpty()) {
                err.println("Error: Missing device name.");
                return 1;
            }
            r.device = positional.get(0);
        }
        if (r.device != null) {
            CuseControl device;
            try {
                device = CuseControl.open(r.device);
            } catch (IOException e) {
                err.println("Unable to open device '" + r.device + "'.");
                return 1;
            }
            try (SwtpmControl ctrl = SwtpmControl.over(device)) {
                return dispatch(r, ctrl, out, err, in);
            } catch (IOException e) {
                return 1;
            }
        }
        SwtpmControl ctrl = open(r, err);
        if (ctrl == null) return 1;
        try (ctrl) {
            return dispatch(r, ctrl, out, err, in);
        } catch (IOException e) {
            return 1;   // closing failed after the work was done
        }
    }

    // ---------------------------------------------------------------- connection

    /** Connects as swtpm_ioctl's open_connection (TCP wins over a Unix path); null after printing its error. */
    private static SwtpmControl open(Request r, PrintStream err) {
        if (r.tcpHost != null) {
            InetAddress[] addrs;
            try {
                addrs = InetAddress.getAllByName(r.tcpHost);
            } catch (UnknownHostException e) {
                err.println("getaddrinfo failed on host '" + r.tcpHost + "': Name or service not known");
                return null;
            }
            IOException last = null;
            for (InetAddress a : addrs) {
                try {
                    return SwtpmControl.connect(new Endpoint.Tcp(a.getHostAddress(), r.tcpPort));
                } catch (IOException e) {
                    last = e;
                }
            }
            err.println("Could not connect to host '" + r.tcpHost + "' on port '" + r.tcpPort + "' using TCP socket: "
                    + strerror(last));
            return null;
        }
        if (r.unixPath.getBytes(StandardCharsets.UTF_8).length + 1 > 108) {
            err.println("Socket path is too long.");
            return null;
        }
        try {
            return SwtpmControl.connect(new Endpoint.Unix(Path.of(r.unixPath)));
        } catch (IOException e) {
            err.println("Connect failed: " + strerror(e.getCause() instanceof IOException c ? c : e));
            return null;
        }
    }

    /** swtpm_ioctl's parse_tcp_optarg: [HOST]:[PORT]; false after printing the error. */
    private static boolean parseTcp(String arg, Request r, PrintStream err) {
        int pos = arg.lastIndexOf(':');
        r.tcpPort = DEFAULT_TCP_PORT;
        if (pos < 0) {
            r.tcpHost = arg;
            return true;
        }
        String port = arg.substring(pos + 1);
        if (pos > 0 || !port.isEmpty()) {
            Long p = scanUnsigned(port);
            if (p == null) {
                err.println("Invalid port '" + port + "'");
                return false;
            }
            if (p >= 65536) {
                err.println("Port '" + arg.substring(1) + "' outside valid range.");   // as swtpm_ioctl prints it
                return false;
            }
            r.tcpPort = p.intValue();
        }
        r.tcpHost = pos == 0 ? "127.0.0.1" : arg.substring(0, pos);
        return true;
    }

    // ---------------------------------------------------------------- commands

    private static int dispatch(Request r, SwtpmControl c, PrintStream out, PrintStream err, InputStream in) {
        String cmd = r.command;
        try {
            switch (cmd) {
                case "-c" -> {
                    SwtpmControl.Reply rep = exec(c, new CtrlRequest.GetCapability(), "PTM_GET_CAPABILITY", err);
                    if (rep == null) return 1;
                    long caps = rep.bytes().length >= 8 ? Integer.toUnsignedLong(rep.u32(4)) : 0;
                    out.printf("ptm capability is 0x%x%n", caps);
                    return 0;
                }
                case "-i" -> { return simple(c, new CtrlRequest.Init(Ptm.INIT_FLAG_DELETE_VOLATILE), "PTM_INIT", "PTM_INIT", err); }
                case "-e" -> {
                    SwtpmControl.Reply rep = exec(c, new CtrlRequest.GetTpmEstablished(), "PTM_GET_ESTABLISHED", err);
                    if (rep == null || failed(rep.result(), "PTM_GET_TPMESTABLISHED", err)) return 1;
                    out.printf("tpmEstablished is %d%n", rep.bytes()[4] & 0xff);
                    return 0;
                }
                case "-r" -> {
                    return simple(c, new CtrlRequest.ResetTpmEstablished((int) r.number), "PTM_RESET_ESTABLISHED",
                            "PTM_RESET_TPMESTABLISHED", err);
                }
                case "-s" -> { return simple(c, new CtrlRequest.Shutdown(), "PTM_SHUTDOWN", "PTM_SHUTDOWN", err); }
                case "--stop" -> { return simple(c, new CtrlRequest.Stop(), "PTM_STOP", "PTM_STOP", err); }
                case "-l" -> { return simple(c, new CtrlRequest.SetLocality((int) r.number), "PTM_SET_LOCALITY", "PTM_SET_LOCALITY", err); }
                case "-h" -> { return hash(c, r.hashData, err, in); }
                case "-C" -> { return simple(c, new CtrlRequest.CancelTpmCmd(), "PTM_CANCEL_TPM_CMD", "PTM_CANCEL_TPM_CMD", err); }
                case "-v" -> { return simple(c, new CtrlRequest.StoreVolatile(), "PTM_STORE_VOLATILE", "PTM_STORE_VOLATILE", err); }
                case "--save" -> { return save(c, r.blobType, r.blobFile, err); }
                case "--load" -> { return load(c, r.blobType, r.blobFile, err); }
                case "-g" -> {
                    SwtpmControl.Reply rep = exec(c, new CtrlRequest.GetConfig(), "PTM_GET_CONFIG", err);
                    if (rep == null || failed(rep.result(), "PTM_GET_CONFIG", err)) return 1;
                    out.printf("ptm configuration flags: 0x%x%n", rep.u32(4));
                    return 0;
                }
                case "-b" -> {
                    SwtpmControl.Reply rep = exec(c, new CtrlRequest.SetBufferSize((int) r.number), "PTM_SET_BUFFERSIZE", err);
                    if (rep == null || failed(rep.result(), "PTM_SET_BUFFERSIZE", err)) return 1;
                    out.printf("TPM buffersize: %d%nminimum size  : %d%nmaximum size  : %d%n", Integer.toUnsignedLong(rep.u32(4)),
                            Integer.toUnsignedLong(rep.u32(8)), Integer.toUnsignedLong(rep.u32(12)));
                    return 0;
                }
                case "--info" -> { return info(c, r.infoFlags, out, err); }
                case "--lock-storage" -> {
                    return simple(c, new CtrlRequest.LockStorage((int) r.number), "PTM_LOCK_STORAGE", "PTM_LOCK_STORAGE", err);
                }
                default -> {
                    // an abbreviation or a two-dash short option: swtpm_ioctl matches the command text exactly
                    usage(out);
                    return 1;
                }
            }
        } finally {
            out.flush();
        }
    }

    /** Sends a request; null after printing "Could not execute NAME: ERROR". */
    private static SwtpmControl.Reply exec(SwtpmControl c, CtrlRequest req, String name, PrintStream err) {
        try {
            return c.send(req);
        } catch (IOException e) {
            err.println("Could not execute " + name + ": " + strerror(e));
            return null;
        }
    }

    private static boolean failed(int result, String name, PrintStream err) {
        if (result == 0) return false;
        err.printf("TPM result from %s: 0x%x%n", name, result);
        return true;
    }

    private static int simple(SwtpmControl c, CtrlRequest req, String execName, String resultName, PrintStream err) {
        SwtpmControl.Reply rep = exec(c, req, execName, err);
        return rep == null || failed(rep.result(), resultName, err) ? 1 : 0;
    }

    /** -h: HASH_START, HASH_DATA in 4096-octet chunks (from stdin for '-'), HASH_END, as do_hash_start_data_end. */
    private static int hash(SwtpmControl c, String data, PrintStream err, InputStream in) {
        SwtpmControl.Reply rep = exec(c, new CtrlRequest.HashStart(), "ioctl PTM_HASH_START", err);
        if (rep == null || failed(rep.result(), "PTM_HASH_START", err)) return 1;
        int res = 0;
        if (data.equals("-")) {
            while (true) {
                byte[] chunk;
                try {
                    chunk = in.readNBytes(HASH_CHUNK);
                } catch (IOException e) {
                    chunk = new byte[0];
                }
                rep = exec(c, new CtrlRequest.HashData(chunk), "ioctl PTM_HASH_DATA", err);
                if (rep == null) return 1;
                res = rep.result();
                if (res != 0 || chunk.length < HASH_CHUNK) break;
            }
        } else {
            byte[] all = data.getBytes(StandardCharsets.UTF_8);
            for (int off = 0; off < all.length && res == 0; off += HASH_CHUNK) {
                rep = exec(c, new CtrlRequest.HashData(Arrays.copyOfRange(all, off, Math.min(all.length, off + HASH_CHUNK))),
                        "ioctl PTM_HASH_DATA", err);
                if (rep == null) return 1;
                res = rep.result();
            }
        }
        if (failed(res, "PTM_HASH_DATA", err)) return 1;
        rep = exec(c, new CtrlRequest.HashEnd(), "ioctl PTM_HASH_END", err);
        return rep == null || failed(rep.result(), "PTM_HASH_END", err) ? 1 : 0;
    }

    private static int blobType(String name) {
        return switch (name) {
            case "permanent" -> Ptm.BLOB_TYPE_PERMANENT;
            case "volatile" -> Ptm.BLOB_TYPE_VOLATILE;
            case "savestate" -> Ptm.BLOB_TYPE_SAVESTATE;
            default -> 0;
        };
    }

    /** --save TYPE FILE: GET_STATEBLOB (decrypted) into FILE (created 0600, truncated first). */
    private static int save(SwtpmControl c, String type, String file, PrintStream err) {
        int bt = blobType(type);
        if (bt == 0) {
            err.print("Unknown TPM state type '" + type + "'");   // no newline, as swtpm_ioctl
            return 1;
        }
        Path path = Path.of(file);
        try {
            if (!Files.exists(path)) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.write(path, new byte[0], StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            err.println("Could not open file '" + file + "' for writing: " + strerror(e));
            return 1;
        }
        SwtpmControl.Reply rep = exec(c, new CtrlRequest.GetStateBlob(Ptm.STATE_FLAG_DECRYPTED, bt, 0), "ioctl PTM_GET_STATEBLOB", err);
        if (rep == null) return 1;
        int res = rep.result();
        if (res != 0 && (res & Ptm.TPM_RETRY) == 0) {
            err.printf("TPM result from PTM_GET_STATEBLOB: 0x%x%n", res);
            return 1;
        }
        byte[] all = rep.bytes();
        int total = BigEndian.u32(all, 8);
        byte[] blob = Arrays.copyOfRange(all, 16, all.length);
        try {
            Files.write(path, blob, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            err.println("Could not write to file '" + file + "': " + strerror(e));
            return 1;
        }
        if (blob.length != total) {
            err.println("Unexpected number of remaining bytes: " + (total - blob.length));
            return 1;
        }
        return 0;
    }

    /** --load TYPE FILE: SET_STATEBLOB with the file's octets (state_flags 0; an empty file clears that state). */
    private static int load(SwtpmControl c, String type, String file, PrintStream err) {
        int bt = blobType(type);
        if (bt == 0) {
            err.print("Unknown TPM state type '" + type + "'");
            return 1;
        }
        byte[] blob;
        try {
            blob = Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            err.println("Could not open file '" + file + "' for reading: " + strerror(e));
            return 1;
        }
        SwtpmControl.Reply rep = exec(c, new CtrlRequest.SetStateBlob(0, bt, blob), "ioctl PTM_SET_STATEBLOB", err);
        return rep == null || failed(rep.result(), "PTM_SET_STATEBLOB", err) ? 1 : 0;
    }

    /** --info FLAGS: GET_INFO from offset 0 on until totlength, the JSON printed with one newline. */
    private static int info(SwtpmControl c, long flags, PrintStream out, PrintStream err) {
        StringBuilder json = new StringBuilder();
        long read = 0;
        while (true) {
            SwtpmControl.Reply rep = exec(c, new CtrlRequest.GetInfo(flags, (int) read), "PTM_GET_INFO", err);
            if (rep == null || failed(rep.result(), "PTM_GET_INFO", err)) return 1;
            long total = Integer.toUnsignedLong(rep.u32(4));
            int len = rep.u32(8);
            if (len < 0 || len > Ptm.GETINFO_SIZE) {
                err.printf("TPM returned an invalid length of %d, expected maximum %d%n", Integer.toUnsignedLong(len), Ptm.GETINFO_SIZE);
                return 1;
            }
            byte[] part = Arrays.copyOfRange(rep.bytes(), 12, 12 + len);
            int nul = 0;
            while (nul < part.length && part[nul] != 0) nul++;
            json.append(new String(part, 0, nul, StandardCharsets.UTF_8));
            read += len;
            if (read >= total || len == 0) break;
        }
        out.println(json);
        return 0;
    }

    // ---------------------------------------------------------------- text

    private static String versionLine() {
        return "TPM emulator control tool (" + PROGRAM + ") version " + dev.jtpm.server.SwtpmSocket.VERSION
                + ", swtpm_ioctl 0.7.1 compatible";
    }

    private static void usage(PrintStream out) {
        out.println(versionLine());
        out.printf("%nUsage: %s command <device path>%n%n", PROGRAM);
        out.print("""
                The following commands are supported:
                --tpm-device <device> : use the given device (a CUSE TPM)
                --tcp [<host>]:[<prt>]: connect to TPM on given host and port;
                                        default host is 127.0.0.1, default port is %d
                --unix <path>         : connect to TPM using UnixIO socket
                -c                    : get ptm capabilities
                -i                    : do a hardware TPM_Init; if volatile state is found,
                                        it will resume the TPM with it and delete it
                                        afterwards
                --stop                : stop the TPM without exiting
                -s                    : shutdown the TPM; stops and exists
                -e                    : get the tpmEstablished bit
                -r <loc>              : reset the tpmEstablished bit; use the given locality
                -v                    : store the TPM's volatile data
                -C                    : cancel an ongoing TPM command
                -l <loc>              : set the locality to the given number; valid
                                        localities are 0-4
                -h <data>             : hash the given data; if data is '-' then data are
                                        read from stdin
                --save <type> <file>  : store the TPM state blob of given type in a file;
                                        type may be one of volatile, permanent, or savestate
                --load <type> <file>  : load the TPM state blob of given type from a file;
                                        type may be one of volatile, permanent, or savestate
                -g                    : get configuration flags indicating which keys are in
                                        use
                -b <buffersize>       : set the buffer size of the TPM and get its current
                                        size; get minimum and maximum supported sizes
                --info <flags>        : get TPM implementation specific information;
                                        flags must be an integer value
                --lock-storage <n>    : lock the storage after it was unlocked; retry
                                        n times with 10ms delay in between
                -V, --version         : display version and exit
                --help                : display help screen and exit

                """.formatted(DEFAULT_TCP_PORT));
    }

    /** The C library's text for an I/O error, as swtpm_ioctl prints strerror(errno). */
    static String strerror(IOException e) {
        if (e == null) return "Connection refused";
        if (e instanceof EOFException) return "Connection reset by peer";
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        String m = e.getMessage();
        if (e instanceof FileSystemException f && f.getReason() != null) m = f.getReason();
        if (m == null) return e.getClass().getSimpleName();
        if (m.equals("Connection reset")) return "Connection reset by peer";
        return m;
    }

    /** sscanf("%u"): leading blanks, an optional sign, digits; a negative value wraps, a huge one saturates. Null if no digits. */
    static Long scanUnsigned(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) neg = s.charAt(i++) == '-';
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        if (i == start) return null;
        BigInteger v = new BigInteger(s.substring(start, i));
        BigInteger max = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        if (v.compareTo(max) > 0) v = max;
        else if (neg) v = BigInteger.ONE.shiftLeft(64).subtract(v).and(max);
        return v.longValue() & 0xFFFFFFFFL;
    }

    /** strtoul(s, &end, 0) with errno and *end checked as swtpm_ioctl does: null when rejected. */
    static Long strtoul(String s) {
        if (s.isEmpty()) return 0L;   // no digits: end = s, which is the terminating NUL
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        if (i == s.length()) return null;
        boolean neg = false;
        if (s.charAt(i) == '+' || s.charAt(i) == '-') neg = s.charAt(i++) == '-';
        int radix = 10;
        if (s.startsWith("0x", i) || s.startsWith("0X", i)) {
            if (i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
                radix = 16;
                i += 2;
            }
        } else if (s.startsWith("0", i)) {
            radix = 8;
        }
        int start = i;
        while (i < s.length() && Character.digit(s.charAt(i), radix) >= 0) i++;
        if (i == start || i != s.length()) return null;
        BigInteger v = new BigInteger(s.substring(start, i), radix);
        if (v.bitLength() > 64) return null;   // ERANGE
        return neg ? v.negate().longValue() : v.longValue();
    }
}
