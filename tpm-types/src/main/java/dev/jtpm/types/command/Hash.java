package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_Hash (Part 3, 15.4). */
@CommandCode(TpmCc.HASH)
public record Hash(@Max(1024) Bytes data, @U16 @Is(Tpmi.ALG_HASH) int hashAlg, @Is(Tpmi.RH_HIERARCHY_OR_NULL) int hierarchy) implements TpmCommand<HashResponse> {}
