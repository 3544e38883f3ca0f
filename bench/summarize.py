#!/usr/bin/python3
"""Turns run-bench.sh's raw timings into the Markdown report (stdout).

Usage: summarize.py RESULTS.tsv MACHINE.md CEILING.tsv
RESULTS.tsv lines: tool case direction run bytes wall_s user_s sys_s maxrss_kib (run 0 = warm-up, left out).
CEILING.tsv line:  size_label bytes clients wall_s
"""
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


def main():
    results, machine, ceiling = sys.argv[1:4]
    runs = read_runs(results)
    groups = ordered_groups(runs)
    out = ["# RoleDrop benchmark results", "", "Produced by `bench/run-bench.sh`; see bench/README.md for the method.",
           "", "## Machine", ""]
    with open(machine) as f:
        out.append(f.read().rstrip())

    out += ["", "## Whole process (median of the counted runs)", "",
            "| tool | case | direction | median wall s | MiB/s | CPU s per GiB (user+sys) | peak RSS MiB |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: |"]
    single_aws = {}
    for case, direction in groups:
        for tool in ("roledrop",) + PEERS:
            rows = counted(runs, tool, case, direction)
            if not rows:
                continue
            wall, mib_s, cpu, rss = tool_row(rows)
            if tool == "aws" and direction == "upload":
                single_aws[case] = mib_s
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

    out += ["", "## The server's ceiling", ""]
    with open(ceiling) as f:
        for line in f:
            label, size, clients, wall = line.split()
            aggregate = int(clients) * int(size) / MIB / float(wall)
            alone = single_aws.get(label)
            out.append(f"{clients} `aws s3 cp` clients uploading {label} at once: {float(wall):.2f} s, "
                       f"**{aggregate:.1f} MiB/s** in aggregate (one aws client alone: {fmt(alone, 1)} MiB/s). "
                       "Client and server share the cores, so a single client's MiB/s near this figure is "
                       "bounded by the server; CPU s per GiB and peak RSS then separate the tools.")

    out += ["", "<details><summary>Every run (run 0 is the warm-up)</summary>", "",
            "| tool | case | direction | run | wall s | CPU s | max RSS MiB |", "| --- | --- | --- | ---: | ---: | ---: | ---: |"]
    for r in runs:
        out.append(f"| {r['tool']} | {r['case']} | {r['direction']} | {r['run']} | {r['wall']:.2f} | "
                   f"{r['cpu']:.2f} | {r['rss_kib'] / 1024:.1f} |")
    out += ["", "</details>", ""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
