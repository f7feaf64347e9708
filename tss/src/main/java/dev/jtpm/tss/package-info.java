/**
 * The client side: transports that implement {@link dev.jtpm.types.TpmDevice} over swtpm's socket
 * protocols, the Microsoft simulator protocol, or an in-process TPM, plus a swtpm control client.
 */
package dev.jtpm.tss;
