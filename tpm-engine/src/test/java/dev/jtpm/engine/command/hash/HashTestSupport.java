package dev.jtpm.engine.command.hash;

import dev.jtpm.engine.TestTpm;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.command.HashSequenceStart;
import dev.jtpm.types.command.PcrRead;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Helpers for the hash tests; expected values are computed here with the JCA, independently of the engine. */
final class HashTestSupport {
    private HashTestSupport() {}

    static TpmState state(TestTpm t) { return t.state(); }

    /** H(parts...) with the JCA digest of a TPM hash algorithm. */
    static Bytes hash(int alg, byte[]... parts) { return TestTpm.hash(alg, parts); }

    /** The TPMT_TK_HASHCHECK HMAC as libtpms computes it: HMAC-SHA512(proof, 0x8024 || hashAlg || digest). */
    static Bytes hashCheckHmac(Secret proof, int hashAlg, Bytes digest) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(proof.toArray(), "HmacSHA512"));
            mac.update(ByteBuffer.allocate(4).putShort((short) 0x8024).putShort((short) hashAlg).array());
            mac.update(digest.toArray());
            return Bytes.wrap(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code n} pseudo-random bytes that do not begin with TPM_GENERATED_VALUE. */
    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        if (n > 0) b[0] = 0x01;
        return b;
    }

    /** PCR_Read of one PCR in one bank; null when the PCR is not allocated in that bank. */
    static Bytes pcr(TestTpm t, int alg, int pcr) {
        var r = t.run(new PcrRead(new TpmlPcrSelection(List.of(TpmsPcrSelection.of(alg, pcr))))).orThrow();
        return r.pcrValues().digests().isEmpty() ? null : r.pcrValues().digests().get(0);
    }

    /** pcrUpdateCounter as PCR_Read reports it. */
    static int pcrUpdateCounter(TestTpm t) {
        return t.run(new PcrRead(new TpmlPcrSelection(List.of()))).orThrow().pcrUpdateCounter();
    }

    /** H(old || digest): the value of a PCR after an extend. */
    static Bytes extended(int alg, Bytes old, Bytes digest) { return hash(alg, old.toArray(), digest.toArray()); }

    /** A digest-sized buffer of zeros whose last octet is {@code last}. */
    static Bytes zerosEndingWith(int alg, int last) {
        byte[] b = new byte[TpmAlg.digestSize(alg)];
        b[b.length - 1] = (byte) last;
        return Bytes.wrap(b);
    }

    /** Starts a sequence with an empty password and returns its handle. */
    static int start(TestTpm t, int hashAlg) {
        return t.run(new HashSequenceStart(Bytes.EMPTY, hashAlg)).orThrow().sequenceHandle();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    /** TPM_GENERATED_VALUE alone. */
    static byte[] tpmGenerated() { return tpmGenerated(new byte[0]); }

    /** TPM_GENERATED_VALUE followed by {@code rest}. */
    static byte[] tpmGenerated(byte[] rest) {
        return concat(new byte[] {(byte) 0xFF, 'T', 'C', 'G'}, rest);
    }
}
