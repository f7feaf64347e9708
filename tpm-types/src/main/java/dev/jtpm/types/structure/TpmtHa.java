package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Wire.DigestOf;
import dev.jtpm.types.codec.Wire.U16;

/** TPMT_HA (Part 2, 10.3.2): a digest tagged with its hash algorithm. */
public record TpmtHa(@U16 int hashAlg, @DigestOf("hashAlg") Bytes digest) {
    public TpmtHa {
        TpmiAlgHash.check(hashAlg, false);
    }
}
