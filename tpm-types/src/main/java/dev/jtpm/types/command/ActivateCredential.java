package dev.jtpm.types.command;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.codec.Tpmi;
import dev.jtpm.types.codec.Wire.*;
import dev.jtpm.types.structure.*;

/**
 * TPM2_ActivateCredential (Part 3, 12.5): recovers a credential made by TPM2_MakeCredential;
 * activateHandle (ADMIN role) and keyHandle (USER role) are TPMI_DH_OBJECT. credentialBlob
 * (TPM2B_ID_OBJECT) and secret (TPM2B_ENCRYPTED_SECRET) are opaque.
 */
@CommandCode(TpmCc.ACTIVATE_CREDENTIAL)
public record ActivateCredential(@Handle(auth = Auth.ADMIN) @Is(Tpmi.DH_OBJECT) int activateHandle,
                                 @Handle(auth = Auth.USER) @Is(Tpmi.DH_OBJECT) int keyHandle,
                                 @Max(Limits.ID_OBJECT_SIZE) Bytes credentialBlob,
                                 @Max(Limits.ENCRYPTED_SECRET_SIZE) Bytes secret)
        implements TpmCommand<ActivateCredentialResponse> {}
