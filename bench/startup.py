#!/usr/bin/env python3
"""Start-up of jtpm and swtpm: process start to the first answered command, medians of N starts.

    bench/startup.py [N]      (default 9; jtpm through ./jtpm as users run it, swtpm from PATH)

Each start gets `socket --tpm2 --server type=tcp --ctrl type=tcp --flags not-need-init,startup-clear` with a fresh
state directory (and then N more with one existing directory); the client polls the data port every millisecond
with TPM2_GetRandom(8). The port is below Linux's ephemeral range (32768-60999): a client polling a port inside it
can connect to itself and read its own bytes back as an "answer". Prints one line per server and case.
"""
import os, shutil, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = 23900
GET_RANDOM = bytes.fromhex("80010000000c0000017b0008")


def first_answer(program, state):
    cmd = [program, "socket", "--tpm2", "--server", f"type=tcp,port={PORT}", "--ctrl", f"type=tcp,port={PORT + 1}",
           "--tpmstate", f"dir={state}", "--flags", "not-need-init,startup-clear"]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if p.poll() is not None:
                raise SystemExit(f"{program} exited with {p.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", PORT), timeout=5) as s:
                    s.sendall(GET_RANDOM)
                    if len(s.recv(100)) >= 10:
                        ms = (time.monotonic() - t0) * 1000
                        rss = int(open(f"/proc/{p.pid}/status").read().split("VmRSS:")[1].split()[0]) // 1024
                        return ms, rss
            except OSError:
                time.sleep(0.001)
    finally:
        p.terminate()
        p.wait()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    for name, program in (("jtpm", os.path.join(ROOT, "jtpm")), ("swtpm", "swtpm")):
        first_answer(program, tempfile.mkdtemp())          # a first start outside the count (jtpm may build)
        for case in ("fresh state", "existing state"):
            kept = tempfile.mkdtemp()
            runs = []
            for _ in range(n):
                d = kept if case == "existing state" else tempfile.mkdtemp()
                runs.append(first_answer(program, d))
                if d != kept:
                    shutil.rmtree(d, ignore_errors=True)
            shutil.rmtree(kept, ignore_errors=True)
            ms = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            print(f"{name:6} {case:15} first answer median {ms:7.1f} ms  RSS at first answer {rss} MB  (n={n})")


if __name__ == "__main__":
    main()
