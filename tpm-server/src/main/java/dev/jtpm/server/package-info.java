/**
 * The swtpm-compatible front-end: data and control channels over TCP and Unix sockets, the
 * Microsoft simulator protocol, the state directory, the swtpm command line, and
 * {@link dev.jtpm.server.TpmInstance}, the host object that ties one TPM to its listeners.
 */
package dev.jtpm.server;
