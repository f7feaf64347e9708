package dev.jtpm.eve;

import com.google.protobuf.ByteString;
import dev.jtpm.eve.proto.EveTPMRequest;
import dev.jtpm.eve.proto.EveTPMResponse;
import dev.jtpm.eve.proto.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One request, in the reference's order ({@code handleRequest}): check ({@link CommandPolicy}), make a private working
 * directory, write the input files, run the tool ({@link ToolRunner}), answer its output or
 * {@code Backend failure while serving the request: Error <n>}, collect the expected files in request order
 * ({@code Expected file not found <name>} stops there), and always remove the working directory.
 *
 * <p>The working directory is a fresh {@code client_wd_<ip>_<port>_<random>} (mode 0700) under the server's own root,
 * never reused; files are written and read without following links; expected files larger than the reply can carry
 * are not read. A reply above {@link EveFrame#MAX_MESSAGE} is replaced by {@code Response size <n> is too large}
 * (the reference sends nothing).
 */
public final class RequestHandler {

    /** The prefix of every failed tool run's reply. */
    public static final String BACKEND_FAILURE = "Backend failure while serving the request: Error ";

    /** The reply when the tool lock could not be had in time or the worker cap is reached (EVE ≥ 10.1's text). */
    public static final String BUSY = "Server busy, try again later.";

    /** Runs one tool in a working directory: {@link ToolRunner#run}, or a stand-in that starts no process (the fuzz target). */
    @FunctionalInterface
    interface Tool {
        ToolRunner.Result run(String tool, java.util.List<String> arguments, Path workDir) throws InterruptedException;
    }

    private final Tool runner;
    private final Duration toolTimeout;
    private final Path workRoot;
    private final Semaphore turn; // null: tools may run side by side
    private final Duration turnWait;

    /**
     * @param runner runs the tools
     * @param workRoot the directory working directories are made in
     * @param serialize whether tool runs take turns
     * @param turnWait how long a request waits for its turn before it is answered {@link #BUSY}
     */
    public RequestHandler(ToolRunner runner, Path workRoot, boolean serialize, Duration turnWait) {
        this(runner::run, runner.timeout(), workRoot, serialize, turnWait);
    }

    /** As the public constructor, with {@code tool} in place of a {@link ToolRunner} whose time limit is {@code toolTimeout}. */
    RequestHandler(Tool tool, Duration toolTimeout, Path workRoot, boolean serialize, Duration turnWait) {
        this.runner = tool;
        this.toolTimeout = toolTimeout;
        this.workRoot = workRoot;
        this.turn = serialize ? new Semaphore(1, true) : null;
        this.turnWait = turnWait;
    }

    /** Handles a parsed request; {@code peer} names the working directory ("a.b.c.d_port"). Never throws but for an interrupt. */
    public EveTPMResponse handle(EveTPMRequest request, String peer) throws InterruptedException {
        var refusal = CommandPolicy.check(request);
        if (refusal.isPresent()) return text(refusal.get());
        CommandPolicy.CommandLine line = CommandPolicy.split(request.getCommand());
        Path wd;
        try {
            wd = Files.createTempDirectory(workRoot, "client_wd_" + peer + "_",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            return text("Unable to create client specific working dir: " + e.getMessage());
        }
        try {
            return inWorkDir(request, line, wd);
        } finally {
            removeTree(wd);
        }
    }

    private EveTPMResponse inWorkDir(EveTPMRequest request, CommandPolicy.CommandLine line, Path wd) throws InterruptedException {
        for (File f : request.getInputFilesList()) {
            try {
                Files.write(wd.resolve(f.getName()), f.getContent().toByteArray(), StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return text("Unable to open input file " + f.getName());
            }
        }
        ToolRunner.Result result;
        if (turn != null && !turn.tryAcquire(turnWait.toMillis(), TimeUnit.MILLISECONDS)) return text(BUSY);
        try {
            result = runner.run(line.tool(), line.arguments(), wd);
        } finally {
            if (turn != null) turn.release();
        }
        if (result.exitCode() != 0) {
            return text(BACKEND_FAILURE + result.exitCode()
                    + (result.timedOut() ? " (the tool ran longer than " + toolTimeout.toSeconds() + " s and was killed)" : ""));
        }
        EveTPMResponse.Builder reply = EveTPMResponse.newBuilder().setResponse(ByteString.copyFrom(result.output()));
        for (String name : request.getExpectedFilesList()) {
            Path file = wd.resolve(name);
            try {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!attrs.isRegularFile()) {
                    reply.setResponse(ByteString.copyFromUtf8("Expected file not found " + name));
                    break;
                }
                if (attrs.size() > EveFrame.MAX_MESSAGE) return tooLarge(attrs.size());
                reply.addOutputFiles(File.newBuilder().setName(name).setContent(ByteString.copyFrom(Files.readAllBytes(file))));
            } catch (IOException e) {
                reply.setResponse(ByteString.copyFromUtf8("Expected file not found " + name));
                break;
            }
        }
        EveTPMResponse r = reply.build();
        if (r.getSerializedSize() > EveFrame.MAX_MESSAGE) return tooLarge(r.getSerializedSize());
        return r;
    }

    private static EveTPMResponse tooLarge(long size) {
        return text("Response size " + size + " is too large (at most " + EveFrame.MAX_MESSAGE + ")");
    }

    /** A reply carrying only a text. */
    public static EveTPMResponse text(String s) {
        return EveTPMResponse.newBuilder().setResponse(ByteString.copyFrom(s, StandardCharsets.UTF_8)).build();
    }

    /** Removes a working directory and everything in it, links not followed; false when something stayed. */
    static boolean removeTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
