package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;
import java.util.List;

/** TPM2_HashSequenceStart (Part 3, 17.3); TPM_ALG_NULL starts an event sequence. */
@CommandCode(TpmCc.HASH_SEQUENCE_START)
public record HashSequenceStart(@Max(64) Bytes auth, @U16 @Is(Tpmi.ALG_HASH_OR_NULL) int hashAlg) implements TpmCommand<HashSequenceStartResponse> {}
