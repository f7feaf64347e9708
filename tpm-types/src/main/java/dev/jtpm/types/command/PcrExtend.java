package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_PCR_Extend (Part 3, 22.2); pcrHandle is TPMI_DH_PCR+. */
@CommandCode(TpmCc.PCR_EXTEND)
public record PcrExtend(@Handle(auth = Auth.USER) @Is(Tpmi.DH_PCR_OR_NULL) int pcrHandle, TpmlDigestValues digests) implements TpmCommand<EmptyResponse> {}
