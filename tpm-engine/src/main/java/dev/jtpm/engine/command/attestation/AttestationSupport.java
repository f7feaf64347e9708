package dev.jtpm.engine.command.attestation;

import dev.jtpm.engine.session.Names;
import dev.jtpm.engine.state.TpmObject;
import dev.jtpm.engine.state.TpmState;
import dev.jtpm.types.Bytes;

/** What the certifying commands (Certify, CertifyCreation) share. */
final class AttestationSupport {
    private AttestationSupport() {}

    /** The Name and Qualified Name of a certified object. */
    record Certified(Bytes name, Bytes qualifiedName) {}

    /**
     * The Name and Qualified Name of the loaded object at {@code handle} (the pipeline made sure it is loaded). A
     * sequence object has neither: both are the Empty Buffer ({@link Names}).
     */
    static Certified certified(TpmState s, int handle) {
        return s.objects.get(handle) instanceof TpmObject o ? new Certified(o.name(), o.qualifiedName())
                : new Certified(Names.of(s, handle), Bytes.EMPTY);
    }
}
