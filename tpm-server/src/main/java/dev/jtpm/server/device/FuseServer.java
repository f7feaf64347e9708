package dev.jtpm.server.device;

import dev.jtpm.server.ServerLog;
import java.io.IOException;

/**
 * Serves a {@link FuseDispatcher} on an open {@code /dev/cuse} or {@code /dev/fuse} descriptor: one
 * request read at a time, answered before the next is read (the device is single-threaded, as swtpm's
 * CUSE TPM serializes its file operations). Ends when the kernel goes away (ENODEV, DESTROY) or the
 * device asks for an exit (PTM_SHUTDOWN).
 */
public final class FuseServer implements Runnable {
    private final int fd;
    private final FuseDispatcher dispatcher;
    private final ServerLog log;
    private volatile boolean closed;

    /** Serves {@code dispatcher} on {@code fd} (the server closes it at the end). */
    public FuseServer(int fd, FuseDispatcher dispatcher, ServerLog log) {
        this.fd = fd;
        this.dispatcher = dispatcher;
        this.log = log;
    }

    @Override
    public void run() {
        byte[] buf = new byte[Fuse.READ_BUFFER];
        try {
            while (!closed && !dispatcher.destroyed() && !dispatcher.device().exitRequested()) {
                int n;
                try {
                    n = DeviceIo.read(fd, buf);
                } catch (DeviceIo.ErrnoException e) {
                    if (e.errno() == DeviceIo.ENOENT || e.errno() == DeviceIo.EAGAIN) continue; // an interrupted request
                    if (e.errno() != DeviceIo.ENODEV && !closed) log.error("jtpm: device: " + e.getMessage());
                    return;
                }
                if (n == 0) return;
                byte[] reply;
                try {
                    reply = dispatcher.handle(buf, n);
                } catch (IllegalArgumentException e) {
                    log.error("jtpm: device: " + e.getMessage());
                    continue;
                }
                if (reply == null) continue;
                try {
                    DeviceIo.write(fd, reply);
                } catch (DeviceIo.ErrnoException e) {
                    if (e.errno() != DeviceIo.ENOENT) throw e; // ENOENT: the request was interrupted meanwhile
                }
            }
        } catch (IOException e) {
            if (!closed) log.error("jtpm: device: " + e.getMessage());
        } finally {
            DeviceIo.close(fd);
        }
    }

    /** Makes {@link #run} end at the next request (the caller unmounts or closes to wake it). */
    public void close() {
        closed = true;
    }
}
