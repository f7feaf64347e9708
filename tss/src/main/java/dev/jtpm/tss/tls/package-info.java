/**
 * TLS 1.3 with mutual authentication over the JDK's JSSE: PEM certificate, key and CA files ({@link
 * dev.jtpm.tss.tls.TlsFiles}), the client connection ({@link dev.jtpm.tss.tls.TlsClient}) and a channel view of it
 * for the transports.
 */
package dev.jtpm.tss.tls;
