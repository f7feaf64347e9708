/** {@code jtpm connect}: local plain swtpm-protocol endpoints forwarded to a remote jtpm over TLS 1.3. */
package dev.jtpm.server.connect;
