#!/usr/bin/python3
"""Turns run-bench.sh's raw timings into the Markdown report (stdout).

Usage: summarize.py RESULTS.tsv MACHINE.md CEILING.tsv GUI.txt MICRO.json
RESULTS.tsv lines: tool case direction run bytes wall_s user_s sys_s maxrss_kib (run 0 = warm-up, left out).
CEILING.tsv lines: tool clients bytes wall_s (all clients together)
GUI.txt lines:     gui-stall PHASE max_ms=.. p99_ms=.. over_50ms=.. seconds=.. samples=.. (from roledrop_gui_stall_bench)
MICRO.json:        Google Benchmark's JSON output ({} when skipped)
"""
import json
import statistics
import sys

MIB = 1 << 20
GIB = 1 << 30
PEERS = ("aws", "rclone")


def read_runs(path):
    runs = []
    with open(path) as f:
        for line in f:
            tool, case, direction, run, size, wall, user, sys_s, rss = line.split()
            runs.append(dict(tool=tool, case=case, direction=direction, run=int(run), bytes=int(size),
                             wall=float(wall), cpu=float(user) + float(sys_s), rss_kib=int(rss)))
    return runs


def ordered_groups(runs):
    """(case, direction) pairs in the order they ran, so the table reads like the run."""
    seen = []
    for r in runs:
        key = (r["case"], r["direction"])
        if key not in seen:
            seen.append(key)
    return seen


def counted(runs, tool, case, direction):
    return sorted((r for r in runs if r["tool"] == tool and r["case"] == case and r["direction"] == direction
                   and r["run"] > 0), key=lambda r: r["run"])


def tool_row(rows):
    wall = statistics.median(r["wall"] for r in rows)
    size = rows[0]["bytes"]
    mib_s = size / MIB / wall if wall > 0 else float("inf")
    cpu_per_gib = statistics.median(r["cpu"] for r in rows) / (size / GIB)
    peak_mib = max(r["rss_kib"] for r in rows) / 1024
    return wall, mib_s, cpu_per_gib, peak_mib


def pair_ratios(ours, theirs):
    """Run i of RoleDrop against run i of the peer (they ran back to back), then the median.
    Throughput ratio = peer wall / RoleDrop wall (same bytes); CPU ratio = RoleDrop CPU / peer CPU."""
    pairs = list(zip(ours, theirs))
    if not pairs:
        return None, None
    speed = statistics.median(t["wall"] / o["wall"] if o["wall"] > 0 else float("inf") for o, t in pairs)
    cpu = statistics.median(o["cpu"] / t["cpu"] if t["cpu"] > 0 else float("inf") for o, t in pairs)
    return speed, cpu


def fmt(value, digits=2):
    return "n/a" if value is None else f"{value:.{digits}f}"


def faster_peer_ratio(runs, case, direction):
    """RoleDrop's throughput over the faster of the peers, run by run (each run's faster peer), median."""
    ours = counted(runs, "roledrop", case, direction)
    peers = [counted(runs, peer, case, direction) for peer in PEERS]
    ratios = [min(p[i]["wall"] for p in peers) / o["wall"] for i, o in enumerate(ours)
              if all(i < len(p) for p in peers) and o["wall"] > 0]
    return statistics.median(ratios) if ratios else None


def read_gui(path):
    phases = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) > 2 and parts[0] == "gui-stall" and "=" in parts[2]:
                phases[parts[1]] = {k: float(v) for k, v in (p.split("=") for p in parts[2:])}
            elif len(parts) == 3 and parts[1] == "listing-rows":
                phases.setdefault("listing", {})["rows"] = int(parts[2])
            elif len(parts) == 2 and parts[0] == "file":
                phases["file_bytes"] = int(parts[1])
    return phases


def read_micro(path):
    with open(path) as f:
        data = json.load(f)
    return {b["name"]: b for b in data.get("benchmarks", []) if b.get("run_type", "iteration") == "iteration"}


def is_small_files(case):
    """The folder of small files: "1000-small-https" (or "1000-small" in reports from before the schemes)."""
    return case.endswith("-small") or "-small-" in case


def scheme_of(case):
    """"1G-https" -> "https"; "" for a case named before the benchmark ran over both schemes."""
    tail = case.rsplit("-", 1)[-1]
    return tail if tail in ("https", "http") else ""


def case_bytes(runs, case):
    return next((r["bytes"] for r in runs if r["case"] == case), 0)


def main():
    results, machine, ceiling, gui_path, micro_path = sys.argv[1:6]
    runs = read_runs(results)
    groups = ordered_groups(runs)
    out = ["# RoleDrop benchmark results", "", "Produced by `bench/run-bench.sh`; see bench/README.md for the method.",
           "", "## Machine", ""]
    with open(machine) as f:
        out.append(f.read().rstrip())

    out += ["", "## Whole process (median of the counted runs)", "",
            "| tool | case | direction | median wall s | MiB/s | CPU s per GiB (user+sys) | peak RSS MiB |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: |"]
    for case, direction in groups:
        for tool in ("roledrop",) + PEERS:
            rows = counted(runs, tool, case, direction)
            if not rows:
                continue
            wall, mib_s, cpu, rss = tool_row(rows)
            out.append(f"| {tool} | {case} | {direction} | {wall:.2f} | {mib_s:.1f} | {cpu:.2f} | {rss:.1f} |")

    out += ["", "## RoleDrop against each peer (pair by pair, median)", "",
            "Throughput ratio above 1: RoleDrop is faster. CPU ratio below 1: RoleDrop uses less CPU.", "",
            "| case | direction | throughput / aws | CPU / aws | throughput / rclone | CPU / rclone |",
            "| --- | --- | ---: | ---: | ---: | ---: |"]
    for case, direction in groups:
        ours = counted(runs, "roledrop", case, direction)
        cells = []
        for peer in PEERS:
            speed, cpu = pair_ratios(ours, counted(runs, peer, case, direction))
            cells += [fmt(speed), fmt(cpu)]
        out.append(f"| {case} | {direction} | " + " | ".join(cells) + " |")

    out += ["", "## The server's ceiling", "",
            "Client and server share the 2 cores, so one client's MiB/s near these figures is bounded by the "
            "server; CPU s per GiB and peak RSS then separate the tools.", "",
            "| what | clients | MiB/s in aggregate |", "| --- | ---: | ---: |"]
    with open(ceiling) as f:
        for line in f:
            tool, clients, size, wall = line.split()
            aggregate = int(clients) * int(size) / MIB / float(wall)
            what = {"curl": f"curl PUT of the {int(size) // MIB} MiB file to a presigned URL (unsigned payload, "
                            "next to no client work)",
                    "roledrop": f"RoleDrop clients uploading the {int(size) // MIB} MiB file at once"}.get(tool, tool)
            out.append(f"| {what} | {clients} | {aggregate:.1f} |")

    gui = read_gui(gui_path)
    out += ["", "## GUI responsiveness (the real main window, offscreen)", "",
            "Longest lateness of a 5 ms timer on the GUI thread, i.e. the longest the window could not react.", "",
            "| phase | longest stall ms | 99th percentile ms | ticks over 50 ms | seconds |",
            "| --- | ---: | ---: | ---: | ---: |"]
    names = {"idle-2s": "idle (noise floor)",
             "upload": f"uploading {gui.get('file_bytes', 0) // MIB} MiB through the transfer queue",
             "listing": f"browser loading {int(gui.get('listing', {}).get('rows', 0)):,} objects page by page"}
    for phase in ("idle-2s", "upload", "listing"):
        if phase in gui:
            g = gui[phase]
            out.append(f"| {names[phase]} | {g['max_ms']:.1f} | {g['p99_ms']:.1f} | {int(g['over_50ms'])} | {g['seconds']:.1f} |")

    micro = read_micro(micro_path)
    hash_ratio = None
    if micro:
        out += ["", "## Micro-benchmarks (Google Benchmark)", "", "| benchmark | time | unit |", "| --- | ---: | --- |"]
        for name, b in micro.items():
            out.append(f"| {name} | {b['real_time']:.3f} | {b['time_unit']} |")
        ours, raw = micro.get("PayloadSha256Stream"), micro.get("RawOpenSslSha256")
        if ours and raw and ours["time_unit"] == raw["time_unit"]:
            hash_ratio = raw["real_time"] / ours["real_time"]
            out += ["", f"Payload hashing runs at **{hash_ratio:.2f}x** the speed of raw OpenSSL EVP SHA-256 on the same buffer."]

    out += ["", "## Targets", "", "| target | measured | met |", "| --- | --- | --- |"]

    def target(text, value, ok, shown):
        out.append(f"| {text} | {shown if value is not None else 'n/a'} | {('yes' if ok else '**no**') if value is not None else 'n/a'} |")

    big = [c for c, d in groups if d == "upload" and case_bytes(runs, c) >= GIB]
    for case in big:
        r = faster_peer_ratio(runs, case, "upload")
        target(f"{case} upload: >= 1.2x the faster peer's throughput", r, r is not None and r >= 1.2, f"{fmt(r)}x")
        r = faster_peer_ratio(runs, case, "download")
        target(f"{case} download: >= 1.0x the faster peer's throughput", r, r is not None and r >= 1.0, f"{fmt(r)}x")
        _, cpu = pair_ratios(counted(runs, "roledrop", case, "upload"), counted(runs, "aws", case, "upload"))
        target(f"{case} upload: CPU <= 0.5x aws-cli's", cpu, cpu is not None and cpu <= 0.5, f"{fmt(cpu)}x")
    for scheme in dict.fromkeys(scheme_of(c) for c, _ in groups):
        uploads = sorted((case_bytes(runs, c), c) for c, d in groups
                         if d == "upload" and not is_small_files(c) and scheme_of(c) == scheme)
        if len(uploads) < 2:
            continue
        (_, small_case), (_, large_case) = uploads[0], uploads[-1]
        small_rss = tool_row(counted(runs, "roledrop", small_case, "upload"))[3]
        large_rss = tool_row(counted(runs, "roledrop", large_case, "upload"))[3]
        growth = large_rss / small_rss - 1
        target(f"peak RSS flat: {large_case} upload within 10% of {small_case}, under 100 MiB", growth,
               growth <= 0.10 and large_rss < 100, f"{large_rss:.1f} vs {small_rss:.1f} MiB ({growth * 100:+.1f}%)")
    target("payload hashing >= 0.8x raw OpenSSL SHA-256", hash_ratio, hash_ratio is not None and hash_ratio >= 0.8,
           f"{fmt(hash_ratio)}x")
    small = [c for c, d in groups if d == "upload" and is_small_files(c)]
    for case in small:
        speed, _ = pair_ratios(counted(runs, "roledrop", case, "upload"), counted(runs, "aws", case, "upload"))
        target(f"{case} upload: >= 1.5x aws-cli", speed, speed is not None and speed >= 1.5, f"{fmt(speed)}x")
    worst = max((gui[p]["max_ms"] for p in ("upload", "listing") if p in gui), default=None)
    target("GUI thread never stalls more than 50 ms", worst, worst is not None and worst <= 50, f"{fmt(worst, 1)} ms")

    out += ["", "<details><summary>Every run (run 0 is the warm-up)</summary>", "",
            "| tool | case | direction | run | wall s | CPU s | max RSS MiB |", "| --- | --- | --- | ---: | ---: | ---: | ---: |"]
    for r in runs:
        out.append(f"| {r['tool']} | {r['case']} | {r['direction']} | {r['run']} | {r['wall']:.2f} | "
                   f"{r['cpu']:.2f} | {r['rss_kib'] / 1024:.1f} |")
    out += ["", "</details>", ""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
