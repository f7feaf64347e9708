package dev.jtpm.types.command;

import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/** Response of TPM2_Commit (Part 3, 19.2). K, L and E (Part 3 names) are TPM2B_ECC_POINTs. */
public record CommitResponse(@Sized TpmsEccPoint k, @Sized TpmsEccPoint l, @Sized TpmsEccPoint e, @U16 int counter) {}
