#!/usr/bin/env python3
"""Drives a swtpm control socket the way QEMU's tpm-emulator backend does (socketpair + SET_DATAFD)
and prints one line per step: name and reply hex."""
import socket, struct, sys

ctrl_path = sys.argv[1]

def ctrl(payload, n, fds=None):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(ctrl_path)
    if fds:
        socket.send_fds(c, [payload], fds)
    else:
        c.sendall(payload)
    buf = b''
    while len(buf) < n:
        chunk = c.recv(n - len(buf))
        if not chunk:
            break
        buf += chunk
    c.close()
    return buf

def data_cmd(sock, cmd):
    sock.sendall(cmd)
    hdr = b''
    while len(hdr) < 10:
        hdr += sock.recv(10 - len(hdr))
    size = struct.unpack('>I', hdr[2:6])[0]
    rest = b''
    while len(rest) < size - 10:
        rest += sock.recv(size - 10 - len(rest))
    return hdr + rest

mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
print('SET_DATAFD', ctrl(struct.pack('>I', 0x10), 4, [theirs.fileno()]).hex())
theirs.close()
print('PROBE', data_cmd(mine, bytes.fromhex('80010000000a00000181')).hex())
print('GET_CAP', ctrl(struct.pack('>I', 1), 8).hex())
print('STOP', ctrl(struct.pack('>I', 0x0e), 4).hex())
print('SETBUF', ctrl(struct.pack('>II', 0x11, 0), 16).hex())
print('INIT', ctrl(struct.pack('>II', 2, 0), 4).hex())
print('GET_EST', ctrl(struct.pack('>I', 4), 8).hex())
print('SET_LOC', ctrl(struct.pack('>IB3x', 5, 0), 4).hex())
print('STARTUP', data_cmd(mine, bytes.fromhex('80010000000c000001440000')).hex())
r = data_cmd(mine, bytes.fromhex('80010000000c0000017b0008'))
print('GETRANDOM', r[:12].hex(), len(r))
print('SET_DATAFD_AGAIN', ctrl(struct.pack('>I', 0x10), 4, [mine.fileno()]).hex())
print('SET_DATAFD_NOFD', ctrl(struct.pack('>I', 0x10), 4).hex())
for t in (1, 2, 3):
    h = ctrl(struct.pack('>IIII', 0x0c, 1, t, 0), 16)
    print('GET_STATEBLOB', t, h[:4].hex(), struct.unpack('>I', h[8:12])[0] if len(h) == 16 else -1)
print('SHUTDOWN', ctrl(struct.pack('>I', 3), 4).hex())
