#!/usr/bin/env python3
"""Starts `<cmd...> socket` the way swtpm_setup does: data and control channels are socketpair ends
passed as inherited descriptors (--server type=tcp,fd=N --ctrl type=unixio,clientfd=M)."""
import os, socket, struct, subprocess, sys, time

state, pidfile = sys.argv[1], sys.argv[2]
cmd = sys.argv[3:]
data_mine, data_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
ctrl_mine, ctrl_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
for s in (data_theirs, ctrl_theirs):
    os.set_inheritable(s.fileno(), True)
p = subprocess.Popen(cmd + ['socket', '--tpm2', '--flags', 'not-need-init,startup-clear',
                            '--tpmstate', 'dir=' + state, '--pid', 'file=' + pidfile,
                            '--server', 'type=tcp,fd=%d' % data_theirs.fileno(),
                            '--ctrl', 'type=unixio,clientfd=%d' % ctrl_theirs.fileno()],
                     pass_fds=(data_theirs.fileno(), ctrl_theirs.fileno()))
data_theirs.close()
ctrl_theirs.close()
for _ in range(600):
    if os.path.exists(pidfile) and open(pidfile).read().strip():
        break
    time.sleep(0.05)

def recv_n(s, n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            break
        b += c
    return b

ctrl_mine.sendall(struct.pack('>I', 1))
print('GET_CAP', recv_n(ctrl_mine, 8).hex())
ctrl_mine.sendall(struct.pack('>IQII', 0x12, 3, 0, 0))
hdr = recv_n(ctrl_mine, 12)
print('GET_INFO', hdr[:4].hex(), recv_n(ctrl_mine, struct.unpack('>I', hdr[8:12])[0]).rstrip(b'\0').decode())
data_mine.sendall(bytes.fromhex('80010000000c0000017b0008'))
r = recv_n(data_mine, 20)
print('GETRANDOM', r[:12].hex(), len(r))
ctrl_mine.sendall(struct.pack('>I', 3))
print('SHUTDOWN', recv_n(ctrl_mine, 4).hex())
print('EXIT', p.wait(timeout=30))
print('PIDFILE', os.path.exists(pidfile))
