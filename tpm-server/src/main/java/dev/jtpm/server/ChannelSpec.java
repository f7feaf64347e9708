package dev.jtpm.server;

import java.nio.file.Path;

/** Where a channel listens, as {@code --server} and {@code --ctrl} describe it. */
public sealed interface ChannelSpec {

    /**
     * A TCP listener; port 0 binds a free port.
     *
     * @param bindAddr the address to bind (swtpm's default is 127.0.0.1)
     * @param port the port
     * @param disconnect close the data connection after each response
     */
    record Tcp(String bindAddr, int port, boolean disconnect) implements ChannelSpec {}

    /**
     * A Unix socket listener.
     *
     * @param path the socket file (removed at exit)
     * @param mode permission bits for the socket file, or -1 to leave them as created
     * @param owner the file's owner and group ({@code uid=}, {@code gid=}, {@code group=})
     */
    record UnixIo(Path path, int mode, SocketOwner owner) implements ChannelSpec {
        public UnixIo {
            if (owner == null) owner = SocketOwner.NONE;
        }

        /** With the ownership left as created. */
        public UnixIo(Path path, int mode) { this(path, mode, SocketOwner.NONE); }
    }

    /**
     * The Microsoft simulator protocol: TPM port {@code port}, platform port {@code port + 1}
     * (with port 0, two free ports are bound).
     */
    record Mssim(String bindAddr, int port) implements ChannelSpec {}

    /**
     * An inherited descriptor of an already connected socket (a socketpair end): {@code --fd N},
     * {@code --server ...,fd=N} or {@code --ctrl type=unixio,clientfd=N}, as swtpm_setup and QEMU
     * wrappers pass them. Needs native access (FFM).
     */
    record Fd(int fd) implements ChannelSpec {}

    /**
     * A TLS 1.3 listener with mutual authentication ({@code type=tls}): the same protocol as {@link Tcp} inside TLS;
     * a client must present a certificate that chains to {@code files.ca()}, checked in the handshake, before any
     * byte of the protocol is read.
     *
     * @param bindAddr the address to bind (default 127.0.0.1)
     * @param port the port; 0 binds a free one
     * @param files this server's certificate chain and key, and the CA bundle clients are checked against
     */
    record Tls(String bindAddr, int port, dev.jtpm.tss.tls.TlsFiles files) implements ChannelSpec {}
}
