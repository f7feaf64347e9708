package dev.jtpm.engine.state;

import dev.jtpm.crypto.Ecdaa;
import dev.jtpm.crypto.EccCurve;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.codec.TpmCodec;

import java.math.BigInteger;
import java.util.OptionalLong;
import java.util.Random;

/**
 * The state of split operations (Part 1 §11.4.7.4, "Commit Counter"; ms-tpm-20-ref's gr.commitNonce,
 * gr.commitCounter and gr.commitArray): TPM2_Commit and TPM2_EC_Ephemeral take a count, TPM2_Sign
 * (ECDAA) and TPM2_ZGen_2Phase use it once.
 *
 * <p>Lifetime: like ms-tpm's state-reset data. A TPM Reset draws a new commit nonce and zeroes the
 * counter and the array (ms-tpm CryptStartup); TPM Restart and Resume keep all three. The counter is
 * 64 bits, of which commands see the low 16; the array has one bit per count modulo 128. A count is
 * usable while its bit is set and the counter has not moved 128 or more past it (ms-tpm
 * CryptGenerateR), so a count is used at most once and an old count cannot alias a new one.
 */
public final class CommitState {
    /** Bits in the commit array (ms-tpm: sizeof(gr.commitArray) · 8). */
    public static final int ARRAY_BITS = 128;
    private static final int MASK = ARRAY_BITS - 1;
    private static final int NONCE_BYTES = 64;

    private final Secret nonce;
    private long counter;
    private final long[] array = new long[ARRAY_BITS / 64]; // two words: Blob assumes ARRAY_BITS = 128

    private CommitState(Secret nonce, long counter, long[] array) {
        this.nonce = nonce;
        this.counter = counter;
        System.arraycopy(array, 0, this.array, 0, this.array.length);
    }

    /** The state after a TPM Reset: a new nonce, counter and array zero. */
    public static CommitState reset(Random entropy) {
        byte[] n = new byte[NONCE_BYTES];
        entropy.nextBytes(n);
        return new CommitState(Secret.of(n), 0, new long[ARRAY_BITS / 64]);
    }

    /** The full counter (the next count TPM2_Commit or TPM2_EC_Ephemeral takes). */
    public long counter() { return counter; }

    /** r for the count the next commit will take (ms-tpm CryptGenerateR with no count); commits nothing. */
    public BigInteger nextRandom(EccCurve curve, Bytes name) {
        return Ecdaa.commitRandom(nonce, name.unsafeArray(), counter, curve);
    }

    /** r of the committed count {@code c} (16 bits), or null when {@code c} is not a usable commitment. */
    public BigInteger committedRandom(int c, EccCurve curve, Bytes name) {
        OptionalLong full = fullCount(c);
        return full.isEmpty() ? null : Ecdaa.commitRandom(nonce, name.unsafeArray(), full.getAsLong(), curve);
    }

    /**
     * The full count of {@code c} if its bit is set and the counter has not passed it by a whole array
     * (ms-tpm CryptGenerateR's checks on the upper bits).
     */
    OptionalLong fullCount(int c) {
        c &= 0xFFFF;
        if (!isSet(c & MASK)) return OptionalLong.empty();
        long current = counter;
        if ((c & MASK) >= ((int) current & MASK)) current -= ARRAY_BITS;
        if ((((int) current & 0xFFFF) & ~MASK) != (c & ~MASK)) return OptionalLong.empty();
        return OptionalLong.of((current & ~0xFFFFL) | c);
    }

    /** Takes the current count (ms-tpm CryptCommit): sets its bit, advances the counter, returns its low 16 bits. */
    public int commit() {
        int old = (int) counter & 0xFFFF;
        counter++;
        array[(old & MASK) >>> 6] |= 1L << (old & 63);
        return old;
    }

    /** Uses up the count {@code c} (ms-tpm CryptEndCommit). */
    public void endCommit(int c) {
        int bit = c & MASK;
        array[bit >>> 6] &= ~(1L << (bit & 63));
    }

    private boolean isSet(int bit) { return (array[bit >>> 6] & (1L << (bit & 63))) != 0; }

    /** The saved form (volatile-state blob, orderly data): the nonce, the full counter, the array's two words. */
    public record Blob(Secret nonce, long counter, long arrayLow, long arrayHigh) {}

    /** The state as octets, through the codec: TPM2B nonce, UINT64 counter, two UINT64 array words. */
    public Bytes toBytes() {
        return Bytes.wrap(TpmCodec.encode(new Blob(nonce, counter, array[0], array[1])));
    }

    /** The state from {@link #toBytes}; null when malformed. */
    public static CommitState fromBytes(Bytes bytes) {
        try {
            Blob b = TpmCodec.decode(Blob.class, bytes.toArray());
            if (b.nonce().size() != NONCE_BYTES) return null;
            return new CommitState(b.nonce(), b.counter(), new long[] {b.arrayLow(), b.arrayHigh()});
        } catch (TpmFailure e) {
            return null;
        }
    }
}
