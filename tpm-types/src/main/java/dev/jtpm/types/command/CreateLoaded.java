package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_CreateLoaded (Part 3, 12.9): creates an object (ordinary, primary, or derived) and loads it;
 * parentHandle is TPMI_DH_PARENT+ (USER role). inPublic is a TPM2B_TEMPLATE carried as octets: whether it
 * holds a TPMT_PUBLIC or a derivation template depends on the parent, so the handler decodes it with
 * {@link TpmuTemplate#decode}.
 */
@CommandCode(TpmCc.CREATE_LOADED)
public record CreateLoaded(@Handle(auth = Auth.USER) @Is(Tpmi.DH_PARENT_OR_NULL) int parentHandle,
                           @Sized TpmsSensitiveCreate inSensitive,
                           @Max(Limits.TEMPLATE_SIZE) Bytes inPublic) implements TpmCommand<CreateLoadedResponse> {}
