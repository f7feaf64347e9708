package dev.jtpm.cros;

/** {@code SelfTestCommand}: a well-formed TPM2_SelfTest is answered with a header-only success, never forwarded. */
final class SelfTestCommand implements VtpmCommand {
    static final int CC = 0x143;

    @Override
    public byte[] run(byte[] command) {
        try {
            CommandReader r = new CommandReader(command);
            if (r.parseHeader().cc() != CC) return Responses.headerOnly(VtpmRc.COMMAND_CODE);
            r.u8(); // fullTest
            r.requireEnd();
            return Responses.headerOnly(VtpmRc.SUCCESS);
        } catch (VtpmException e) {
            return Responses.headerOnly(e.rc());
        }
    }
}
