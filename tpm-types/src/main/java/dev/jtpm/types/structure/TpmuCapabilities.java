package dev.jtpm.types.structure;

import dev.jtpm.types.codec.Wire.Union;

/** TPMU_CAPABILITIES (Part 2, 10.10.1): the data of one TPM_CAP. */
@Union(unknown = 0x084)
public sealed interface TpmuCapabilities permits TpmlAlgProperty, TpmlHandle, TpmlCca, TpmlPpCommands,
        TpmlAuditCommands, TpmlPcrSelection, TpmlTaggedTpmProperty, TpmlTaggedPcrProperty, TpmlEccCurve {}
