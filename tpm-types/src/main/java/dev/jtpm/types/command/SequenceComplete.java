package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_SequenceComplete (Part 3, 17.5); sequenceHandle is TPMI_DH_OBJECT. */
@CommandCode(TpmCc.SEQUENCE_COMPLETE)
public record SequenceComplete(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int sequenceHandle, @Max(1024) Bytes buffer, @Is(Tpmi.RH_HIERARCHY_OR_NULL) int hierarchy) implements TpmCommand<SequenceCompleteResponse> {}
