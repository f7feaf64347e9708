package dev.jtpm.wire;

/** One unit decoded from a swtpm data channel: a TPM command, or input that cannot be one. */
public sealed interface DataFrame {

    /**
     * A complete TPM command.
     *
     * @param command the command bytes, header included (a copy is kept)
     * @param locality the locality from a TPM_SEND_COMMAND envelope, or -1 for a raw command
     */
    record Command(byte[] command, int locality) implements DataFrame {
        public Command {
            command = command.clone();
        }

        @Override
        public byte[] command() { return command.clone(); }

        /** True when the command came in a TPM_SEND_COMMAND envelope (answer with one, too). */
        public boolean enveloped() { return locality >= 0; }
    }

    /**
     * A header whose size field is below 10 or above the buffer size: the stream cannot be
     * resynchronized, so the server answers TPM_RC_COMMAND_SIZE and drops the connection.
     *
     * @param claimedSize the size field as received
     * @param enveloped whether it came in a TPM_SEND_COMMAND envelope
     */
    record Malformed(long claimedSize, boolean enveloped) implements DataFrame {}
}
