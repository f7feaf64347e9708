/**
 * Byte framings and nothing else: the TPM command header, the swtpm control channel, the
 * TPM_SEND_COMMAND envelope, the Microsoft simulator (mssim) port codes and swtpm's state blob
 * container. No sockets, threads or policies live here.
 */
package dev.jtpm.wire;
