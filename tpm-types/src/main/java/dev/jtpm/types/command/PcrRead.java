package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_PCR_Read (Part 3, 22.4). */
@CommandCode(TpmCc.PCR_READ)
public record PcrRead(TpmlPcrSelection pcrSelectionIn) implements TpmCommand<PcrReadResponse> {}
