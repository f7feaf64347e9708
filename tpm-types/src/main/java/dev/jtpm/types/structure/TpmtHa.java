package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.DigestOf;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.U16;

/**
 * TPMT_HA (Part 2, 10.3.2): a digest tagged with its hash algorithm. That {@code hashAlg} is
 * implemented (TPMI_ALG_HASH, TPM_RC_HASH) is checked while unmarshalling, not here, so a client
 * can build and a lenient reader decode digests of hashes this TPM lacks (the digest size must
 * still be known, {@link dev.jtpm.types.TpmAlg#digestSize}, or decoding fails with TPM_RC_HASH).
 */
public record TpmtHa(@U16 @Is(Tpmi.ALG_HASH) int hashAlg, @DigestOf("hashAlg") Bytes digest) {}
