package dev.jtpm.wire;

/** One unit decoded from a swtpm data channel: a TPM command, or input that cannot be one. */
public sealed interface DataFrame {

    /**
     * A complete TPM command.
     *
     * <p>The array is not copied, neither here nor by the accessor: {@link DataFrameDecoder} hands
     * over a fresh array it keeps no reference to, and the server passes it straight to the TPM (the
     * defensive copies were two of the three copies of every command on the data path).
     *
     * @param command the command bytes, header included; owned by the receiver of the frame
     * @param locality the locality from a TPM_SEND_COMMAND envelope, or -1 for a raw command
     */
    record Command(byte[] command, int locality) implements DataFrame {
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
