package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.TpmCodec;

/**
 * The contents of a TPM2B_TEMPLATE (Part 2, 12.2.6; TPM2_CreateLoaded's inPublic): a
 * {@link TpmtPublic}, or, when the parent is a derivation parent, a {@link TpmtDerivedTemplate}
 * whose unique field is a TPMS_DERIVE. The octets alone do not say which: the parent decides
 * (ms-tpm-20-ref's UnmarshalToPublic takes a {@code derivation} flag), so the command carries the
 * TPM2B as bytes and the handler decodes it with {@link #decode}.
 */
public sealed interface TpmuTemplate permits TpmtPublic, TpmtDerivedTemplate {
    /** The object type. */
    int type();

    /** The name algorithm. */
    int nameAlg();

    /** The attributes. */
    TpmaObject objectAttributes();

    /** The policy digest. */
    Bytes authPolicy();

    /** The algorithm parameters. */
    TpmuPublicParms parameters();

    /** The contents of the TPM2B_TEMPLATE. */
    default Bytes toTemplate() { return Bytes.wrap(TpmCodec.encode((Record) this)); }

    /**
     * Decodes the contents of a TPM2B_TEMPLATE with the TPMI checks; trailing octets are
     * TPM_RC_SIZE, other failures the structure's code (without an index: the handler adds that of
     * inPublic).
     *
     * @param derivation true when the parent is a derivation parent (the unique field is TPMS_DERIVE)
     */
    static TpmuTemplate decode(Bytes template, boolean derivation) {
        return derivation ? TpmCodec.decode(TpmtDerivedTemplate.class, template.unsafeArray())
                : TpmCodec.decode(TpmtPublic.class, template.unsafeArray());
    }

    /** As {@link #decode}, without the TPMI checks (see {@link dev.jtpm.types.codec.TpmReader#lenient}). */
    static TpmuTemplate decodeLenient(Bytes template, boolean derivation) {
        return derivation ? TpmCodec.decodeLenient(TpmtDerivedTemplate.class, template.unsafeArray())
                : TpmCodec.decodeLenient(TpmtPublic.class, template.unsafeArray());
    }
}
