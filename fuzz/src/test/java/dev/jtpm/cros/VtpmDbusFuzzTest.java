package dev.jtpm.cros;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.Arrays;
import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * cros-vtpm's D-Bus method {@code org.chromium.Vtpm.SendCommand(ay request)}: the array's decoding as a
 * {@code vtpm.SendCommandRequest} ({@link Protobuf}, by hand) and the reply's encoding, through
 * {@link VtpmService#SendCommand} off the bus (D-Bus itself is dbus-java's), in front of a device that records the
 * command it is given. Differential oracle: protobuf-java's {@link CodedInputStream} reads the same octets as the
 * generated adaptor's C++ parser would (the last {@code command} field wins, unknown fields skipped, groups included;
 * tags and lengths of at most five octets and varints of at most ten, as C++ reads them).
 * Contract: where protobuf-java reads a message, vtpmd hands exactly its {@code command} (empty when absent) to the
 * device and answers a SendCommandResponse carrying the device's response; where protobuf-java refuses, vtpmd answers
 * a D-Bus error with a one-line message and the device sees nothing.
 */
class VtpmDbusFuzzTest {

    /** Records the one command and answers a well-formed response naming its length. */
    static final class RecordingDevice implements dev.jtpm.types.TpmDevice {
        byte[] command;
        byte[] response;

        @Override
        public byte[] execute(byte[] cmd, int locality) {
            if (command != null) throw new AssertionError("two commands for one D-Bus call");
            command = cmd;
            response = new byte[14];
            response[0] = (byte) 0x80;
            response[1] = 1;
            CommandReader.putU32(response, 2, 14);
            CommandReader.putU32(response, 10, cmd.length);
            return response;
        }

        @Override
        public void close() {}
    }

    @FuzzTest(maxDuration = "60s")
    void sendCommand(byte[] request) {
        byte[] reference = referenceCommand(request);
        RecordingDevice device = new RecordingDevice();
        byte[] reply;
        try {
            reply = new VtpmService(device, null).SendCommand(request);
        } catch (DBusExecutionException e) {
            String m = e.getMessage();
            if (m == null || m.isEmpty() || m.contains("\n")) throw new AssertionError("a D-Bus error that is not one line", e);
            if (device.command != null) throw new AssertionError("the device ran a command of a refused request");
            if (reference != null) throw new AssertionError("refused a request protobuf reads (" + m + ")");
            return;
        }
        if (reference == null) throw new AssertionError("served a request protobuf refuses");
        if (!Arrays.equals(device.command, reference)) throw new AssertionError("the device got another command than the request's");
        byte[] answered;
        try {
            answered = referenceField(CodedInputStream.newInstance(reply));
        } catch (IOException e) {
            throw new AssertionError("a reply protobuf cannot read", e);
        }
        if (!Arrays.equals(answered, device.response)) throw new AssertionError("the reply does not carry the device's response");
    }

    /** The request's {@code command} as protobuf-java reads it (empty when absent), or null when it refuses the message. */
    static byte[] referenceCommand(byte[] request) {
        try {
            return referenceField(CodedInputStream.newInstance(request));
        } catch (InvalidProtocolBufferException e) {
            return null;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The last length-delimited field 1 of a message (field 1 as another wire type is an unknown field: skipped), read
     * with protobuf-java's primitives under the C++ parser's rules where the two differ: a tag or a length of more than
     * five octets is refused (protobuf-java reads up to ten and truncates).
     */
    private static byte[] referenceField(CodedInputStream in) throws IOException {
        byte[] last = new byte[0];
        while (true) {
            int tag = readTag(in);
            if (tag == 0) return last;
            if (tag == (1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED)) last = in.readRawBytes(readSize(in));
            else skip(in, tag, 0);
        }
    }

    private static int readTag(CodedInputStream in) throws IOException {
        if (in.isAtEnd()) return 0;
        int before = in.getTotalBytesRead();
        int tag = in.readTag(); // refuses field number 0
        if (in.getTotalBytesRead() - before > 5) throw new InvalidProtocolBufferException("a tag longer than five octets");
        return tag;
    }

    private static int readSize(CodedInputStream in) throws IOException {
        int before = in.getTotalBytesRead();
        int n = in.readRawVarint32();
        if (in.getTotalBytesRead() - before > 5 || n < 0) throw new InvalidProtocolBufferException("a length beyond 2 GiB");
        return n;
    }

    /** A varint of at most ten octets, the last without its continuation bit (protobuf-java's fast path lets one pass). */
    private static void skipVarint(CodedInputStream in) throws IOException {
        for (int i = 0; i < 10; i++) {
            if ((in.readRawByte() & 0x80) == 0) return;
        }
        throw new InvalidProtocolBufferException("a varint longer than ten octets");
    }

    private static void skip(CodedInputStream in, int tag, int depth) throws IOException {
        switch (tag & 7) {
            case WireFormat.WIRETYPE_VARINT -> skipVarint(in);
            case WireFormat.WIRETYPE_FIXED64 -> in.readRawLittleEndian64();
            case WireFormat.WIRETYPE_FIXED32 -> in.readRawLittleEndian32();
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.skipRawBytes(readSize(in));
            case WireFormat.WIRETYPE_START_GROUP -> {
                if (depth >= 100) throw new InvalidProtocolBufferException("groups nested too deep");
                while (true) {
                    int t = readTag(in);
                    if (t == 0) throw new InvalidProtocolBufferException("a group not ended");
                    if ((t & 7) == WireFormat.WIRETYPE_END_GROUP) {
                        if (t >>> 3 != tag >>> 3) throw new InvalidProtocolBufferException("a group ended by another");
                        return;
                    }
                    skip(in, t, depth + 1);
                }
            }
            default -> throw new InvalidProtocolBufferException("wire type " + (tag & 7) + " here");
        }
    }
}
