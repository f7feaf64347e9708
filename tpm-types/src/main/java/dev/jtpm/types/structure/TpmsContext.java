package dev.jtpm.types.structure;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.Is;
import dev.jtpm.types.codec.Wire.Max;

/**
 * TPMS_CONTEXT (Part 2, 14.5): a saved object or session context, as TPM2_ContextSave returns it
 * and TPM2_ContextLoad takes it. The blob (TPM2B_CONTEXT_DATA, 14.4) is opaque here: its integrity
 * HMAC and encrypted TPMS_CONTEXT_DATA are the engine's.
 *
 * @param sequence the context sequence number (UINT64)
 * @param savedHandle TPMI_DH_SAVED: the session handle, or 0x80000000 / 0x80000001 / 0x80000002
 *     for an object, a sequence object, an stClear object
 * @param hierarchy TPMI_RH_HIERARCHY+: the hierarchy of the object (TPM_RH_NULL for sessions)
 * @param contextBlob the protected context (at most MAX_CONTEXT_SIZE octets)
 */
public record TpmsContext(long sequence, @Is(Tpmi.DH_SAVED) int savedHandle, @Is(Tpmi.RH_HIERARCHY_OR_NULL) int hierarchy,
                          @Max(Limits.MAX_CONTEXT_SIZE) Bytes contextBlob) {}
