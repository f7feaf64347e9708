package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_SequenceUpdate (Part 3, 17.4); sequenceHandle is TPMI_DH_OBJECT. */
@CommandCode(TpmCc.SEQUENCE_UPDATE)
public record SequenceUpdate(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int sequenceHandle, @Max(1024) Bytes buffer) implements TpmCommand<EmptyResponse> {}
