#!/usr/bin/env python3
"""Footprint of one TPM process: RSS of `jtpm socket` (through ./jtpm, as users run it) and `swtpm socket` when
idle after start-up, and after heavy use (RSA-2048 and ECC primaries, an RSA-2048 key created and loaded, 3 HMAC
sessions, 50 signatures, 200 GetRandom, 100 PCR extends), medians of N runs.

    bench/footprint.py [N]     (default 3)
"""
import os, shutil, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = 23970
GET_RANDOM = bytes.fromhex("80010000000c0000017b0008")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(f.read().split("VmRSS:")[1].split()[0]) / 1024


def server_pid(p):
    """The JVM (or swtpm) under the launcher: the launcher execs, so it is the same process."""
    return p.pid


def tools(*args, ctx=None):
    tcti = f"swtpm:host=127.0.0.1,port={PORT}"
    r = subprocess.run(list(args) + ["-T", tcti], capture_output=True, cwd=ctx)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: {r.stderr.decode()}")


def work(d):
    tools("tpm2_createprimary", "-C", "o", "-G", "rsa2048", "-c", "p.ctx", ctx=d)
    tools("tpm2_createprimary", "-C", "e", "-G", "ecc256", "-c", "e.ctx", ctx=d)
    tools("tpm2_flushcontext", "-t", ctx=d)
    tools("tpm2_create", "-C", "p.ctx", "-G", "rsa2048", "-u", "k.pub", "-r", "k.priv", ctx=d)
    tools("tpm2_flushcontext", "-t", ctx=d)
    tools("tpm2_load", "-C", "p.ctx", "-u", "k.pub", "-r", "k.priv", "-c", "k.ctx", ctx=d)
    tools("tpm2_flushcontext", "-t", ctx=d)
    for i in range(3):
        tools("tpm2_startauthsession", "-S", f"s{i}.ctx", ctx=d)
    with open(os.path.join(d, "msg"), "wb") as f:
        f.write(b"footprint")
    for i in range(50):
        tools("tpm2_sign", "-c", "k.ctx", "-g", "sha256", "-o", "sig", "msg", ctx=d)
        tools("tpm2_flushcontext", "-t", ctx=d)
    for i in range(100):
        tools("tpm2_pcrextend", f"16:sha256={i:064x}", ctx=d)
    for i in range(200):
        with socket.create_connection(("127.0.0.1", PORT)) as s:
            s.sendall(GET_RANDOM)
            s.recv(64)


def one(program):
    state, d = tempfile.mkdtemp(), tempfile.mkdtemp()
    p = subprocess.Popen([program, "socket", "--tpm2", "--server", f"type=tcp,port={PORT}", "--ctrl",
                          f"type=tcp,port={PORT + 1}", "--tpmstate", f"dir={state}", "--flags", "not-need-init,startup-clear"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", PORT), timeout=5) as s:
                    s.sendall(GET_RANDOM)
                    if len(s.recv(64)) >= 10:
                        break
            except OSError:
                time.sleep(0.01)
        time.sleep(5)
        idle = rss_mb(server_pid(p))
        work(d)
        time.sleep(3)
        used = rss_mb(server_pid(p))
        return idle, used
    finally:
        p.terminate()
        p.wait()
        shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for name, program in (("jtpm", os.path.join(ROOT, "jtpm")), ("swtpm", "swtpm")):
        runs = [one(program) for _ in range(n)]
        print(f"{name:5}  RSS idle {statistics.median(r[0] for r in runs):5.1f} MB   after heavy use "
              f"{statistics.median(r[1] for r in runs):5.1f} MB   (n={n})")
