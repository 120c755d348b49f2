"""py_producer.py: producer for the Python peers, with the same flags and the same
"RESULT ..." output line as the C producers (bench/c/bench_util.c), so bench/run.sh
treats every peer alike.

usage: /usr/bin/python3 bench/py/py_producer.py celery|rq --n N --article FILE --prefix P
       --redis-port PORT [--pids P1,P2] [--timeout S]
Submits N jobs (Celery: wc.delay(); RQ: Queue(--queue).enqueue()) one after another, as
an application would, then polls DBSIZE of Redis database 1 until N result hashes exist.
CPU is measured as in bench_util.c: the named process trees plus this process, and the
machine from /proc/stat.
"""
import argparse
import os
import sys
import time

import redis


def proc_table():
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                data = f.read()
        except OSError:
            continue
        rest = data[data.rfind(")") + 2:].split()
        ppid = int(rest[1])
        ticks = sum(int(x) for x in rest[11:15])  # utime stime cutime cstime
        table[int(name)] = (ppid, ticks)
    return table


def tree_ticks(roots):
    table = proc_table()
    marked = set(p for p in roots if p in table) | {os.getpid()}
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in table.items():
            if pid not in marked and ppid in marked:
                marked.add(pid)
                changed = True
    return sum(table[p][1] for p in marked if p in table)


def machine_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("peer", choices=["celery", "rq"])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--article", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--redis-port", type=int, required=True)
    ap.add_argument("--pids", default="")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--queue", default="bench", help="RQ queue name")
    a = ap.parse_args()
    os.environ["BENCH_REDIS_PORT"] = str(a.redis_port)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    text = open(a.article, encoding="utf-8").read()
    results = redis.Redis(host="127.0.0.1", port=a.redis_port, db=1)
    if a.peer == "celery":
        import bench_tasks

        submit = lambda job_id: bench_tasks.wc.delay(job_id, text)
    else:
        import bench_rq
        from rq import Queue

        q = Queue(a.queue, connection=redis.Redis(host="127.0.0.1", port=a.redis_port, db=0))
        submit = lambda job_id: q.enqueue(bench_rq.rq_wc, job_id, text)
    roots = [int(p) for p in a.pids.split(",") if p]
    tick_us = 1e6 / os.sysconf("SC_CLK_TCK")

    base = results.dbsize()
    tree0, mach0 = tree_ticks(roots), machine_ticks()
    t0 = time.monotonic()
    for i in range(a.n):
        submit(f"{a.prefix}-{i}")
    deadline = t0 + a.timeout
    while results.dbsize() < base + a.n:
        if time.monotonic() > deadline:
            got = results.dbsize() - base
            print(f"RESULT ok=0 jobs={a.n} done={got} secs={time.monotonic() - t0:.4f}", flush=True)
            return 2
        time.sleep(0.0005)
    secs = time.monotonic() - t0
    tree1, mach1 = tree_ticks(roots), machine_ticks()
    print(f"RESULT ok=1 jobs={a.n} secs={secs:.4f} rate={a.n / secs:.1f} "
          f"cpu_us={(tree1 - tree0) * tick_us / a.n:.1f} mcpu_us={(mach1 - mach0) * tick_us / a.n:.1f} retries=0",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
