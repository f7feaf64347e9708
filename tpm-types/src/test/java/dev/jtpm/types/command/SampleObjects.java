package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.structure.*;

/** Sample public areas shared by the command tests. */
final class SampleObjects {
    private SampleObjects() {}

    /** A sealed-data object: keyed-hash, NULL scheme, SHA-256. */
    static final TpmtPublic SEALED = TpmtPublic.of(TpmAlg.SHA256, new TpmaObject(0x00000012), Bytes.EMPTY,
            new TpmsKeyedhashParms(TpmtKeyedhashScheme.NULL), new TpmuPublicId.KeyedHash(Bytes.zeros(32)));
}
