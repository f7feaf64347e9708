package dev.jtpm.types.command;

import dev.jtpm.types.TpmCc;
import dev.jtpm.types.structure.TpmtPublicParms;

/**
 * TPM2_TestParms (Part 3, 30.3): asks whether the TPM supports a set of object parameters. All
 * checking happens while the parameters are unmarshalled (the TPMI_* checks of the codec).
 */
@CommandCode(TpmCc.TEST_PARMS)
public record TestParms(TpmtPublicParms parameters) implements TpmCommand<EmptyResponse> {}
