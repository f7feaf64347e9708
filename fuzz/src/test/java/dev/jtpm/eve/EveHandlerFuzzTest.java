package dev.jtpm.eve;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jtpm.eve.proto.EveTPMRequest;
import dev.jtpm.eve.proto.EveTPMResponse;
import dev.jtpm.eve.proto.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * EVE's PTPM request handling past the policy ({@link RequestHandler}): the private working directory, the input
 * files written into it, the tool's exit code and output, the expected files collected in request order, the size
 * limit, and the working directory removed — with a stand-in tool that starts no process but leaves in the working
 * directory what the input says: regular files (some larger than a reply can carry), directories, symbolic links to a
 * file and to a directory outside the working root, files removed.
 *
 * <p>Input: a big-endian UINT16 length, that many octets of {@code EveTPMRequest}, then the tool's script (see
 * {@link FakeTool}). Contract: {@code handle} never throws; the reply is at most {@link EveFrame#MAX_MESSAGE} when
 * serialized; the tool runs only for a request the policy lets through, in a fresh 0700 directory under the working
 * root, and finds the input files there; a failed run is answered {@link RequestHandler#BACKEND_FAILURE} and nothing
 * else; the output files are the expected files in request order up to the first that is not a regular file
 * (answered {@code Expected file not found <name>}), each with what the tool left there — never the content behind
 * a link; afterwards the working root is empty and what the links pointed at is untouched.
 */
class EveHandlerFuzzTest {
    private static final byte[] SECRET = "outside the working root: never in a reply".getBytes(StandardCharsets.US_ASCII);
    private static Path root;
    private static Path work;
    private static Path secretFile;
    private static Path outsideDir;

    private static synchronized void world() {
        if (root != null) return;
        try {
            root = Files.createTempDirectory("jtpm-fuzz-eve");
            work = Files.createDirectory(root.resolve("work"));
            secretFile = Files.write(root.resolve("secret"), SECRET);
            outsideDir = Files.createDirectory(root.resolve("outside"));
            Files.write(outsideDir.resolve("kept"), SECRET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void request(byte[] data) throws Exception {
        world();
        if (data.length < 2) return;
        int length = Math.min(((data[0] & 0xff) << 8) | (data[1] & 0xff), data.length - 2);
        EveTPMRequest request;
        try {
            request = EveTPMRequest.parseFrom(Arrays.copyOfRange(data, 2, 2 + length));
        } catch (InvalidProtocolBufferException e) {
            return; // EveRequestFuzzTest covers the parse
        }
        FakeTool tool = new FakeTool(Arrays.copyOfRange(data, 2 + length, data.length), request);
        RequestHandler handler = new RequestHandler(tool, Duration.ofSeconds(30), work, false, Duration.ofSeconds(1));
        EveTPMResponse reply = handler.handle(request, "127.0.0.1_1");
        check(request, tool, reply);
    }

    private static void check(EveTPMRequest request, FakeTool tool, EveTPMResponse reply) throws IOException {
        if (reply == null) throw new AssertionError("no reply");
        if (reply.getSerializedSize() > EveFrame.MAX_MESSAGE) throw new AssertionError("a reply above the limit: " + reply.getSerializedSize());
        try (Stream<Path> left = Files.list(work)) {
            List<Path> l = left.toList();
            if (!l.isEmpty()) throw new AssertionError("the working root is not empty after the request: " + l);
        }
        if (!Arrays.equals(Files.readAllBytes(secretFile), SECRET) || !Files.exists(outsideDir.resolve("kept"), LinkOption.NOFOLLOW_LINKS)) {
            throw new AssertionError("a file outside the working root was changed or removed");
        }
        String text = reply.getResponse().toStringUtf8();
        boolean refused = CommandPolicy.check(request).isPresent();
        if (refused != (tool.workDir == null)) throw new AssertionError("the tool ran for a refused request, or not for an allowed one");
        if (refused) {
            if (reply.getOutputFilesCount() != 0) throw new AssertionError("output files for a refused request");
            return;
        }
        if (tool.problem != null) throw new AssertionError(tool.problem);
        for (File f : reply.getOutputFilesList()) {
            if (Arrays.equals(f.getContent().toByteArray(), SECRET)) throw new AssertionError("the reply carries what a link pointed at");
        }
        if (tool.exitCode != 0) {
            if (!text.startsWith(RequestHandler.BACKEND_FAILURE + tool.exitCode) || reply.getOutputFilesCount() != 0) {
                throw new AssertionError("a failed run answered otherwise: " + text);
            }
            return;
        }
        if (text.startsWith("Response size ")) {
            if (!tool.tooLarge) throw new AssertionError("too large, but nothing large was left: " + text);
            return;
        }
        // the expected files in request order, up to the first that is not a regular file
        List<String> expected = request.getExpectedFilesList();
        int i = 0;
        for (; i < expected.size(); i++) {
            byte[] content = tool.files.get(expected.get(i));
            if (content == null) break;
            if (i >= reply.getOutputFilesCount()) throw new AssertionError("expected file " + expected.get(i) + " missing from the reply");
            File got = reply.getOutputFiles(i);
            if (!got.getName().equals(expected.get(i)) || !Arrays.equals(got.getContent().toByteArray(), content)) {
                throw new AssertionError("output file " + i + " is not what the tool left as " + expected.get(i));
            }
        }
        if (reply.getOutputFilesCount() != i) throw new AssertionError(reply.getOutputFilesCount() + " output files, " + i + " expected");
        String want = i < expected.size() ? "Expected file not found " + expected.get(i) : null;
        if (want != null && !text.equals(want)) throw new AssertionError("answered '" + text + "', not '" + want + "'");
        if (want == null && !Arrays.equals(reply.getResponse().toByteArray(), tool.output)) throw new AssertionError("the tool's output changed");
    }

    /**
     * The stand-in tool. Its script is a list of operations, one octet each (low three bits) with a name octet (an
     * index into the request's expected and input file names and two more) and their arguments: 0 exit code (one
     * the name octet read as a signed number), 1 output (the name octet × 16 octets), 2 a regular file (two octets of size; with bit 7 of the
     * operation octet the size is above what a reply can carry), 3 a directory with a file in it, 4 a link to a file
     * outside, 5 a link to a directory outside, 6 remove a file or link, 7 a directory holding a link to the directory
     * outside. It keeps the model: the regular files it leaves and their contents.
     */
    static final class FakeTool implements RequestHandler.Tool {
        private final byte[] script;
        private final List<String> names = new ArrayList<>();
        final Map<String, byte[]> files = new HashMap<>();
        Path workDir;
        int exitCode;
        byte[] output = new byte[0];
        boolean tooLarge;
        String problem;

        FakeTool(byte[] script, EveTPMRequest request) {
            this.script = script;
            names.addAll(request.getExpectedFilesList());
            for (File f : request.getInputFilesList()) {
                names.add(f.getName());
                files.put(f.getName(), f.getContent().toByteArray()); // the last of one name is the one written
            }
            names.add("out.bin");
            names.add("sub");
        }

        @Override
        public ToolRunner.Result run(String tool, List<String> arguments, Path wd) {
            workDir = wd;
            try {
                if (!wd.getParent().equals(work)) problem = "working directory " + wd + " not under the working root";
                else if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(wd)).equals("rwx------")) problem = "working directory not 0700";
                for (Map.Entry<String, byte[]> f : files.entrySet()) {
                    if (!Arrays.equals(Files.readAllBytes(wd.resolve(f.getKey())), f.getValue())) problem = "input file " + f.getKey() + " not as sent";
                }
                play(wd);
                sizes();
            } catch (IOException e) {
                problem = "the stand-in tool failed: " + e;
            }
            return new ToolRunner.Result(exitCode, output, false);
        }

        private void play(Path wd) throws IOException {
            int p = 0;
            while (p + 1 < script.length) {
                int op = script[p++] & 0xff;
                String name = names.get((script[p++] & 0xff) % names.size());
                Path at = wd.resolve(name);
                boolean free = !Files.exists(at, LinkOption.NOFOLLOW_LINKS);
                switch (op & 7) {
                    case 0 -> exitCode = script[p - 1];
                    case 1 -> output = pattern((script[p - 1] & 0xff) * 16, name);
                    case 2 -> {
                        if (p + 1 >= script.length) return;
                        int size = ((script[p] & 0xff) << 8) | (script[p + 1] & 0xff);
                        p += 2;
                        if ((op & 0x80) != 0) size += EveFrame.MAX_MESSAGE - 64;
                        if (!Files.isRegularFile(at, LinkOption.NOFOLLOW_LINKS) && !free) break;
                        byte[] content = pattern(size, name);
                        Files.write(at, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                                LinkOption.NOFOLLOW_LINKS);
                        files.put(name, content);
                    }
                    case 3 -> {
                        if (!free) break;
                        Files.write(Files.createDirectory(at).resolve("inner"), SECRET);
                    }
                    case 4 -> {
                        if (free) Files.createSymbolicLink(at, secretFile);
                    }
                    case 5 -> {
                        if (free) Files.createSymbolicLink(at, outsideDir);
                    }
                    case 6 -> {
                        if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                            Files.deleteIfExists(at);
                            files.remove(name);
                        }
                    }
                    default -> {
                        if (free) Files.createSymbolicLink(Files.createDirectory(at).resolve("link"), outsideDir);
                    }
                }
            }
        }

        /** Whether what the tool left may make the reply too large (a bound; the reply may also fit). */
        private void sizes() {
            tooLarge = false;
            long total = output.length;
            for (byte[] c : files.values()) {
                if (c.length > EveFrame.MAX_MESSAGE) tooLarge = true;
                total += c.length + 16L;
            }
            if (total > EveFrame.MAX_MESSAGE - 64) tooLarge = true; // a bound: the reply may be too large with all files
        }

        private static byte[] pattern(int size, String name) {
            byte[] b = new byte[size];
            for (int i = 0; i < size; i++) b[i] = (byte) (name.hashCode() + i);
            return b;
        }
    }
}
