package dev.jtpm.engine.state;

import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.TpmiAlgHash;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * A hash, HMAC or event sequence object (Part 1, 17.6.4; Part 3, 17): the digests in progress and the
 * authValue that TPM2_HashSequenceStart gave it.
 *
 * <p>A hash sequence runs one digest ({@link #hashAlg()}); an event sequence (started with
 * TPM_ALG_NULL, or by _TPM_Hash_Start) runs one digest per implemented hash, in
 * {@link TpmiAlgHash#IMPLEMENTED} order. A hash sequence also remembers whether its first block
 * made it unsafe for a TPMT_TK_HASHCHECK ticket (Part 3, 17.4): as in the reference
 * implementation, the first block decides, and a first block shorter than TPM_GENERATED_VALUE
 * counts as unsafe.
 *
 * <p>The object is mutable and lives in one transient slot; it is never shared between TPMs.
 */
public final class HashSequence implements TransientObject {
    /** What the sequence computes. */
    public enum Kind { HASH, EVENT, HMAC }

    private final Kind kind;
    private final int hashAlg;
    private final Secret authValue;
    private final int[] algs;
    private final MessageDigest[] digests;
    private final javax.crypto.Mac mac;
    private final dev.jtpm.crypto.Cmac cmac;
    private boolean firstBlockSeen;
    private boolean ticketSafe;

    private HashSequence(Kind kind, int hashAlg, Secret authValue, int[] algs) {
        this.kind = kind;
        this.hashAlg = hashAlg;
        this.authValue = authValue.trimTrailingZeros();
        this.algs = algs;
        this.digests = new MessageDigest[algs.length];
        for (int i = 0; i < algs.length; i++) digests[i] = PcrBanks.digest(algs[i]);
        this.mac = null;
        this.cmac = null;
    }

    private HashSequence(int hashAlg, Secret authValue, javax.crypto.Mac mac, dev.jtpm.crypto.Cmac cmac) {
        this.kind = Kind.HMAC;
        this.hashAlg = hashAlg;
        this.authValue = authValue.trimTrailingZeros();
        this.algs = new int[] {hashAlg};
        this.digests = new MessageDigest[0];
        this.mac = mac;
        this.cmac = cmac;
    }

    /**
     * An HMAC sequence (TPM2_HMAC_Start, Part 3, 17.2) over {@code hashAlg} with {@code key}, the
     * keyed-hash object's sensitive data; {@link #finish} returns the HMAC.
     */
    public static HashSequence hmac(int hashAlg, Secret key, Secret authValue) {
        TpmiAlgHash.check(hashAlg, false);
        return new HashSequence(hashAlg, authValue, dev.jtpm.crypto.Hashes.hmac(hashAlg, key.toArray()), null);
    }

    /**
     * A CMAC sequence (TPM2_MAC_Start, Part 3, 17.3) with a symcipher key: {@code cipher} and its key octets;
     * {@link #finish} returns the CMAC. It is a MAC sequence like an HMAC one ({@link #isHmac}: no ticket);
     * its {@link #hashAlg} is TPM_ALG_CMAC.
     */
    public static HashSequence cmac(int cipher, byte[] key, Secret authValue) {
        return new HashSequence(dev.jtpm.types.TpmAlg.CMAC, authValue, null, new dev.jtpm.crypto.Cmac(cipher, key));
    }

    /** A hash sequence over {@code hashAlg} (an implemented hash). */
    public static HashSequence hash(int hashAlg, Secret authValue) {
        TpmiAlgHash.check(hashAlg, false);
        return new HashSequence(Kind.HASH, hashAlg, authValue, new int[] {hashAlg});
    }

    /** An event sequence: one digest per implemented hash. */
    public static HashSequence event(Secret authValue) {
        return new HashSequence(Kind.EVENT, TpmAlg.NULL, authValue, TpmiAlgHash.IMPLEMENTED.clone());
    }

    public Kind kind() { return kind; }

    public boolean isEvent() { return kind == Kind.EVENT; }

    /** True for an HMAC sequence (no ticket; not an event sequence). */
    public boolean isHmac() { return kind == Kind.HMAC; }

    /** The hash of a hash sequence; TPM_ALG_NULL for an event sequence. */
    public int hashAlg() { return hashAlg; }

    /** The authValue (trailing zero octets already removed, Part 1, 19.6.4). */
    @Override public Secret authValue() { return authValue; }

    /** Sequence objects are in the NULL hierarchy (ms-tpm marks them temporary). */
    @Override public int hierarchy() { return dev.jtpm.types.TpmRh.NULL; }

    /**
     * Adds data to every digest. For a hash sequence the first call decides whether a ticket may
     * be produced: not when the block is shorter than, or begins with, TPM_GENERATED_VALUE.
     */
    public void update(byte[] data) {
        if (!firstBlockSeen) {
            firstBlockSeen = true;
            ticketSafe = startsSafely(data);
        }
        for (MessageDigest md : digests) md.update(data);
        if (mac != null) mac.update(data);
        if (cmac != null) cmac.update(data);
    }

    /**
     * True if a TPMT_TK_HASHCHECK ticket may be produced for the finished digest. A sequence that
     * saw no block before completion is judged by {@code lastBlock}, the data completing it.
     */
    public boolean ticketSafe(Bytes lastBlock) {
        return firstBlockSeen ? ticketSafe : startsSafely(lastBlock.unsafeArray());
    }

    /** The finished digest of a hash sequence, after adding {@code lastBlock}. The sequence is then spent. */
    public Bytes finish(Bytes lastBlock) {
        if (mac != null) return Bytes.wrap(mac.doFinal(lastBlock.unsafeArray()));
        if (cmac != null) return Bytes.wrap(cmac.doFinal(lastBlock.unsafeArray()));
        digests[0].update(lastBlock.unsafeArray());
        return Bytes.wrap(digests[0].digest());
    }

    /**
     * The finished digests of an event sequence, one per implemented hash in
     * {@link TpmiAlgHash#IMPLEMENTED} order, after adding {@code lastBlock}. The sequence is then spent.
     */
    public List<Bytes> finishAll(Bytes lastBlock) {
        List<Bytes> out = new ArrayList<>(digests.length);
        for (MessageDigest md : digests) {
            md.update(lastBlock.unsafeArray());
            out.add(Bytes.wrap(md.digest()));
        }
        return out;
    }

    /** The hashes this sequence runs, in the order {@link #finishAll} returns them. */
    public int[] algs() { return algs.clone(); }

    /** Part 3, 17.4 and ms-tpm's TicketIsSafe: a block is safe unless it may start a TPM-generated structure. */
    private static boolean startsSafely(byte[] b) {
        return b.length >= 4 && !Tickets.startsWithTpmGenerated(b);
    }
}
