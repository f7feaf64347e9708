package dev.jtpm.engine.state;

import dev.jtpm.crypto.Cmac;
import dev.jtpm.engine.crypto.Tickets;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.TpmiAlgHash;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.TpmCodec;
import dev.jtpm.types.codec.Wire.U16;
import dev.jtpm.types.codec.Wire.U8;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.ExtendedDigest;
import org.bouncycastle.crypto.digests.EncodableDigest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;

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
 * <p>The object is mutable and lives in one transient slot; it is never shared between TPMs. Its running
 * state can be marshalled ({@link #marshal()}, for the volatile-state blob) and continued in another TPM: the
 * digests are Bouncy Castle's, whose state can be exported (the JCA's cannot), an HMAC is computed from its
 * inner digest and the padded key (RFC 2104), a CMAC is tpm-crypto's with {@link Cmac#runningState()}.
 */
public final class HashSequence implements TransientObject {
    /** What the sequence computes. */
    public enum Kind { HASH, EVENT, HMAC }

    private static final byte IPAD = 0x36, OPAD = 0x5C;

    private final Kind kind;
    private final int hashAlg;
    private final Secret authValue;
    private final int[] algs;
    /** The running digests: one per alg of a hash or event sequence; the inner digest of an HMAC. */
    private final ExtendedDigest[] digests;
    /** HMAC: the key padded to the hash's block size (K0 of RFC 2104 / FIPS 198-1); empty otherwise. */
    private final Secret hmacKey;
    /** CMAC: the cipher and its key, and the MAC in progress; null otherwise. */
    private final int cmacCipher;
    private final Secret cmacKey;
    private final Cmac cmac;
    private boolean firstBlockSeen;
    private boolean ticketSafe;

    private HashSequence(Kind kind, int hashAlg, Secret authValue, int[] algs, ExtendedDigest[] digests, Secret hmacKey,
                         int cmacCipher, Secret cmacKey, Cmac cmac) {
        this.kind = kind;
        this.hashAlg = hashAlg;
        this.authValue = authValue.trimTrailingZeros();
        this.algs = algs;
        this.digests = digests;
        this.hmacKey = hmacKey;
        this.cmacCipher = cmacCipher;
        this.cmacKey = cmacKey;
        this.cmac = cmac;
    }

    private static HashSequence digesting(Kind kind, int hashAlg, Secret authValue, int[] algs) {
        ExtendedDigest[] d = new ExtendedDigest[algs.length];
        for (int i = 0; i < algs.length; i++) d[i] = newDigest(algs[i]);
        return new HashSequence(kind, hashAlg, authValue, algs, d, Secret.EMPTY, TpmAlg.NULL, null, null);
    }

    /**
     * An HMAC sequence (TPM2_HMAC_Start, Part 3, 17.2) over {@code hashAlg} with {@code key}, the
     * keyed-hash object's sensitive data; {@link #finish} returns the HMAC.
     */
    public static HashSequence hmac(int hashAlg, Secret key, Secret authValue) {
        TpmiAlgHash.check(hashAlg, false);
        ExtendedDigest inner = newDigest(hashAlg);
        int block = inner.getByteLength();
        byte[] k = key.toArray();
        if (k.length > block) {
            ExtendedDigest h = newDigest(hashAlg);
            h.update(k, 0, k.length);
            k = new byte[h.getDigestSize()];
            h.doFinal(k, 0);
        }
        byte[] k0 = Arrays.copyOf(k, block);
        byte[] ipad = k0.clone();
        for (int i = 0; i < block; i++) ipad[i] ^= IPAD;
        inner.update(ipad, 0, block);
        return new HashSequence(Kind.HMAC, hashAlg, authValue, new int[] {hashAlg}, new ExtendedDigest[] {inner},
                Secret.of(k0), TpmAlg.NULL, null, null);
    }

    /**
     * A CMAC sequence (TPM2_MAC_Start, Part 3, 17.3) with a symcipher key: {@code cipher} and its key octets;
     * {@link #finish} returns the CMAC. It is a MAC sequence like an HMAC one ({@link #isHmac}: no ticket);
     * its {@link #hashAlg} is TPM_ALG_CMAC.
     */
    public static HashSequence cmac(int cipher, byte[] key, Secret authValue) {
        return new HashSequence(Kind.HMAC, TpmAlg.CMAC, authValue, new int[] {TpmAlg.CMAC}, new ExtendedDigest[0],
                Secret.EMPTY, cipher, Secret.of(key), new Cmac(cipher, key));
    }

    /** A hash sequence over {@code hashAlg} (an implemented hash). */
    public static HashSequence hash(int hashAlg, Secret authValue) {
        TpmiAlgHash.check(hashAlg, false);
        return digesting(Kind.HASH, hashAlg, authValue, new int[] {hashAlg});
    }

    /** An event sequence: one digest per implemented hash. */
    public static HashSequence event(Secret authValue) {
        return digesting(Kind.EVENT, TpmAlg.NULL, authValue, TpmiAlgHash.IMPLEMENTED.clone());
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
        for (ExtendedDigest d : digests) d.update(data, 0, data.length);
        if (cmac != null) cmac.update(data);
    }

    /**
     * True if a TPMT_TK_HASHCHECK ticket may be produced for the finished digest. A sequence that
     * saw no block before completion is judged by {@code lastBlock}, the data completing it.
     */
    public boolean ticketSafe(Bytes lastBlock) {
        return firstBlockSeen ? ticketSafe : startsSafely(lastBlock.unsafeArray());
    }

    /** The finished digest (or MAC) of a hash or MAC sequence, after adding {@code lastBlock}. The sequence is then spent. */
    public Bytes finish(Bytes lastBlock) {
        byte[] last = lastBlock.unsafeArray();
        if (cmac != null) return Bytes.wrap(cmac.doFinal(last));
        byte[] d = complete(digests[0], last);
        if (kind != Kind.HMAC) return Bytes.wrap(d);
        byte[] opad = hmacKey.toArray();
        for (int i = 0; i < opad.length; i++) opad[i] ^= OPAD;
        ExtendedDigest outer = newDigest(hashAlg);
        outer.update(opad, 0, opad.length);
        return Bytes.wrap(complete(outer, d));
    }

    /**
     * The finished digests of an event sequence, one per implemented hash in
     * {@link TpmiAlgHash#IMPLEMENTED} order, after adding {@code lastBlock}. The sequence is then spent.
     */
    public List<Bytes> finishAll(Bytes lastBlock) {
        List<Bytes> out = new ArrayList<>(digests.length);
        for (ExtendedDigest d : digests) out.add(Bytes.wrap(complete(d, lastBlock.unsafeArray())));
        return out;
    }

    /** The hashes this sequence runs, in the order {@link #finishAll} returns them. */
    public int[] algs() { return algs.clone(); }

    private static byte[] complete(ExtendedDigest d, byte[] last) {
        d.update(last, 0, last.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    /** Part 3, 17.4 and ms-tpm's TicketIsSafe: a block is safe unless it may start a TPM-generated structure. */
    private static boolean startsSafely(byte[] b) {
        return b.length >= 4 && !Tickets.startsWithTpmGenerated(b);
    }

    private static ExtendedDigest newDigest(int alg) {
        return switch (alg) {
            case TpmAlg.SHA1 -> new SHA1Digest();
            case TpmAlg.SHA256 -> new SHA256Digest();
            case TpmAlg.SHA384 -> new SHA384Digest();
            case TpmAlg.SHA512 -> new SHA512Digest();
            default -> throw new IllegalArgumentException("no sequence digest for 0x" + Integer.toHexString(alg));
        };
    }

    private static ExtendedDigest resumeDigest(int alg, byte[] state) {
        return switch (alg) {
            case TpmAlg.SHA1 -> new SHA1Digest(state);
            case TpmAlg.SHA256 -> new SHA256Digest(state);
            case TpmAlg.SHA384 -> new SHA384Digest(state);
            case TpmAlg.SHA512 -> new SHA512Digest(state);
            default -> throw new IllegalArgumentException("no sequence digest for 0x" + Integer.toHexString(alg));
        };
    }

    // ---------------------------------------------------------------- saved form

    /**
     * The marshalled sequence (volatile-state blob): kind, hash (TPM_ALG_CMAC for a CMAC), authValue, the
     * ticket facts, the algorithms and their running digest states (Bouncy Castle's encoded state), the padded
     * HMAC key, and the CMAC cipher, key and running state.
     */
    record Stored(@U8 int kind, @U16 int hashAlg, Secret authValue, boolean firstBlockSeen, boolean ticketSafe,
                  @U16 List<Integer> algs, List<Bytes> digestStates, Secret hmacKey, @U16 int cmacCipher, Secret cmacKey,
                  Bytes cmacState) {}

    /** This sequence in progress, marshalled (secrets included: the caller stores it as state). */
    public byte[] marshal() {
        List<Bytes> states = new ArrayList<>(digests.length);
        for (ExtendedDigest d : digests) states.add(Bytes.wrap(((EncodableDigest) d).getEncodedState()));
        return TpmCodec.encode(new Stored(kind.ordinal(), hashAlg, authValue, firstBlockSeen, ticketSafe,
                Arrays.stream(algs).boxed().toList(), states, hmacKey, cmacCipher,
                cmacKey == null ? Secret.EMPTY : cmacKey, cmac == null ? Bytes.EMPTY : Bytes.wrap(cmac.runningState())));
    }

    /** A sequence from {@link #marshal()}; TPM_RC_FAILURE when the octets are not one. */
    public static HashSequence unmarshal(byte[] b) {
        try {
            Stored st = TpmCodec.decode(Stored.class, b);
            Kind[] kinds = Kind.values();
            if (st.kind() >= kinds.length) throw new IllegalArgumentException("kind");
            Kind kind = kinds[st.kind()];
            int[] algs = st.algs().stream().mapToInt(Integer::intValue).toArray();
            HashSequence seq;
            if (st.cmacCipher() != TpmAlg.NULL) {
                byte[] key = st.cmacKey().toArray();
                seq = new HashSequence(Kind.HMAC, TpmAlg.CMAC, st.authValue(), new int[] {TpmAlg.CMAC}, new ExtendedDigest[0],
                        Secret.EMPTY, st.cmacCipher(), st.cmacKey(), Cmac.resume(st.cmacCipher(), key, st.cmacState().toArray()));
            } else {
                if (algs.length != st.digestStates().size() || algs.length == 0) throw new IllegalArgumentException("digests");
                ExtendedDigest[] d = new ExtendedDigest[algs.length];
                for (int i = 0; i < algs.length; i++) d[i] = resumeDigest(algs[i], st.digestStates().get(i).toArray());
                seq = new HashSequence(kind, st.hashAlg(), st.authValue(), algs, d, st.hmacKey(), TpmAlg.NULL, null, null);
            }
            seq.firstBlockSeen = st.firstBlockSeen();
            seq.ticketSafe = st.ticketSafe();
            return seq;
        } catch (RuntimeException e) {
            throw new TpmFailure(TpmRc.FAILURE);
        }
    }
}
