package dev.jtpm.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.server.InstanceConfig;
import dev.jtpm.server.ServerLog;
import dev.jtpm.server.StateStore;
import dev.jtpm.server.SwtpmFlags;
import dev.jtpm.server.TpmInstance;
import dev.jtpm.wire.StateBlob;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUSE/FUSE device protocol request by request, with requests in the kernel's layout (as
 * {@code fs/fuse} and {@code fs/fuse/cuse.c} write them) and swtpm's {@code cuse_tpm.c} semantics.
 */
class FuseDeviceTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] GET_RANDOM_8 = HEX.parseHex("80010000000c0000017b0008");
    static final byte[] PCR_READ_16 = HEX.parseHex("8001000000140000017e00000001000b03000001");

    TpmInstance instance;
    FuseDispatcher cuse;
    long unique = 1;

    @BeforeEach
    void start() throws IOException {
        instance = TpmInstance.start(StateStore.inMemory(), new InstanceConfig(null, null,
                new SwtpmFlags(true, SwtpmFlags.Startup.CLEAR, false), false, false, false, ServerLog.NONE));
        cuse = FuseDispatcher.cuse(new VtpmDevice(instance.controller(), false, ServerLog.NONE), "vtpm7");
    }

    @AfterEach
    void stop() {
        instance.close();
    }

    /** Sends a request; returns the reply's error and body. */
    Reply send(FuseDispatcher d, int opcode, long node, byte[] body) {
        long u = unique++;
        byte[] req = Fuse.request(opcode, u, node, body);
        byte[] rep = d.handle(req, req.length);
        if (rep == null) return null;
        ByteBuffer b = ByteBuffer.wrap(rep).order(Fuse.ORDER);
        assertThat(b.getInt()).isEqualTo(rep.length);
        int error = b.getInt();
        assertThat(b.getLong()).isEqualTo(u);
        return new Reply(error, Arrays.copyOfRange(rep, Fuse.OUT_HEADER, rep.length));
    }

    record Reply(int error, byte[] body) {
        ByteBuffer buf() { return ByteBuffer.wrap(body).order(Fuse.ORDER); }
    }

    Reply send(int opcode, byte[] body) { return send(cuse, opcode, 0, body); }

    static byte[] cuseInitIn(int minor) {
        return Fuse.struct(16).putInt(7).putInt(minor).putInt(0).putInt(0).array();
    }

    static byte[] readIn(int size) {
        return Fuse.struct(40).putLong(0).putLong(0).putInt(size).array();
    }

    static byte[] writeIn(byte[] data) {
        return Fuse.struct(40 + data.length).putLong(0).putLong(0).putInt(data.length).putInt(0).putLong(0).putInt(0)
                .putInt(0).put(data).array();
    }

    static byte[] ioctlIn(PtmIoctl p, byte[] in) {
        boolean writes = (p.number() >>> 30 & 1) != 0;
        byte[] data = writes ? Arrays.copyOf(in, p.size()) : new byte[0];
        return Fuse.struct(32 + data.length).putLong(0).putInt(0).putInt(p.number()).putLong(0x7ffd0000L)
                .putInt(data.length).putInt(p.size()).put(data).array();
    }

    /** The ioctl's output structure. */
    byte[] ioctl(PtmIoctl p, byte[] in) {
        Reply r = send(Fuse.IOCTL, ioctlIn(p, in));
        assertThat(r.error()).as(p.name()).isZero();
        ByteBuffer b = r.buf();
        assertThat(b.getInt()).as("ioctl result").isZero();
        return Arrays.copyOfRange(r.body(), 16, r.body().length);
    }

    static int u32(byte[] b, int off) { return ByteBuffer.wrap(b).order(Fuse.ORDER).getInt(off); }

    static byte[] u32s(int... v) {
        ByteBuffer b = Fuse.struct(4 * v.length);
        for (int x : v) b.putInt(x);
        return b.array();
    }

    void initAndOpen() {
        assertThat(send(Fuse.CUSE_INIT, cuseInitIn(41)).error()).isZero();
        assertThat(send(Fuse.OPEN, new byte[8]).error()).isZero();
    }

    byte[] transact(byte[] cmd) {
        Reply w = send(Fuse.WRITE, writeIn(cmd));
        assertThat(w.error()).isZero();
        assertThat(w.buf().getInt()).isEqualTo(cmd.length);
        Reply r = send(Fuse.READ, readIn(4096));
        assertThat(r.error()).isZero();
        return r.body();
    }

    @Test
    void cuseInit_namesTheDeviceAndUsesRestrictedIoctls() {
        Reply r = send(Fuse.CUSE_INIT, cuseInitIn(41));
        assertThat(r.error()).isZero();
        ByteBuffer b = r.buf();
        assertThat(b.getInt()).isEqualTo(7);
        assertThat(b.getInt()).isEqualTo(Fuse.KERNEL_MINOR);
        assertThat(b.getInt(12)).as("flags: no CUSE_UNRESTRICTED_IOCTL").isZero();
        assertThat(b.getInt(16)).as("max_read").isEqualTo(Fuse.MAX_WRITE);
        assertThat(new String(r.body(), 72, r.body().length - 72, StandardCharsets.US_ASCII)).isEqualTo("DEVNAME=vtpm7\0");
    }

    @Test
    void requestsBeforeInit_andWrongVersion_areRefused() {
        assertThat(send(Fuse.OPEN, new byte[8]).error()).isEqualTo(-Fuse.EIO);
        assertThat(send(Fuse.CUSE_INIT, Fuse.struct(16).putInt(8).putInt(0).array()).error()).isEqualTo(-Fuse.EIO);
        assertThat(send(Fuse.INIT, new byte[16]).error()).as("FUSE_INIT on a CUSE device").isEqualTo(-Fuse.EIO);
    }

    @Test
    void writeACommand_thenReadItsResponse_inPieces() {
        initAndOpen();
        byte[] rsp = transact(GET_RANDOM_8);
        assertThat(HEX.formatHex(rsp)).startsWith("80010000001400000000" + "0008");
        send(Fuse.WRITE, writeIn(PCR_READ_16));
        Reply first = send(Fuse.READ, readIn(10));
        Reply rest = send(Fuse.READ, readIn(4096));
        Reply none = send(Fuse.READ, readIn(4096));
        assertThat(HEX.formatHex(first.body())).startsWith("8001").hasSize(20);
        assertThat(rest.body()).isNotEmpty();
        assertThat(ByteBuffer.wrap(first.body()).getInt(2)).as("the header's size").isEqualTo(10 + rest.body().length);
        assertThat(none.body()).isEmpty();
    }

    @Test
    void secondOpen_isBusy_untilRelease() {
        initAndOpen();
        assertThat(send(Fuse.OPEN, new byte[8]).error()).isEqualTo(-Fuse.EBUSY);
        assertThat(send(Fuse.RELEASE, new byte[24]).error()).isZero();
        assertThat(send(Fuse.OPEN, new byte[8]).error()).isZero();
    }

    @Test
    void ioctls_answerAsSwtpmsCuseTpm() {
        initAndOpen();
        assertThat(ByteBuffer.wrap(ioctl(PtmIoctl.GET_CAPABILITY, new byte[0])).order(Fuse.ORDER).getLong())
                .isEqualTo(0x6FFFL);
        assertThat(u32(ioctl(PtmIoctl.SET_LOCALITY, new byte[] {5}), 0)).isEqualTo(0x3D);
        assertThat(u32(ioctl(PtmIoctl.SET_LOCALITY, new byte[] {3}), 0)).isZero();
        assertThat(instance.controller().locality()).isEqualTo(3);
        assertThat(u32(ioctl(PtmIoctl.RESET_TPMESTABLISHED, new byte[] {0}), 0)).isEqualTo(0x3D);
        byte[] est = ioctl(PtmIoctl.GET_TPMESTABLISHED, new byte[0]);
        assertThat(u32(est, 0)).isZero();
        assertThat(est[4]).isZero();
        assertThat(u32(ioctl(PtmIoctl.HASH_START, new byte[0]), 0)).isZero();
        assertThat(u32(ioctl(PtmIoctl.HASH_DATA, ByteBuffer.allocate(8).order(Fuse.ORDER).putInt(4).put("abcd".getBytes()).array()), 0)).isZero();
        assertThat(u32(ioctl(PtmIoctl.HASH_END, new byte[0]), 0)).isZero();
        assertThat(ioctl(PtmIoctl.GET_TPMESTABLISHED, new byte[0])[4]).as("established after H-CRTM").isEqualTo((byte) 1);
        byte[] buf = ioctl(PtmIoctl.SET_BUFFERSIZE, u32s(0));
        assertThat(new int[] {u32(buf, 0), u32(buf, 4), u32(buf, 8), u32(buf, 12)}).containsExactly(0, 4096, 2808, 4096);
        assertThat(u32(ioctl(PtmIoctl.SET_BUFFERSIZE, u32s(3000)), 0)).as("only while stopped").isEqualTo(0x0A);
        byte[] cfg = ioctl(PtmIoctl.GET_CONFIG, new byte[0]);
        assertThat(u32(cfg, 0)).isZero();
        byte[] info = ioctl(PtmIoctl.GET_INFO, Fuse.struct(16).putLong(3).putInt(0).array());
        int tot = u32(info, 4), len = u32(info, 8);
        assertThat(new String(info, 12, len - 1, StandardCharsets.US_ASCII)).startsWith("{\"TPMSpecification\":");
        assertThat(tot).isEqualTo(len);
        assertThat(u32(ioctl(PtmIoctl.GET_INFO, Fuse.struct(16).putLong(3).putInt(tot).array()), 0)).isEqualTo(0x03);
        assertThat(u32(ioctl(PtmIoctl.LOCK_STORAGE, u32s(1)), 0)).isEqualTo(0x0A);
        assertThat(u32(ioctl(PtmIoctl.STOP, new byte[0]), 0)).isZero();
        assertThat(u32(ioctl(PtmIoctl.GET_TPMESTABLISHED, new byte[0]), 0)).as("needs a running TPM").isEqualTo(0x0A);
        assertThat(HEX.formatHex(transact(GET_RANDOM_8))).as("stopped: the fatal response").isEqualTo("80010000000a00000101");
        assertThat(u32(ioctl(PtmIoctl.INIT, u32s(0)), 0)).isZero();
        assertThat(HEX.formatHex(transact(GET_RANDOM_8))).as("initialized, not started").isEqualTo("80010000000a00000100");
        assertThat(send(Fuse.IOCTL, ioctlIn(PtmIoctl.SET_DATAFD, new byte[0])).error()).isEqualTo(-Fuse.EINVAL);
        Reply unknown = send(Fuse.IOCTL, Fuse.struct(32).putLong(0).putInt(0).putInt(0x5401).array());
        assertThat(unknown.error()).isEqualTo(-Fuse.EINVAL);
    }

    @Test
    void shutdown_endsTheDevice() {
        initAndOpen();
        assertThat(u32(ioctl(PtmIoctl.SHUTDOWN, new byte[0]), 0)).isZero();
        assertThat(cuse.device().exitRequested()).isTrue();
    }

    /** GET_STATEBLOB in 3 KiB ioctl parts and read(); SET_STATEBLOB in ioctl parts and through write(). */
    @Test
    void stateBlobs_largerThanOneIoctl_moveToAnotherDevice() throws Exception {
        initAndOpen();
        byte[] extend = HEX.parseHex("8002" + "00000041" + "00000182" + "00000010" + "00000009" + "400000090000000000" // PCR 16, password session
                + "00000001" + "000b" + "11".repeat(32));
        extend = ByteBuffer.allocate(extend.length).put(extend).putInt(2, extend.length).array();
        assertThat(HEX.formatHex(transact(extend))).startsWith("80020000001300000000");
        byte[] pcr = transact(PCR_READ_16);
        byte[][] blobs = new byte[3][];
        for (int type = 1; type <= 2; type++) {
            byte[] first = ioctl(PtmIoctl.GET_STATEBLOB, u32s(1, type, 0));
            int total = u32(first, 8), len = u32(first, 12);
            assertThat(u32(first, 0)).isZero();
            byte[] blob = Arrays.copyOfRange(first, 16, 16 + len);
            if (len < total) {
                assertThat(len).isEqualTo(PtmIoctl.STATE_BLOB_SIZE);
                Reply rest = send(Fuse.READ, readIn(total)); // the rest through read()
                blob = concat(blob, rest.body());
                Reply more = send(Fuse.READ, readIn(4096));
                assertThat(more.body()).as("back to command mode: nothing pending").isEmpty();
            }
            assertThat(blob).hasSize(total);
            assertThat(StateBlob.decode(blob).flags() & StateBlob.BLOB_FLAG_MIGRATION_DATA).isNotZero();
            blobs[type] = blob;
        }
        assertThat(blobs[2].length).as("the volatile blob needs read()").isGreaterThan(PtmIoctl.STATE_BLOB_SIZE);
        assertThat(u32(ioctl(PtmIoctl.GET_STATEBLOB, u32s(1, 3, 0)), 0)).as("no savestate").isEqualTo(0x800);

        try (TpmInstance other = TpmInstance.start(StateStore.inMemory(),
                new InstanceConfig(null, null, SwtpmFlags.DEFAULT, false, false, false, ServerLog.NONE))) {
            FuseDispatcher d = FuseDispatcher.cuse(new VtpmDevice(other.controller(), false, ServerLog.NONE), "vtpm8");
            FuseDispatcher saved = cuse;
            cuse = d;
            initAndOpen();
            // permanent: 3 KiB parts in ioctls, a shorter one ends it (swtpm_ioctl's way on a device)
            byte[] perm = blobs[1];
            for (int off = 0; ; off += PtmIoctl.STATE_BLOB_SIZE) {
                int len = Math.min(perm.length - off, PtmIoctl.STATE_BLOB_SIZE);
                assertThat(u32(ioctl(PtmIoctl.SET_STATEBLOB, concat(u32s(0, 1, len), Arrays.copyOfRange(perm, off, off + len))), 0)).isZero();
                if (len < PtmIoctl.STATE_BLOB_SIZE) break;
            }
            // volatile: an ioctl of length 0 starts, write() carries the data, an ioctl of length 0 ends it
            byte[] vol = blobs[2];
            assertThat(u32(ioctl(PtmIoctl.SET_STATEBLOB, u32s(0, 2, 0)), 0)).isZero();
            assertThat(send(Fuse.WRITE, writeIn(Arrays.copyOf(vol, 1000))).error()).isZero();
            assertThat(send(Fuse.WRITE, writeIn(Arrays.copyOfRange(vol, 1000, vol.length))).error()).isZero();
            assertThat(u32(ioctl(PtmIoctl.SET_STATEBLOB, u32s(0, 2, 0)), 0)).as("the ending ioctl").isZero();
            assertThat(u32(ioctl(PtmIoctl.INIT, u32s(1)), 0)).isZero();
            assertThat(transact(PCR_READ_16)).as("same PCR without a new Startup").isEqualTo(pcr);
            cuse = saved;
        }
    }

    @Test
    void setStateBlob_whileRunning_isBadOrdinal_andABadBlobFailsCleanly() {
        initAndOpen();
        assertThat(u32(ioctl(PtmIoctl.SET_STATEBLOB, u32s(0, 1, 4, 0)), 0)).isEqualTo(0x0A);
        ioctl(PtmIoctl.STOP, new byte[0]);
        assertThat(u32(ioctl(PtmIoctl.SET_STATEBLOB, u32s(0, 1, 4, 0x01020304)), 0)).as("not a blob").isNotZero();
        assertThat(HEX.formatHex(transact(GET_RANDOM_8))).as("back in command mode").isEqualTo("80010000000a00000101");
        assertThat(u32(ioctl(PtmIoctl.SET_STATEBLOB, u32s(0, 1, 5000)), 0)).as("length beyond one part").isEqualTo(0x03);
    }

    @Test
    void shortOrTruncatedRequests_areEinval_andTheDeviceGoesOn() {
        initAndOpen();
        assertThat(send(Fuse.WRITE, Fuse.struct(40).putLong(0).putLong(0).putInt(100).array()).error()).isEqualTo(-Fuse.EINVAL);
        assertThat(send(Fuse.IOCTL, new byte[8]).error()).isEqualTo(-Fuse.EINVAL);
        assertThat(send(Fuse.READ, new byte[4]).error()).isEqualTo(-Fuse.EINVAL);
        assertThat(send(999, new byte[0]).error()).isEqualTo(-Fuse.ENOSYS);
        assertThat(send(Fuse.POLL, new byte[24]).error()).as("no poll: always ready").isEqualTo(-Fuse.ENOSYS);
        assertThat(send(Fuse.INTERRUPT, new byte[8])).isNull();
        assertThat(HEX.formatHex(transact(GET_RANDOM_8))).startsWith("800100000014");
    }

    @Test
    void fuseFileMode_looksUpOneFileAndServesIt() {
        FuseDispatcher f = FuseDispatcher.file(new VtpmDevice(instance.controller(), false, ServerLog.NONE), "tpm", 1000, 1000);
        Reply init = send(f, Fuse.INIT, 0, Fuse.struct(16).putInt(7).putInt(38).putInt(65536).putInt(0).array());
        assertThat(init.error()).isZero();
        assertThat(init.body()).hasSize(64);
        assertThat(send(f, Fuse.LOOKUP, 1, "nope\0".getBytes()).error()).isEqualTo(-Fuse.ENOENT);
        Reply entry = send(f, Fuse.LOOKUP, 1, "tpm\0".getBytes());
        assertThat(entry.buf().getLong(0)).isEqualTo(2);
        assertThat(entry.buf().getInt(40 + 60)).as("mode").isEqualTo(0100600);
        assertThat(entry.buf().getInt(40 + 68)).as("uid").isEqualTo(1000);
        assertThat(send(f, Fuse.GETATTR, 1, new byte[16]).buf().getInt(16 + 60)).isEqualTo(040755);
        assertThat(send(f, Fuse.OPEN, 1, new byte[8]).error()).as("the directory").isEqualTo(-Fuse.EINVAL);
        Reply open = send(f, Fuse.OPEN, 2, new byte[8]);
        assertThat(open.buf().getInt(8) & Fuse.FOPEN_DIRECT_IO).isNotZero();
        assertThat(send(f, Fuse.WRITE, 2, writeIn(GET_RANDOM_8)).error()).isZero();
        assertThat(HEX.formatHex(send(f, Fuse.READ, 2, readIn(4096)).body())).startsWith("800100000014");
        assertThat(send(f, Fuse.DESTROY, 0, new byte[0]).error()).isZero();
        assertThat(f.destroyed()).isTrue();
    }

    @Test
    void setLocalityInTheDataStream_onlyWhenAllowed() {
        VtpmDevice refused = new VtpmDevice(instance.controller(), false, ServerLog.NONE);
        VtpmDevice proxy = new VtpmDevice(instance.controller(), true, ServerLog.NONE);
        byte[] setLoc3 = HEX.parseHex("80010000000b2000100003");
        byte[] setLoc5 = HEX.parseHex("80010000000b2000100005");
        assertThat(HEX.formatHex(refused.command(setLoc3))).isEqualTo("80010000000a00000101");
        assertThat(HEX.formatHex(proxy.command(setLoc3))).isEqualTo("80010000000a00000000");
        assertThat(instance.controller().locality()).isEqualTo(3);
        assertThat(HEX.formatHex(proxy.command(setLoc5))).isEqualTo("80010000000a00000907");
        assertThat(HEX.formatHex(proxy.command(HEX.parseHex("80010000000a20001000")))).as("no locality octet")
                .isEqualTo("80010000000a0000009a");
        assertThat(HEX.formatHex(proxy.command(new byte[4]))).isEqualTo("80010000000a0000009a");
        assertThat(HEX.formatHex(proxy.command(GET_RANDOM_8))).startsWith("800100000014");
    }

    @Test
    void ioctlNumbers_matchTpmIoctlH() {
        // the values gcc computes from swtpm 0.7.3's tpm_ioctl.h and linux/vtpm_proxy.h on x86-64
        assertThat(Integer.toHexString(PtmIoctl.GET_CAPABILITY.number())).isEqualTo("80085000");
        assertThat(Integer.toHexString(PtmIoctl.INIT.number())).isEqualTo("c0045001");
        assertThat(Integer.toHexString(PtmIoctl.HASH_DATA.number())).isEqualTo("d0045006");
        assertThat(Integer.toHexString(PtmIoctl.GET_STATEBLOB.number())).isEqualTo("cc10500b");
        assertThat(Integer.toHexString(PtmIoctl.SET_STATEBLOB.number())).isEqualTo("cc0c500c");
        assertThat(Integer.toHexString(PtmIoctl.GET_INFO.number())).isEqualTo("cc105011");
        assertThat(Long.toHexString(VtpmProxy.IOC_NEW_DEV)).isEqualTo("c014a100");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
