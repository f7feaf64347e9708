package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.SizeU8;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMS_PCR_SELECTION (Part 2, 10.6.2): a hash bank and a bit map of PCRs.
 *
 * <p>That {@code hash} is implemented (TPMI_ALG_HASH, TPM_RC_HASH) is checked while unmarshalling,
 * not here, so a client can build and a lenient reader decode selections of banks this TPM lacks;
 * the size of the bit map (TPM_RC_VALUE) is structural and always checked.
 *
 * @param hash the bank (TPMI_ALG_HASH)
 * @param pcrSelect the bit map, octet 0 bit 0 = PCR 0 (size PCR_SELECT_MIN..PCR_SELECT_MAX)
 */
public record TpmsPcrSelection(@U16 @Is(Tpmi.ALG_HASH) int hash, @SizeU8 Bytes pcrSelect) {
    /** PCR_SELECT_MIN and PCR_SELECT_MAX for 24 PCRs. */
    public static final int SELECT_MIN = 3, SELECT_MAX = 3;

    public TpmsPcrSelection {
        if (pcrSelect.size() < SELECT_MIN || pcrSelect.size() > SELECT_MAX) throw new TpmFailure(TpmRc.VALUE);
    }

    /** True when PCR {@code pcr} is selected. */
    public boolean isSelected(int pcr) {
        int octet = pcr / 8;
        return octet < pcrSelect.size() && (pcrSelect.get(octet) & (1 << (pcr % 8))) != 0;
    }

    /** A selection of the given PCRs in a bank. */
    public static TpmsPcrSelection of(int hash, int... pcrs) {
        byte[] bits = new byte[SELECT_MAX];
        for (int p : pcrs) bits[p / 8] |= (byte) (1 << (p % 8));
        return new TpmsPcrSelection(hash, Bytes.wrap(bits));
    }
}
