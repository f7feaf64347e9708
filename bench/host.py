#!/usr/bin/env python3
"""Many TPMs: N instances in one `jtpm host` against N swtpm processes (RSS, creation, a command per second each).

    bench/host.py [N] [SWTPM_N]     (default 1000 jtpm instances, 100 swtpm processes, extrapolated to N)

jtpm: `./jtpm host` with Unix socket endpoints; each instance is created through the API and answers TPM2_GetRandom on
its data socket ("create + first answer"). Then every instance gets one GetRandom per second for 10 s (N commands/s
in all, from a thread pool) and the latency of each is recorded. RSS of the host process before, after creating the
instances and after the load; live heap per instance from a full GC (jcmd GC.heap_info). swtpm: SWTPM_N processes
`swtpm socket --tpm2 --flags not-need-init,startup-clear` on Unix sockets, their summed RSS after one command each.
"""
import concurrent.futures, http.client, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GET_RANDOM = bytes.fromhex("80010000000c0000017b0008")
API_PORT = 23993


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(f.read().split("VmRSS:")[1].split()[0])


def ask(path):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall(GET_RANDOM)
    r = s.recv(64)
    s.close()
    if r[:2] != b"\x80\x01" or r[6:10] != b"\0\0\0\0":
        raise SystemExit(f"bad answer from {path}: {r.hex()}")


def call(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", API_PORT, timeout=60)
    c.request(method, path, body=body)
    r = c.getresponse()
    d = r.read()
    c.close()
    return r.status, d


def java_pid(marker):
    out = subprocess.check_output(["pgrep", "-f", marker]).split()
    for p in out:
        if os.path.exists(f"/proc/{int(p)}/exe") and os.readlink(f"/proc/{int(p)}/exe").endswith("java"):
            return int(p)
    raise SystemExit("no java process for " + marker)


def jtpm(n):
    d = tempfile.mkdtemp(prefix="jtpm-host-bench")
    p = subprocess.Popen([os.path.join(ROOT, "jtpm"), "host", "--dir", d, "--api", f"127.0.0.1:{API_PORT}"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    p.stdout.readline()  # "jtpm host: ... API on ..."
    pid = java_pid("host --dir " + d)
    rss0 = rss_kb(pid)
    created, paths = [], []
    for i in range(n):
        t = time.perf_counter()
        status, body = call("POST", "/instances", json.dumps({"name": f"vm{i}"}))
        if status != 201:
            raise SystemExit(f"create vm{i}: {status} {body}")
        path = json.loads(body)["server"]["path"]
        ask(path)
        created.append((time.perf_counter() - t) * 1000)
        paths.append(path)
    rss1 = rss_kb(pid)
    lat = []
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        for second in range(10):
            t0 = time.perf_counter()
            def one(path):
                t = time.perf_counter()
                ask(path)
                return (time.perf_counter() - t) * 1000
            lat += list(pool.map(one, paths))
            rest = 1 - (time.perf_counter() - t0)
            if rest > 0:
                time.sleep(rest)
    rss2 = rss_kb(pid)
    jcmd = os.path.join(os.path.dirname(os.readlink(f"/proc/{pid}/exe")), "jcmd")
    subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True)
    heap = subprocess.check_output([jcmd, str(pid), "GC.heap_info"], text=True)
    used = sum(int(l.split("used ")[1].split("K")[0]) for l in heap.splitlines() if " used " in l and "total" in l)
    threads = len(os.listdir(f"/proc/{pid}/task"))
    p.terminate()
    p.wait()
    shutil.rmtree(d, ignore_errors=True)
    created.sort()
    lat.sort()
    print(f"jtpm host, {n} instances: RSS {rss0 // 1024} MB empty, {rss1 // 1024} MB with the instances "
          f"({(rss1 - rss0) / n:.0f} KB each), {rss2 // 1024} MB after the load; live heap after a full GC "
          f"{used // 1024} MB ({used / n:.1f} KB per instance); {threads} threads")
    print(f"  create + first answer: median {statistics.median(created):.1f} ms, p90 {created[len(created) * 9 // 10]:.1f} ms")
    print(f"  {n} commands/s for 10 s: latency median {statistics.median(lat):.2f} ms, p99 {lat[len(lat) * 99 // 100]:.2f} ms")


def swtpm(n, extrapolate):
    d = tempfile.mkdtemp(prefix="swtpm-bench")
    procs, total = [], 0
    try:
        for i in range(n):
            st = os.path.join(d, f"s{i}")
            os.makedirs(st)
            sock = os.path.join(d, f"s{i}.sock")
            procs.append(subprocess.Popen(["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={st}", "--server",
                                           f"type=unixio,path={sock}", "--ctrl", f"type=unixio,path={sock}.ctrl",
                                           "--flags", "not-need-init,startup-clear"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            for _ in range(500):
                if os.path.exists(sock):
                    break
                time.sleep(0.01)
            ask(sock)
        total = sum(rss_kb(p.pid) for p in procs)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()
        shutil.rmtree(d, ignore_errors=True)
    print(f"swtpm, {n} processes: RSS {total // 1024} MB in all ({total / n:.0f} KB each); "
          f"{extrapolate} processes: about {total / n * extrapolate / 1024:.0f} MB")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    sn = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    jtpm(n)
    swtpm(sn, n)
