package dev.jtpm.engine.state;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.TpmiAlgHash;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The PCR values of every implemented bank (TPM-reset lifetime) and the PCR update counter. Only
 * the banks in {@link #allocation()} are in use; the allocation is fixed at _TPM_Init.
 */
public final class PcrBanks {
    private final int[] algs = TpmiAlgHash.IMPLEMENTED;
    private final byte[][][] values = new byte[algs.length][PcrAttributes.COUNT][];
    private int[] allocation; // per implemented alg: bit map of allocated PCRs
    private int updateCounter;

    /** Banks with the given allocation (bit map per alg in {@link TpmiAlgHash#IMPLEMENTED} order). */
    public PcrBanks(int[] allocation) {
        this.allocation = allocation.clone();
        for (int b = 0; b < algs.length; b++) {
            int size = TpmAlg.digestSize(algs[b]);
            for (int p = 0; p < PcrAttributes.COUNT; p++) values[b][p] = new byte[size];
        }
    }

    /** The in-use allocation: a PCR bit map per implemented hash. */
    public int[] allocation() { return allocation.clone(); }

    public int updateCounter() { return updateCounter; }

    public void setUpdateCounter(int v) { updateCounter = v; }

    /** Bumps the update counter (Part 1: any change of a PCR that is not exempt). */
    public void changed() { updateCounter++; }

    private int bank(int alg) {
        for (int b = 0; b < algs.length; b++) if (algs[b] == alg) return b;
        return -1;
    }

    /** True if PCR {@code pcr} of bank {@code alg} is allocated. */
    public boolean isAllocated(int alg, int pcr) {
        int b = bank(alg);
        return b >= 0 && pcr >= 0 && pcr < PcrAttributes.COUNT && (allocation[b] & (1 << pcr)) != 0;
    }

    /** True if any PCR of bank {@code alg} is allocated. */
    public boolean isBankAllocated(int alg) {
        int b = bank(alg);
        return b >= 0 && allocation[b] != 0;
    }

    /** The value of a PCR (allocated or not). */
    public Bytes read(int alg, int pcr) { return Bytes.of(values[bank(alg)][pcr]); }

    /** Sets a PCR's value. */
    public void set(int alg, int pcr, byte[] value) { values[bank(alg)][pcr] = value.clone(); }

    /** Sets the PCR to {@code fill} in every bank (0 after reset, 0xFF for D-RTM PCRs at init). */
    public void fill(int pcr, int fill) {
        for (byte[][] bank : values) Arrays.fill(bank[pcr], (byte) fill);
    }

    /** PCR := H(PCR || digest) in bank {@code alg}, if allocated. */
    public void extend(int alg, int pcr, Bytes digest) {
        if (!isAllocated(alg, pcr)) return;
        int b = bank(alg);
        MessageDigest md = digest(alg);
        md.update(values[b][pcr]);
        md.update(digest.unsafeArray(), 0, Math.min(digest.size(), values[b][pcr].length));
        values[b][pcr] = md.digest();
    }

    /** A fresh MessageDigest for an implemented hash. */
    public static MessageDigest digest(int alg) {
        try {
            return MessageDigest.getInstance(TpmAlg.jcaDigestName(alg));
        } catch (NoSuchAlgorithmException | NullPointerException e) {
            throw new IllegalStateException("hash not available: " + alg, e);
        }
    }

    /** All bank values, for state serialization: [bank][pcr]. */
    public byte[][][] snapshot() {
        byte[][][] s = new byte[algs.length][PcrAttributes.COUNT][];
        for (int b = 0; b < algs.length; b++) for (int p = 0; p < PcrAttributes.COUNT; p++) s[b][p] = values[b][p].clone();
        return s;
    }
}
