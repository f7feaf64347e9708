#!/usr/bin/env python3
"""Drives jtpm's device front-ends through the real kernel, as swtpm_ioctl and a TPM driver would.

usage: device_frontends.py fuse|chardev WORKDIR JAVA_COMMAND...
Prints one line per check ("NAME value"); the Java test asserts them.
"""
import fcntl
import os
import socket
import struct
import subprocess
import sys
import time

mode, work = sys.argv[1], sys.argv[2]
java = sys.argv[3:]


def ioc(nr, size, rw=True):
    return ((3 if rw else 2) << 30) | (size << 16) | (ord('P') << 8) | nr


PTM_GET_CAPABILITY = ioc(0, 8, False)
PTM_INIT = ioc(1, 4)
PTM_SHUTDOWN = ioc(2, 4, False)
PTM_GET_TPMESTABLISHED = ioc(3, 8, False)
PTM_SET_LOCALITY = ioc(4, 4)
PTM_GET_STATEBLOB = ioc(11, 16 + 3072)
PTM_STOP = ioc(13, 4, False)
PTM_GET_INFO = ioc(17, 16 + 3072)
GET_RANDOM_8 = bytes.fromhex("80010000000c0000017b0008")


def pcr_reset(pcr):
    body = struct.pack(">I", pcr) + struct.pack(">I", 9) + bytes.fromhex("400000090000000000")
    return struct.pack(">HII", 0x8002, 10 + len(body), 0x13D) + body


def rc(rsp):
    return "%08x" % struct.unpack(">I", rsp[6:10])[0]


def wait_for(path, proc, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        if os.path.exists(path):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def fuse():
    state, mnt, pid = os.path.join(work, "state"), os.path.join(work, "mnt"), os.path.join(work, "pid")
    os.makedirs(state, exist_ok=True)
    os.makedirs(mnt, exist_ok=True)
    dev = os.path.join(mnt, "vtpm0")
    key = os.path.join(work, "key")
    with open(key, "w") as f:
        f.write("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n")
    p = subprocess.Popen(java + ["cuse", "--tpm2", "-n", "vtpm0", "--fuse-mount", mnt, "--tpmstate", "dir=" + state,
                                 "--flags", "not-need-init,startup-clear", "--pid", "file=" + pid,
                                 "--key", "file=" + key + ",mode=aes-256-cbc"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if not wait_for(dev, p):
        print("START failed", p.communicate(timeout=30)[0].decode(errors="replace").replace("\n", " | "))
        return
    print("DEVICE", dev)
    print("STATE", state)
    sys.stdout.flush()
    try:
        drive(dev, p, pid)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        subprocess.run(["umount", "-l", mnt], stderr=subprocess.DEVNULL)


def drive(dev, p, pid):
    fd = os.open(dev, os.O_RDWR)
    cap = bytearray(8)
    fcntl.ioctl(fd, PTM_GET_CAPABILITY, cap, True)
    print("GET_CAP %x" % struct.unpack("=Q", cap)[0])
    est = bytearray(8)
    fcntl.ioctl(fd, PTM_GET_TPMESTABLISHED, est, True)
    print("GET_EST", est.hex())
    os.write(fd, GET_RANDOM_8)
    rsp = os.read(fd, 4096)
    print("GETRANDOM", rsp[:12].hex(), len(rsp))
    os.write(fd, pcr_reset(20))
    print("PCR_RESET_20_LOC0", rc(os.read(fd, 4096)))
    loc = bytearray(struct.pack("=I", 2))
    fcntl.ioctl(fd, PTM_SET_LOCALITY, loc, True)
    print("SET_LOC2 %08x" % struct.unpack("=I", loc)[0])
    os.write(fd, pcr_reset(20))
    print("PCR_RESET_20_LOC2", rc(os.read(fd, 4096)))
    loc = bytearray(struct.pack("=I", 5))
    fcntl.ioctl(fd, PTM_SET_LOCALITY, loc, True)
    print("SET_LOC5 %08x" % struct.unpack("=I", loc)[0])
    info = bytearray(struct.pack("=QII", 3, 0, 0) + bytes(3072))
    fcntl.ioctl(fd, PTM_GET_INFO, info, True)
    res, tot, length = struct.unpack("=III", info[:12])
    print("GET_INFO %08x %s" % (res, info[12:12 + length - 1].decode()))
    # the volatile blob: 3 KiB through the ioctl, the rest through read()
    gs = bytearray(struct.pack("=III", 1, 2, 0) + bytes(3076))
    fcntl.ioctl(fd, PTM_GET_STATEBLOB, gs, True)
    res, flags, tot, length = struct.unpack("=IIII", gs[:16])
    blob = bytes(gs[16:16 + length])
    while True:  # as swtpm_ioctl: read until a read returns less than asked, which ends the transfer
        part = os.read(fd, 4096)
        blob += part
        if len(part) < 4096:
            break
    print("GET_STATEBLOB %08x %d %d %s" % (res, tot, len(blob), blob[:6].hex()))
    r = bytearray(4)
    fcntl.ioctl(fd, PTM_STOP, r, True)
    print("STOP %08x" % struct.unpack("=I", r)[0])
    os.write(fd, GET_RANDOM_8)
    print("STOPPED_CMD", os.read(fd, 4096).hex())
    init = bytearray(struct.pack("=I", 0))
    fcntl.ioctl(fd, PTM_INIT, init, True)
    print("INIT %08x" % struct.unpack("=I", init)[0])
    os.write(fd, GET_RANDOM_8)
    print("AFTER_INIT", rc(os.read(fd, 4096)))
    fcntl.ioctl(fd, PTM_SET_LOCALITY, bytearray(4), True)  # back to locality 0 for Startup
    os.write(fd, bytes.fromhex("80010000000c000001440000"))  # Startup(CLEAR)
    print("STARTUP", rc(os.read(fd, 4096)))
    os.close(fd)
    # hand over to the Java side (tpm2-tools through the device), then shut down
    print("READY")
    sys.stdout.flush()
    sys.stdin.readline()
    fd = os.open(dev, os.O_RDWR)
    r = bytearray(4)
    fcntl.ioctl(fd, PTM_SHUTDOWN, r, True)
    print("SHUTDOWN %08x" % struct.unpack("=I", r)[0])
    try:
        os.close(fd)
    except OSError:
        pass  # the device is gone already: its FLUSH is aborted
    try:
        code = p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        code = "hung"
    print("EXIT", code)
    print("PIDFILE", os.path.exists(pid))
    print("MOUNTED", os.path.exists(dev))
    with open(os.path.join(work, "state", "tpm2-00.permall"), "rb") as f:
        print("PERMALL_FLAGS %04x" % struct.unpack(">H", f.read(6)[4:6])[0])


def chardev():
    state = os.path.join(work, "state2")
    os.makedirs(state, exist_ok=True)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    os.set_inheritable(b.fileno(), True)
    p = subprocess.Popen(java + ["chardev", "--tpm2", "--fd", str(b.fileno()), "--tpmstate", "dir=" + state,
                                 "--flags", "not-need-init,startup-clear", "--locality", "allow-set-locality"],
                         pass_fds=(b.fileno(),), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    b.close()
    a.settimeout(60)

    def tx(cmd):
        a.send(cmd)
        return a.recv(4096)

    print("GETRANDOM", tx(GET_RANDOM_8)[:12].hex())
    print("PCR_RESET_20_LOC0", rc(tx(pcr_reset(20))))
    print("SET_LOCALITY_2", tx(bytes.fromhex("80010000000b2000100002")).hex())
    print("PCR_RESET_20_LOC2", rc(tx(pcr_reset(20))))
    print("SET_LOCALITY_5", tx(bytes.fromhex("80010000000b2000100005")).hex())
    a.close()
    try:
        code = p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        code = "hung"
    print("EXIT", code)


{"fuse": fuse, "chardev": chardev}[mode]()
