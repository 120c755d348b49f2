"""report.py: turns the raw figures of bench/run.sh into bench/RESULTS.md.

usage (run by bench/run.sh with Debian's /usr/bin/python3; standard library only):
  report.py generate --raw RAW --commands TSV --mode quick|full --article FILE --bin DIR
                     [--engine MD] [--note TEXT] [--load-start "a b c"] --out RESULTS.md
  report.py median   --raw RAW --section S --name N --key K     (prints the median)
  report.py latency  --submit FILE --visible FILE --n N         (prints key=value fields)

RAW lines are "section<TAB>name<TAB>run<TAB>key=value ..." (see bench/lib.sh).  Every
figure in the tables is the median of the runs with the min-max range beside it.
"""
import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys

PEER_LABELS = {
    "dossier": "**Dossier** (broker + worker `--analysis counts`, durable accept)",
    "zmq": "ZeroMQ PUSH/PULL, no broker (ceiling)",
    "beanstalkd": "beanstalkd, in memory (no binlog)",
    "beanstalkd-fsync": "beanstalkd, binlog fsync'd on every write (`-b -f0`)",
    "gearman": "Gearman (gearmand, background jobs)",
    "celery": "Celery 5, Redis broker + backend",
    "rq": "RQ, default Worker (fork per job)",
    "rq-simple": "RQ, SimpleWorker (no fork)",
}
DURABLE = {"dossier": "yes (fsync before accept)", "beanstalkd-fsync": "yes (fsync per put)"}
FREE_TEXT = ("reason", "output")  # raw fields that may hold spaces; always written last
VERSION_PKGS = ["redis-server", "libzmq5", "libczmq4", "libhiredis0.14", "libmsgpackc2", "liblmdb0",
                "beanstalkd", "gearman-job-server", "libgearman8", "python3-celery", "python3-kombu",
                "python3-rq", "python3-redis", "python3"]


def read_raw(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            fields = {}
            rest = parts[3]
            while rest:
                kv, _, rest = rest.partition(" ")
                k, eq, v = kv.partition("=")
                if eq and k in FREE_TEXT:  # free text runs to the end of the line
                    fields[k] = (v + " " + rest).strip()
                    break
                if eq:
                    fields[k] = v
            rows.append({"section": parts[0], "name": parts[1], "run": parts[2], "f": fields})
    return rows


def values(rows, section, name, key):
    out = []
    for r in rows:
        if r["section"] == section and r["name"] == name and key in r["f"]:
            try:
                out.append(float(r["f"][key]))
            except ValueError:
                pass
    return out


def med(vals):
    return statistics.median(vals) if vals else None


def fmt(v, digits=0):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def med_range(vals, digits=0):
    if not vals:
        return "–"
    if len(vals) == 1:
        return f"{fmt(vals[0], digits)} (1 run)"
    return f"{fmt(med(vals), digits)} ({fmt(min(vals), digits)}–{fmt(max(vals), digits)})"


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine(meta):
    model = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip() or platform.processor()
    mem_kb = int(sh("awk '/MemTotal/ {print $2}' /proc/meminfo") or 0)
    load_now = sh("cut -d' ' -f1-3 /proc/loadavg")
    return [
        f"- CPUs: {os.cpu_count()} (`nproc` {sh('nproc')}), {model}",
        f"- Memory: {mem_kb / 1048576:.1f} GiB",
        f"- Kernel: {platform.release()}; Debian {sh('cat /etc/debian_version')}",
        f"- Load average (1, 5, 15 min) at the start of the run {meta.get('load_start', '?').replace(',', ' ')}, "
        f"at its end {meta.get('load_end', load_now).replace(',', ' ')}",
    ]


def versions(bin_dir, meta):
    lines = []
    for p in VERSION_PKGS:
        v = sh(f"dpkg-query -W -f='${{Version}}' {p} 2>/dev/null")
        lines.append(f"{p} {v or 'not installed'}")
    dv = sh(f"{bin_dir}/dossier-broker --version 2>&1 | head -n1") if os.access(
        f"{bin_dir}/dossier-broker", os.X_OK) else "not built"
    rev = meta.get("git") or sh("git rev-parse --short HEAD")
    if rev.endswith("+uncommitted"):
        rev = rev[: -len("+uncommitted")] + " (the working tree had uncommitted changes)"
    return [f"- Dossier: {dv or '?'}, git {rev} when the run started", "- " + ", ".join(lines)]


def trivial_table(rows, out):
    names = []
    for r in rows:
        if r["section"] == "trivial" and r["name"] not in names:
            names.append(r["name"])
    names.sort(key=lambda n: (n != "dossier", list(PEER_LABELS).index(n) if n in PEER_LABELS else 99))
    ds = med(values(rows, "trivial", "dossier", "rate"))
    ds_cpu = med(values(rows, "trivial", "dossier", "cpu_us"))
    out.append("| system | durable | jobs per run | jobs/s, median (min–max) | CPU µs/job, pipeline | "
               "CPU µs/job, machine | Dossier ÷ system |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for n in names:
        rate = values(rows, "trivial", n, "rate")
        jobs = values(rows, "trivial", n, "jobs")
        ratio = f"{ds / med(rate):.2f}×" if ds and rate and n != "dossier" else ("–" if n != "dossier" else "1")
        out.append(f"| {PEER_LABELS.get(n, n)} | {DURABLE.get(n, 'no')} | {fmt(med(jobs))} | {med_range(rate)} | "
                   f"{med_range(values(rows, 'trivial', n, 'cpu_us'))} | "
                   f"{med_range(values(rows, 'trivial', n, 'mcpu_us'))} | {ratio} |")
    return ds, ds_cpu


def latency_table(rows, out):
    pcts = sorted({r["name"] for r in rows if r["section"] == "latency"}, key=float)
    if not pcts:
        return None
    out.append("| load | target docs/s | sent docs/s | p50 ms | p95 ms | p99 ms | max ms | seen/sent |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    p99_at_50 = None
    for p in pcts:
        seen = values(rows, "latency", p, "seen")
        sent = values(rows, "latency", p, "n")
        out.append(f"| {p} % of max | {fmt(med(values(rows, 'latency', p, 'target_rate')))} | "
                   f"{med_range(values(rows, 'latency', p, 'sent_rate'))} | "
                   + " | ".join(med_range(values(rows, "latency", p, k), 2)
                                for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms"))
                   + f" | {fmt(sum(seen))}/{fmt(sum(sent))} |")
        if p == "50":
            p99_at_50 = med(values(rows, "latency", p, "p99_ms"))
    return p99_at_50


def split_table(rows, out):
    runs = [("trivial job (`--analysis counts`)", "dossier", "trivial", "dossier"),
            ("full analysis", "dossier-full", "full", "dossier"),
            ("full analysis, `--no-dedup`", "dossier-full-nodedup", "full", "dossier-nodedup")]
    if not any(r["section"] == "split" for r in rows):
        out.append("_Not measured (Dossier not available)._")
        return
    out.append("| run | broker µs/doc | worker µs/doc (all children) | redis-server µs/doc | producer and rest µs/doc |")
    out.append("|---|---:|---:|---:|---:|")
    for label, name, section, total_name in runs:
        b, w, r = (med(values(rows, "split", name, k)) for k in ("broker_us", "worker_us", "redis_us"))
        total = med(values(rows, section, total_name, "cpu_us"))
        if b is None:
            continue
        rest = total - b - w - r if total is not None else None
        out.append(f"| {label} | {fmt(b)} | {fmt(w)} | {fmt(r)} | {fmt(rest) if rest and rest > 0 else '–'} |")


def scaling_table(rows, out):
    out.append("| analysis | children | docs/s, median (min–max) | CPU µs/doc, pipeline | speed-up over 1 child |")
    out.append("|---|---:|---:|---:|---:|")
    any_row = False
    for analysis in ("counts", "full"):
        sec = f"scale-{analysis}"
        children = sorted({r["name"] for r in rows if r["section"] == sec}, key=int)
        one = med(values(rows, sec, "1", "rate"))
        for c in children:
            rate = values(rows, sec, c, "rate")
            sp = f"{med(rate) / one:.2f}×" if one and rate else "–"
            label = "full, `--no-dedup`" if analysis == "full" else analysis
            out.append(f"| {label} | {c} | {med_range(rate)} | {med_range(values(rows, sec, c, 'cpu_us'))} | {sp} |")
            any_row = True
    if not any_row:
        out.pop()
        out.pop()
        out.append("_Not measured (Dossier not available)._")


def memory_table(rows, out):
    mem = [r for r in rows if r["section"] == "memory"]
    if not mem:
        out.append("_Not measured (Dossier not available)._")
        return None
    out.append("Peak RSS is `VmHWM` from /proc; the broker's counts the journal's memory-mapped LMDB pages "
               "(file-backed, reclaimable), so its heap (`RssAnon` at the end of the run) is shown beside it.")
    out.append("")
    out.append("| run | children | broker peak RSS | broker heap | largest worker-child peak RSS |")
    out.append("|---|---:|---:|---:|---:|")
    child_max = 0.0

    def mib(kb):
        return f"{kb / 1024:.1f} MiB" if kb > 0 else "–"

    for r in mem:
        b, c = float(r["f"].get("broker_kb", 0)), float(r["f"].get("child_kb", 0))
        anon = float(r["f"].get("broker_anon_kb", 0))
        child_max = max(child_max, c)
        out.append(f"| {r['name']} | {r['f'].get('children', '?')} | {mib(b)} | {mib(anon)} | {mib(c)} |")
    return child_max / 1024


def goals(out, g):
    def row(goal, measured, ok):
        mark = "–" if ok is None else ("met" if ok else "**not met**")
        out.append(f"| {goal} | {measured} | {mark} |")

    out.append("| goal (issue 8) | measured here | |")
    out.append("|---|---|---|")
    ds, bs, cel, zmq, cpu = g["ds"], g["bs"], g["celery"], g["zmq"], g["ds_cpu"]
    row("trivial job ≥ 15,000 docs/s, durable accept", fmt(ds) + " docs/s" if ds else "–", ds and ds >= 15000)
    row("≥ 1.6× beanstalkd", f"{ds / bs:.2f}×" if ds and bs else "–", (ds / bs >= 1.6) if ds and bs else None)
    row("≥ 15× Celery", f"{ds / cel:.1f}×" if ds and cel else "–", (ds / cel >= 15) if ds and cel else None)
    row("about half of the no-broker ceiling", f"{ds / zmq:.2f} of it" if ds and zmq else "–",
        (ds / zmq >= 0.45) if ds and zmq else None)
    row("≤ 130 µs machine CPU per document", f"{cpu:.0f} µs (pipeline processes)" if cpu else "–",
        (cpu <= 130) if cpu else None)
    full = g["full"]
    nd = g.get("full_nodedup")
    row("full analysis ≥ 5,000 docs/s end to end", (fmt(full) + " docs/s" if full else "–")
        + (f" ({fmt(nd)} with `--no-dedup`)" if nd else ""), (full >= 5000) if full else None)
    p99 = g["p99_50"]
    row("p99 submit → visible ≤ 20 ms at half the max rate", f"{p99:.1f} ms" if p99 is not None else "–",
        (p99 <= 20) if p99 is not None else None)
    child = g["child_mb"]
    row("worker child RSS ≤ 64 MB", f"{child:.1f} MiB" if child else "–", (child <= 61.03) if child else None)


def generate(a):
    rows = read_raw(a.raw)
    meta = next((r["f"] for r in rows if r["section"] == "meta"), {})
    now = meta.get("started") or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
    art_bytes = os.path.getsize(a.article) if os.path.exists(a.article) else 0
    out = [
        "# Dossier benchmarks",
        "",
        f"Generated by `make bench{'-quick' if a.mode == 'quick' else ''}` (`bash bench/run.sh {a.mode}`), run started {now}, "
        f"in {meta.get('secs', '?')} s. Each figure is the median of {meta.get('runs', '?')} runs with the range "
        f"(min–max) in brackets. Regenerate on your own machine before quoting any of it.",
        "",
    ]
    if a.note:
        out += [f"> **Note:** {a.note}", ""]
    out += ["## Machine", ""] + machine(meta) + ["", "## Versions", ""] + versions(a.bin, meta)
    out += ["", "## Trivial job: Dossier beside the queues users would pick instead", "",
            f"Every system does the same job: a {art_bytes:,}-byte news article (`{os.path.basename(a.article)}`) in, "
            "count its words, HSET a small hash (`id words chars`) into Redis. Producer, server and "
            f"{meta.get('workers', '?')} worker processes (or children) are separate processes on this machine; "
            "jobs/s is end to end, from the first submit to the moment the last result is visible in Redis "
            "(the producer polls `DBSIZE`, or `XLEN dossier:results` for Dossier, every 0.5 ms after its last submit). "
            "The systems run in interleaved rounds so that other load on the machine falls on all of them alike. "
            "CPU per job: *pipeline* is utime+stime of the producer, the server, the workers and redis-server "
            "(from /proc, children included); *machine* is every busy CPU tick of the machine from /proc/stat, "
            "so it includes anything else running at the time.", ""]
    g = {}
    g["ds"], g["ds_cpu"] = trivial_table(rows, out)
    g["bs"] = med(values(rows, "trivial", "beanstalkd", "rate"))
    g["celery"] = med(values(rows, "trivial", "celery", "rate"))
    g["zmq"] = med(values(rows, "trivial", "zmq", "rate"))
    unavailable = [r for r in rows if r["section"] == "unavailable"]
    if unavailable:
        out += ["", "Not available in this run:", ""]
        out += [f"- {r['name']}: {r['f'].get('reason', '?')} " + " ".join(
            f"{k}={v}" for k, v in r["f"].items() if k != "reason") for r in unavailable]
    out += ["", "## Dossier, full analysis", "",
            "All engine stages on (`dossier-worker --analysis full`), seed-sized documents (the same article), "
            f"{meta.get('workers', '?')} children, as fast as the producer can submit (256 requests in flight):", ""]
    full = values(rows, "full", "dossier", "rate")
    g["full"] = med(full)
    g["full_nodedup"] = med(values(rows, "full", "dossier-nodedup", "rate"))
    if full:
        out += ["| worker settings | docs per run | docs/s, median (min–max) | CPU µs/doc, pipeline | "
                "CPU µs/doc, machine |", "|---|---:|---:|---:|---:|"]
        for name, label in (("dossier", "`--analysis full` (defaults)"),
                            ("dossier-nodedup", "`--analysis full --no-dedup`")):
            if values(rows, "full", name, "rate"):
                out.append(f"| {label} | {fmt(med(values(rows, 'full', name, 'jobs')))} | "
                           f"{med_range(values(rows, 'full', name, 'rate'))} | "
                           f"{med_range(values(rows, 'full', name, 'cpu_us'))} | "
                           f"{med_range(values(rows, 'full', name, 'mcpu_us'))} |")
        out += ["", "Every document here is the same article under a new id, so each one is a near-duplicate of all "
                "the others: with the defaults (`--dedup`) the worker's store script compares it with up to 4 × 512 "
                "SimHash band members inside Redis. The `--no-dedup` row measures the pipeline without that.", ""]
    else:
        out += ["_Not measured (Dossier not available)._", ""]
    out += ["Latency from submit (timestamped in the producer when the request is sent) to the result's entry being "
            "read from `dossier:results` by a separate `XREAD BLOCK` consumer (same monotonic clock), with an "
            "open-loop producer sending at a fixed fraction of the maximum rate measured just above:", ""]
    g["p99_50"] = latency_table(rows, out)
    if g["p99_50"] is None and not any(r["section"] == "latency" for r in rows):
        out.append("_Not measured._")
    out += ["", "## Where Dossier's CPU goes", "",
            "CPU per document of each process tree, sampled around the runs above (median); the producer and "
            "anything not listed is the rest of the pipeline figure.", ""]
    split_table(rows, out)
    intake = [(label, values(rows, sec, name, "accept_rate")) for label, sec, name in
              (("trivial job", "trivial", "dossier"), ("full analysis", "full", "dossier"),
               ("full analysis, `--no-dedup`", "full", "dossier-nodedup"))]
    intake = [f"{label} {med_range(v)}" for label, v in intake if v]
    if intake:
        out += ["", "Broker intake, documents acknowledged (journalled and fsync'd) per second while the producer "
                "submitted, which bounds the end-to-end rate from above: " + "; ".join(intake) + "."]
    out += ["", "## Scaling over worker children", ""]
    scaling_table(rows, out)
    out += ["", "## Memory", ""]
    g["child_mb"] = memory_table(rows, out)
    journal = [r for r in rows if r["section"] == "journal"]
    out += ["", "## Journal", ""]
    if journal:
        f = journal[0]["f"]
        out.append(f"After {int(f.get('docs', 0)):,} documents (trivial job, all analysed): journal directory "
                   f"{int(f.get('apparent_bytes', 0)) / 1048576:.1f} MiB apparent size, "
                   f"{int(f.get('allocated_bytes', 0)) / 1048576:.1f} MiB allocated; broker peak RSS "
                   f"{float(f.get('broker_kb', 0)) / 1024:.1f} MiB (heap "
                   f"{float(f.get('broker_anon_kb', 0)) / 1024:.1f} MiB); that run: "
                   f"{fmt(float(f.get('rate', 0)))} docs/s end to end, {fmt(float(f.get('accept_rate', 0)))} "
                   "accepted/s.")
    else:
        out.append("_Measured by `make bench` (full) only._" if a.mode == "quick" else "_Not measured._")
    if a.engine and os.path.exists(a.engine) and os.path.getsize(a.engine) > 0:
        out += ["", "## Engine", "", "`bash bench/engine.sh SECONDS full` (the engine's own benchmark, one core):",
                "", open(a.engine).read().rstrip()]
    else:
        out += ["", "## Engine", "", "_`bench/engine.sh` (owned by the engine) was not present in this run._"]
    out += ["", "## Goals", ""]
    goals(out, g)
    failed = [r for r in rows if r["section"] == "failed"]
    if failed:
        out += ["", "## Failed runs", ""] + [f"- {r['name']} run {r['run']}: " + " ".join(
            f"{k}={v}" for k, v in r["f"].items()) for r in failed]
    out += ["", "## Commands", "", "Servers listen on kernel-chosen ports on 127.0.0.1; everything runs in a "
            "temporary directory and is stopped at the end. Sources: `bench/c/`, `bench/py/`, `bench/*.sh`.", ""]
    if a.commands and os.path.exists(a.commands):
        for line in open(a.commands):
            name, _, cmd = line.rstrip("\n").partition("\t")
            out.append(f"- {name}: `{cmd}`")
    out += ["", "## Caveats", "",
            "- Peers are measured with their stock settings and the simplest idiomatic producer: Celery `delay()` "
            "and RQ `enqueue()` one job at a time; beanstalkd and Gearman with 64 requests in flight; ZeroMQ "
            "with no acknowledgements at all. Only Dossier and `beanstalkd -f0` fsync before acknowledging.",
            "- Dossier writes more per document than the peers' one HSET: one Lua script (EVALSHA) that reads the "
            "document's status, HSETs its hash and XADDs an entry to `dossier:results`, atomically.",
            "- CPU ticks are 10 ms, so CPU per job of short runs is coarse.",
            ""]
    with open(a.out, "w") as f:
        f.write("\n".join(out))


def latency(a):
    sub, vis = {}, {}
    for path, d in ((a.submit, sub), (a.visible, vis)):
        if os.path.exists(path):
            for line in open(path):
                i, t = line.split()
                d[int(i)] = int(t)
    lat = sorted((vis[i] - sub[i]) / 1e6 for i in vis if i in sub and sub[i] > 0)
    if not lat:
        return 1
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [lat[0]] * 99
    ts = sorted(t for t in sub.values() if t > 0)
    span = (ts[-1] - ts[0]) / 1e9 if len(ts) > 1 else 0
    print(f"n={a.n} seen={len(lat)} sent_rate={(len(ts) - 1) / span if span else 0:.1f} "
          f"p50_ms={q[49]:.3f} p95_ms={q[94]:.3f} p99_ms={q[98]:.3f} max_ms={lat[-1]:.3f}")
    return 0


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    for k in ("raw", "commands", "mode", "article", "bin", "engine", "note", "out"):
        g.add_argument("--" + k, default="")
    m = sub.add_parser("median")
    for k in ("raw", "section", "name", "key"):
        m.add_argument("--" + k, required=True)
    lt = sub.add_parser("latency")
    lt.add_argument("--submit", required=True)
    lt.add_argument("--visible", required=True)
    lt.add_argument("--n", type=int, required=True)
    ARGS = ap.parse_args()
    if ARGS.cmd == "generate":
        generate(ARGS)
        return 0
    if ARGS.cmd == "median":
        v = med(values(read_raw(ARGS.raw), ARGS.section, ARGS.name, ARGS.key))
        print(f"{v:.1f}" if v else "0")
        return 0
    return latency(ARGS)


ARGS = None
if __name__ == "__main__":
    sys.exit(main())
