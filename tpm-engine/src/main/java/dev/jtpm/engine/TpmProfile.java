package dev.jtpm.engine;

import dev.jtpm.types.structure.TpmiAlgHash;
import java.util.Arrays;

/**
 * Choices made once, when a TPM is manufactured (first power-on with no stored state), instead of
 * compile-time switches: for now, which PCR banks are allocated.
 *
 * @param pcrBanks one PCR bit map per hash in {@link TpmiAlgHash#IMPLEMENTED} order
 */
public record TpmProfile(int[] pcrBanks) {
    private static final int ALL_PCRS = 0xFFFFFF;

    public TpmProfile {
        if (pcrBanks.length != TpmiAlgHash.IMPLEMENTED.length) throw new IllegalArgumentException("one bit map per hash");
        pcrBanks = pcrBanks.clone();
    }

    /** What libtpms manufactures: every bank with all 24 PCRs. */
    public static final TpmProfile DEFAULT = new TpmProfile(new int[] {ALL_PCRS, ALL_PCRS, ALL_PCRS, ALL_PCRS});

    /** The given banks (TPM_ALG_IDs) with all 24 PCRs, the others empty. */
    public static TpmProfile withBanks(int... hashAlgs) {
        int[] banks = new int[TpmiAlgHash.IMPLEMENTED.length];
        for (int alg : hashAlgs) {
            int i = Arrays.stream(TpmiAlgHash.IMPLEMENTED).boxed().toList().indexOf(alg);
            if (i < 0) throw new IllegalArgumentException("not an implemented hash: " + alg);
            banks[i] = ALL_PCRS;
        }
        return new TpmProfile(banks);
    }

    @Override public int[] pcrBanks() { return pcrBanks.clone(); }

    @Override public boolean equals(Object o) { return o instanceof TpmProfile p && Arrays.equals(pcrBanks, p.pcrBanks); }

    @Override public int hashCode() { return Arrays.hashCode(pcrBanks); }

    @Override public String toString() { return "TpmProfile" + Arrays.toString(pcrBanks); }
}
