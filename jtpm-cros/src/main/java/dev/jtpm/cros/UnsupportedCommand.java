package dev.jtpm.cros;

/** {@code UnsupportedCommand}: the fallback for every command code outside the table. */
final class UnsupportedCommand implements VtpmCommand {
    @Override
    public byte[] run(byte[] command) {
        return Responses.headerOnly(VtpmRc.COMMAND_CODE);
    }
}
