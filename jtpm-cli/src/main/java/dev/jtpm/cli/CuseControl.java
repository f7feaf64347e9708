package dev.jtpm.cli;

import dev.jtpm.server.device.DeviceIo;
import dev.jtpm.server.device.Fuse;
import dev.jtpm.server.device.PtmIoctl;
import dev.jtpm.tss.SwtpmControl;
import dev.jtpm.wire.BigEndian;
import dev.jtpm.wire.CtrlRequest;
import dev.jtpm.wire.Ptm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * swtpm_ioctl's way to a CUSE TPM ({@code jtpm ioctl /dev/vtpm0 …}): each control request becomes the
 * {@code PTM_*} ioctl with its host-order structure; a state blob beyond one ioctl is read on with
 * {@code read()} (until a short read) and written in 3 KiB ioctls, as swtpm_ioctl does. Replies are turned into the socket channel's big-endian form, so {@link IoctlCommand}
 * handles both the same way.
 */
final class CuseControl implements SwtpmControl.Exchange {
    private final int fd;

    private CuseControl(int fd) {
        this.fd = fd;
    }

    /** Opens the device read-write. */
    static CuseControl open(String device) throws IOException {
        return new CuseControl(DeviceIo.open(device, DeviceIo.O_RDWR));
    }

    @Override
    public SwtpmControl.Reply exchange(CtrlRequest request) throws IOException {
        return switch (request) {
            case CtrlRequest.GetCapability g -> {
                ByteBuffer out = ioctl(PtmIoctl.GET_CAPABILITY, new byte[0]);
                yield reply(0, (int) out.getLong(0));
            }
            case CtrlRequest.Init i -> result(ioctl(PtmIoctl.INIT, host(i.flags())));
            case CtrlRequest.Shutdown s -> result(ioctl(PtmIoctl.SHUTDOWN, new byte[0]));
            case CtrlRequest.Stop s -> result(ioctl(PtmIoctl.STOP, new byte[0]));
            case CtrlRequest.HashStart h -> result(ioctl(PtmIoctl.HASH_START, new byte[0]));
            case CtrlRequest.HashEnd h -> result(ioctl(PtmIoctl.HASH_END, new byte[0]));
            case CtrlRequest.CancelTpmCmd c -> result(ioctl(PtmIoctl.CANCEL_TPM_CMD, new byte[0]));
            case CtrlRequest.StoreVolatile s -> result(ioctl(PtmIoctl.STORE_VOLATILE, new byte[0]));
            case CtrlRequest.GetTpmEstablished g -> {
                ByteBuffer out = ioctl(PtmIoctl.GET_TPMESTABLISHED, new byte[0]);
                byte[] r = new byte[8];
                BigEndian.put32(r, 0, out.getInt(0));
                r[4] = out.get(4);
                yield new SwtpmControl.Reply(out.getInt(0), out.getInt(0) == 0 ? r : Arrays.copyOf(r, 4));
            }
            case CtrlRequest.SetLocality l -> result(ioctl(PtmIoctl.SET_LOCALITY, new byte[] {(byte) l.locality(), 0, 0, 0}));
            case CtrlRequest.ResetTpmEstablished r ->
                    result(ioctl(PtmIoctl.RESET_TPMESTABLISHED, new byte[] {(byte) r.locality(), 0, 0, 0}));
            case CtrlRequest.HashData h -> {
                byte[] d = h.data();
                if (d.length > 4096) yield new SwtpmControl.Reply(Ptm.TPM_FAIL, word(Ptm.TPM_FAIL));
                yield result(ioctl(PtmIoctl.HASH_DATA, Fuse.struct(4 + d.length).putInt(d.length).put(d).array()));
            }
            case CtrlRequest.GetConfig g -> {
                ByteBuffer out = ioctl(PtmIoctl.GET_CONFIG, new byte[0]);
                yield out.getInt(0) != 0 ? result(out) : reply(0, out.getInt(4));
            }
            case CtrlRequest.SetBufferSize b -> {
                ByteBuffer out = ioctl(PtmIoctl.SET_BUFFERSIZE, host(b.bufferSize()));
                yield out.getInt(0) != 0 ? result(out) : reply(0, out.getInt(4), out.getInt(8), out.getInt(12));
            }
            case CtrlRequest.GetInfo g -> {
                ByteBuffer out = ioctl(PtmIoctl.GET_INFO, Fuse.struct(16).putLong(g.flags()).putInt(g.offset()).array());
                if (out.getInt(0) != 0) yield result(out);
                int len = Math.min(out.getInt(8), PtmIoctl.GETINFO_SIZE);
                byte[] r = new byte[12 + len];
                BigEndian.put32(r, 4, out.getInt(4));
                BigEndian.put32(r, 8, len);
                out.get(12, r, 12, len);
                yield new SwtpmControl.Reply(0, r);
            }
            case CtrlRequest.LockStorage l -> result(ioctl(PtmIoctl.LOCK_STORAGE, host(l.retries())));
            case CtrlRequest.GetStateBlob g -> getStateBlob(g);
            case CtrlRequest.SetStateBlob s -> setStateBlob(s);
            case CtrlRequest.SetDataFd d -> new SwtpmControl.Reply(Ptm.TPM_BAD_ORDINAL, word(Ptm.TPM_BAD_ORDINAL));
            case CtrlRequest.Unknown u -> throw new IOException("no such ioctl");
            case CtrlRequest.Malformed m -> throw new IOException("malformed request");
        };
    }

    private SwtpmControl.Reply getStateBlob(CtrlRequest.GetStateBlob g) throws IOException {
        ByteBuffer out = ioctl(PtmIoctl.GET_STATEBLOB, Fuse.struct(12).putInt(g.stateFlags()).putInt(g.type()).putInt(g.offset()).array());
        int res = out.getInt(0), flags = out.getInt(4), total = out.getInt(8);
        int len = Math.min(out.getInt(12), PtmIoctl.STATE_BLOB_SIZE);
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        blob.write(out.array(), 16, Math.max(0, len));
        if (res == 0 && Integer.toUnsignedLong(g.offset()) + len < Integer.toUnsignedLong(total)) {
            byte[] buf = new byte[4096];
            while (true) { // the rest through read(), until a read returns less than asked
                int n = DeviceIo.read(fd, buf);
                blob.write(buf, 0, n);
                if (n < buf.length) break;
            }
        }
        byte[] data = blob.toByteArray();
        byte[] r = new byte[16 + data.length];
        BigEndian.put32(r, 0, res);
        BigEndian.put32(r, 4, flags);
        BigEndian.put32(r, 8, total);
        BigEndian.put32(r, 12, data.length);
        System.arraycopy(data, 0, r, 16, data.length);
        return new SwtpmControl.Reply(res, r);
    }

    /** As swtpm_ioctl on a device: 3 KiB parts in successive ioctls; a part shorter than that (maybe empty) ends it. */
    private SwtpmControl.Reply setStateBlob(CtrlRequest.SetStateBlob s) throws IOException {
        byte[] d = s.data();
        int off = 0;
        while (true) {
            int len = Math.min(d.length - off, PtmIoctl.STATE_BLOB_SIZE);
            ByteBuffer out = ioctl(PtmIoctl.SET_STATEBLOB,
                    Fuse.struct(12 + len).putInt(s.stateFlags()).putInt(s.type()).putInt(len).put(d, off, len).array());
            int res = out.getInt(0);
            off += len;
            if (res != 0 || len < PtmIoctl.STATE_BLOB_SIZE) return new SwtpmControl.Reply(res, word(res));
        }
    }

    private ByteBuffer ioctl(PtmIoctl p, byte[] in) throws IOException {
        byte[] arg = Arrays.copyOf(in, p.size());
        DeviceIo.ioctl(fd, Integer.toUnsignedLong(p.number()), arg);
        return ByteBuffer.wrap(arg).order(Fuse.ORDER);
    }

    private static byte[] host(int v) { return Fuse.struct(4).putInt(v).array(); }

    private static byte[] word(int v) {
        byte[] r = new byte[4];
        BigEndian.put32(r, 0, v);
        return r;
    }

    private static SwtpmControl.Reply result(ByteBuffer out) {
        int res = out.getInt(0);
        return new SwtpmControl.Reply(res, word(res));
    }

    private static SwtpmControl.Reply reply(int... words) {
        byte[] r = new byte[4 * words.length];
        for (int i = 0; i < words.length; i++) BigEndian.put32(r, 4 * i, words[i]);
        return new SwtpmControl.Reply(words[0], r);
    }

    @Override
    public void close() {
        DeviceIo.close(fd);
    }
}
