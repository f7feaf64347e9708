package dev.jtpm.cros;

/** vtpm's {@code Command}: command bytes in, response bytes out (synchronous here; never throws). */
@FunctionalInterface
interface VtpmCommand {
    byte[] run(byte[] command);
}
