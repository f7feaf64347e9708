package dev.jtpm.types.codec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The annotations that tell {@link TpmCodec} how a record component travels on the wire. Without
 * any: {@code int} is UINT32, {@code long} UINT64, {@code boolean} TPMI_YES_NO, {@code Bytes} a
 * TPM2B (16-bit size), {@code Secret} a TPM2B holding an auth value, seed or private part, a record
 * a nested structure, a sealed interface a union.
 */
public final class Wire {
    private Wire() {}

    /** An {@code int} component carried as UINT8. */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.RECORD_COMPONENT)
    public @interface U8 {}

    /** An {@code int} component (or the {@code Integer} elements of a list) carried as UINT16. */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.RECORD_COMPONENT)
    public @interface U16 {}

    /**
     * An {@code int} component of a TPMI_* interface type, checked while unmarshalling. On a
     * {@link Handle} component (a TPMI_DH_* or TPMI_RH_* type) it is checked with the handle area
     * ({@link TpmCodec.RecordCodec#checkHandles}) and a failure carries the handle index.
     */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.RECORD_COMPONENT)
    public @interface Is { Tpmi value(); }

    /** A {@code Bytes} component whose size prefix is one octet (e.g. TPMS_PCR_SELECT.sizeofSelect). */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.RECORD_COMPONENT)
    public @interface SizeU8 {}

    /**
     * Upper bound of a {@code Bytes} or {@code Secret} size or a list count; larger input is TPM_RC_SIZE.
     * On the element type of a {@code List<Bytes>} ({@code List<@Max(64) Bytes>}) it bounds each element.
     */
    @Retention(RetentionPolicy.RUNTIME) @Target({ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
    public @interface Max { int value(); }

    /** Lower bound of a list count (TPML_DIGEST of TPM2_PolicyOR: at least two); smaller is TPM_RC_SIZE. */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.RECORD_COMPONENT)
    public @interface Min { int value(); }

    /** A nested structure inside a 16-bit size (TPM2B_PUBLIC and friends). */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.RECORD_COMPONENT)
    public @interface Sized { boolean nullAllowed() default false; }

    /** A {@code Bytes} digest whose size is that of the hash named by an earlier component (TPMT_HA). */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.RECORD_COMPONENT)
    public @interface DigestOf { String value(); }

    /** A union preceded on the wire by its own selector of the given width (16 or 32 bits). */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.RECORD_COMPONENT)
    public @interface Selector { int bits() default 16; }

    /** A union whose selector is an earlier component of the same record. */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.RECORD_COMPONENT)
    public @interface SelectedBy { String value(); }

    /**
     * On a union's sealed interface: the response code for an unknown selector
     * (default TPM_RC_SELECTOR).
     */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.TYPE)
    public @interface Union { int unknown() default 0x098; }

    /**
     * On a union arm: the selector values it stands for. An arm for several values keeps the
     * selector in its first component, an {@code int} marked {@link SelectorValue}.
     */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.TYPE)
    public @interface Arm { int[] value(); }

    /** The first component of a multi-value arm: the selector itself (not written again). */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.RECORD_COMPONENT)
    public @interface SelectorValue {}

    /**
     * A handle of a command or response (TPMI_DH_*); on a command the authorization role of its
     * handle: {@code USER}, {@code ADMIN}, {@code DUP} or {@code NONE}.
     */
    @Retention(RetentionPolicy.RUNTIME) @Target(ElementType.RECORD_COMPONENT)
    public @interface Handle { Auth auth() default Auth.NONE; }

    /** Authorization roles (Part 3, 4.6). */
    public enum Auth { NONE, USER, ADMIN, DUP }
}
