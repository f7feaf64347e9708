package dev.jtpm.eve;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jtpm.eve.proto.EveTPMRequest;
import java.util.Arrays;
import java.util.Optional;

/**
 * EVE's PTPM request path up to, not including, the tool run: the input is a frame as a client sends it
 * ({@link EveFrame#decode}), its message is parsed as an {@code EveTPMRequest} and checked by {@link CommandPolicy}.
 * No process is started. Contract: a malformed frame is a {@link EveFrame.FrameException}, a malformed message an
 * {@link InvalidProtocolBufferException}, nothing else is thrown; a decoded message is at most the limit long and
 * frames again to the same message; a request the policy lets run names an allowed tool and no argument that chooses
 * the TCTI or names a path.
 */
class EveRequestFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void request(byte[] data) {
        byte[] message;
        try {
            message = EveFrame.decode(data, EveFrame.MAX_MESSAGE);
        } catch (EveFrame.FrameException e) {
            if (e.getMessage() == null || e.getMessage().isEmpty() || e.getMessage().contains("\n")) {
                throw new AssertionError("a frame refusal that is not one line", e);
            }
            return;
        }
        if (message.length > EveFrame.MAX_MESSAGE) throw new AssertionError("a message above the limit: " + message.length);
        try {
            if (!Arrays.equals(EveFrame.decode(EveFrame.encode(message), EveFrame.MAX_MESSAGE), message)) {
                throw new AssertionError("encode/decode does not give the message back");
            }
        } catch (EveFrame.FrameException e) {
            throw new AssertionError("a message jtpm framed does not decode", e);
        }
        EveTPMRequest request;
        try {
            request = EveTPMRequest.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            return; // the server answers these with its parse-error text
        }
        Optional<String> refusal = CommandPolicy.check(request);
        if (refusal.isPresent()) {
            if (refusal.get().isEmpty()) throw new AssertionError("an empty refusal");
            return; // the server sends it as the reply
        }
        CommandPolicy.CommandLine line = CommandPolicy.split(request.getCommand());
        if (!CommandPolicy.ALLOWED.contains(line.tool())) throw new AssertionError("runs a tool not allowed: " + line.tool());
        if (line.arguments().size() > CommandPolicy.MAX_ARGUMENTS) throw new AssertionError("too many arguments allowed");
        for (String arg : line.arguments()) {
            if (CommandPolicy.choosesTcti(arg) || CommandPolicy.namesPath(arg)) throw new AssertionError("allowed argument " + arg);
            if (arg.contains("/") || arg.contains("\\")) throw new AssertionError("a path in an allowed argument " + arg);
            if (arg.startsWith("-T") || arg.equals("--tcti") || arg.startsWith("--tcti=")) throw new AssertionError("a TCTI option allowed: " + arg);
        }
        for (String name : request.getExpectedFilesList()) {
            if (!PlainName.isPlain(name)) throw new AssertionError("an expected file that is a path: " + name);
        }
        for (var f : request.getInputFilesList()) {
            if (!PlainName.isPlain(f.getName())) throw new AssertionError("an input file that is a path: " + f.getName());
        }
    }
}
