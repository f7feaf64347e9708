package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_Sign (Part 3, 20.2): signs a digest; keyHandle is TPMI_DH_OBJECT (USER role). A restricted key
 * needs a TPMT_TK_HASHCHECK ticket for the digest.
 */
@CommandCode(TpmCc.SIGN)
public record Sign(@Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int keyHandle,
                   @Max(Limits.MAX_DIGEST_SIZE) Bytes digest,
                   TpmtSigScheme inScheme,
                   TpmtTkHashcheck validation) implements TpmCommand<SignResponse> {}
