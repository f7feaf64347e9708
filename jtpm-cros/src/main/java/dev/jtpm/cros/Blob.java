package dev.jtpm.cros;

/** vtpm's {@code Blob}: a key blob or certificate fetched on every use; an error carries the rc the guest gets. */
@FunctionalInterface
interface Blob {
    byte[] get() throws VtpmException;
}
