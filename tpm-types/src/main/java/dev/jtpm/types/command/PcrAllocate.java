package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_PCR_Allocate (Part 3, 22.5); authHandle is TPMI_RH_PLATFORM. */
@CommandCode(TpmCc.PCR_ALLOCATE)
public record PcrAllocate(@Handle(auth = Auth.USER) @Is(Tpmi.RH_PLATFORM) int authHandle, TpmlPcrSelection pcrAllocation) implements TpmCommand<PcrAllocateResponse> {}
