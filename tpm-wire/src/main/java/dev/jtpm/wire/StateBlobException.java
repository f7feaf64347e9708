package dev.jtpm.wire;

/** A swtpm state blob that cannot be read; carries the ptm result swtpm answers for it. */
public final class StateBlobException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int ptmResult;

    /** A failure with the given {@link Ptm} result code. */
    public StateBlobException(int ptmResult, String message) {
        super(message);
        this.ptmResult = ptmResult;
    }

    /** The {@link Ptm} result code for a control-channel reply. */
    public int ptmResult() { return ptmResult; }
}
