package dev.jtpm.engine.state;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.TpmiAlgHash;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import dev.jtpm.types.structure.TpmlPcrSelection;
import dev.jtpm.types.structure.TpmsPcrSelection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    /**
     * ms-tpm's FilterPcr on each selection of a list: the bits of PCRs that are not allocated (or beyond the
     * implemented PCRs) are cleared; each selection keeps its hash and its sizeofSelect.
     */
    public TpmlPcrSelection filter(TpmlPcrSelection in) {
        List<TpmsPcrSelection> out = new ArrayList<>(in.pcrSelections().size());
        for (TpmsPcrSelection sel : in.pcrSelections()) {
            byte[] bits = new byte[sel.pcrSelect().size()];
            for (int pcr = 0; pcr < PcrAttributes.COUNT; pcr++) {
                if (sel.isSelected(pcr) && isAllocated(sel.hash(), pcr)) bits[pcr / 8] |= (byte) (1 << (pcr % 8));
            }
            out.add(new TpmsPcrSelection(sel.hash(), Bytes.wrap(bits)));
        }
        return new TpmlPcrSelection(out);
    }

    /**
     * ms-tpm's PCRComputeCurrentDigest over a filtered selection ({@link #filter}): H_hashAlg of the selected
     * PCR values, selection by selection in the order given, each bank's PCRs ascending.
     */
    public Bytes currentDigest(int hashAlg, TpmlPcrSelection filtered) {
        MessageDigest md = digest(hashAlg);
        for (TpmsPcrSelection sel : filtered.pcrSelections()) {
            for (int pcr = 0; pcr < PcrAttributes.COUNT; pcr++) {
                if (sel.isSelected(pcr)) md.update(values[bank(sel.hash())][pcr]);
            }
        }
        return Bytes.wrap(md.digest());
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
