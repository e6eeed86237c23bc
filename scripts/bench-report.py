#!/usr/bin/env python3
"""Turn the jailbench output of the make bench boots into a report.

    bench-report.py --accel tcg --runs 15 --density 10000 build/bench

Reads main.txt, hot.txt, hot-n.txt, hot-y.txt, stack-n.txt, stack-y.txt and
density.txt, noisy.txt (lines "SAMPLE metric variant run value" and "INFO key
value"), writes report.md and
results.json next to them and prints the table.  Every figure is a median
over the runs; ratios come from per-run pairs measured side by side.
"""

import argparse
import json
import os
import statistics
import sys
from collections import defaultdict


def parse(path):
    samples = defaultdict(dict)  # (metric, variant) -> {run: value}
    info = []
    if not os.path.exists(path):
        sys.exit(f"bench-report: {path} is missing")
    with open(path, errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 5 and parts[0] == "SAMPLE":
                samples[(parts[1], parts[2])][int(parts[3])] = float(parts[4])
            elif len(parts) >= 2 and parts[0] == "INFO":
                info.append(" ".join(parts[1:]))
    return samples, info


def quartiles(values):
    v = sorted(values)
    if len(v) < 2:
        return v[0], v[0]
    q = statistics.quantiles(v, n=4, method="inclusive")
    return q[0], q[2]


class Stat:
    """Median and interquartile range of a list of samples."""

    def __init__(self, values):
        if not values:
            raise ValueError("no samples")
        self.values = list(values)
        self.median = statistics.median(self.values)
        self.lo, self.hi = quartiles(self.values)

    def json(self):
        return {"median": self.median, "p25": self.lo, "p75": self.hi,
                "n": len(self.values), "samples": self.values}


def series(samples, metric, variant):
    d = samples.get((metric, variant))
    if not d:
        sys.exit(f"bench-report: no samples of {metric} {variant}")
    return d


def samples_or_none(samples, metric, variant):
    return samples.get((metric, variant))


def us_(v):
    return f"{v:.0f} µs"


def paired(a, b, fn):
    """fn(a[run], b[run]) for the runs both have."""
    return [fn(a[r], b[r]) for r in sorted(set(a) & set(b))]


def us(ns):
    return f"{ns / 1000:.1f} µs"


def spread(stat, fmt):
    return f"{fmt(stat.median)} ({fmt(stat.lo)}–{fmt(stat.hi)})"


class Rows(list):
    """The report's rows: metric, figure, baseline, ratio, target, met."""

    def __call__(self, metric, figure, baseline, ratio, target, met, data):
        self.append({"metric": metric, "figure": figure,
                     "baseline": baseline, "ratio": ratio,
                     "target": target, "met": met, "data": data})

    def table(self):
        lines = ["| metric | figure | baseline | ratio | target | met? |",
                 "|---|---|---|---|---|---|"]
        for r in self:
            lines.append(f"| {r['metric']} | {r['figure']} | "
                         f"{r['baseline']} | {r['ratio']} | {r['target']} | "
                         f"{'yes' if r['met'] else '**no**'} |")
        return lines


def noisy_rows(noisy_s, row):
    """The noisy-neighbour rows: the same host operation, idle and while
    one jail does its worst, paired run by run."""
    us_fmt = lambda v: f"{v / 1e3:.1f} us"
    for op, what in (("noisy_fork", "fork + exit + wait"),
                     ("noisy_unix", "unix socket round trip")):
        idle = series(noisy_s, op, "idle")
        noisy = series(noisy_s, op, "noisy")
        r = Stat(paired(noisy, idle, lambda a, b: a / b))
        row(f"noisy neighbour: host {what} while a jail does its worst",
            spread(Stat(noisy.values()), us_fmt),
            spread(Stat(idle.values()), us_fmt),
            f"{r.median:.2f}x", "<= 1.5x", r.median <= 1.5,
            {"ratio": r.json()})


def noisy_only(args):
    """make bench BOOTS=noisy: the noisy-neighbour rows alone."""
    noisy_s, noisy_i = parse(os.path.join(args.dir, "noisy.txt"))
    rows = Rows()
    noisy_rows(noisy_s, rows)
    with open(os.path.join(args.dir, "results.json"), "w") as f:
        json.dump({"accelerator": args.accel, "runs": args.runs,
                   "info": {"noisy": noisy_i}, "rows": rows}, f, indent=1,
                  ensure_ascii=False)
    lines = rows.table()
    lines += ["", "What the neighbour got: " + "; ".join(noisy_i) + "."]
    with open(os.path.join(args.dir, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accel", default="unknown")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--density", type=int, default=10000)
    ap.add_argument("--hot-unit", default="ns",
                    help="what the hot-path clock counted: ns or instructions")
    ap.add_argument("dir")
    ap.add_argument("--noisy-only", action="store_true",
                    help="only the noisy-neighbour boot ran (BOOTS=noisy)")
    args = ap.parse_args()
    if args.noisy_only:
        return noisy_only(args)

    main_s, main_i = parse(os.path.join(args.dir, "main.txt"))
    hot_s, hot_i = parse(os.path.join(args.dir, "hot.txt"))
    hotn_s, hotn_i = parse(os.path.join(args.dir, "hot-n.txt"))
    hoty_s, hoty_i = parse(os.path.join(args.dir, "hot-y.txt"))
    stackn_s, stackn_i = parse(os.path.join(args.dir, "stack-n.txt"))
    stacky_s, stacky_i = parse(os.path.join(args.dir, "stack-y.txt"))
    dens_s, dens_i = parse(os.path.join(args.dir, "density.txt"))
    noisy_s, noisy_i = parse(os.path.join(args.dir, "noisy.txt"))

    rows = row = Rows()

    # Creation: fork + X + exit minus fork + exit, per run.
    fork = series(main_s, "create", "fork")
    jail = series(main_s, "create", "jail")
    sandbox = series(main_s, "create", "sandbox")
    chroot = series(main_s, "create", "chroot")
    j_extra = Stat(paired(jail, fork, lambda a, b: a - b))
    s_extra = Stat(paired(sandbox, fork, lambda a, b: a - b))
    ratio = j_extra.median / s_extra.median
    row("creation cost (jail vs namespace sandbox)",
        spread(j_extra, us), spread(s_extra, us), f"{ratio:.4f}",
        "<= 0.05 (1/20)", ratio <= 0.05,
        {"jail_minus_fork_ns": j_extra.json(),
         "sandbox_minus_fork_ns": s_extra.json(),
         "fork_ns": Stat(fork.values()).json()})

    j_vs_c = Stat(paired(jail, chroot, lambda a, b: a / b))
    row("creation vs chroot (fork+jail+exit / fork+chroot+capset+exit)",
        spread(Stat(jail.values()), us), spread(Stat(chroot.values()), us),
        f"{j_vs_c.median:.3f}x", "<= 1.3x", j_vs_c.median <= 1.3,
        {"ratio": j_vs_c.json()})

    churn_j = series(main_s, "churn", "jail")
    churn_s = series(main_s, "churn", "sandbox")
    churn = Stat(paired(churn_j, churn_s, lambda a, b: a / b))
    row("churn (lives fully torn down per second)",
        spread(Stat(churn_j.values()), lambda v: f"{v:.0f}/s"),
        spread(Stat(churn_s.values()), lambda v: f"{v:.0f}/s"),
        f"{churn.median:.1f}x", ">= 20x", churn.median >= 20,
        {"ratio": churn.json()})
    churn_f = samples_or_none(main_s, "churn", "fork")
    if churn_f:
        # What each kind adds to a plain fork + exit life, per life.
        extra = lambda r, f: 1e6 / r - 1e6 / f
        ej = Stat(paired(churn_j, churn_f, extra))
        es = Stat(paired(churn_s, churn_f, extra))
        share = es.median / ej.median if ej.median > 0 else float("inf")
        row("churn, the jail's own share (time a life adds to fork + exit)",
            spread(ej, us_), spread(es, us_),
            f"{share:.1f}x less" if ej.median > 0 else "below the noise",
            "(information)", True,
            {"jail_extra_us": ej.json(), "sandbox_extra_us": es.json(),
             "fork_rate": Stat(churn_f.values()).json()})

    plain = series(main_s, "memory", "fork")
    mj = Stat(paired(series(main_s, "memory", "jail"), plain,
                     lambda a, b: a - b))
    ms = Stat(paired(series(main_s, "memory", "sandbox"), plain,
                     lambda a, b: a - b))
    mem_ratio = ms.median / mj.median if mj.median > 0 else float("inf")
    b = lambda v: f"{v:.0f} B"
    row("memory per idle jail (kernel memory, minus a plain sleeping task)",
        spread(mj, b), "1024 B",
        "below the noise" if mj.median <= 0 else f"{mj.median / 1024:.3f}",
        "<= 1 KiB", mj.median <= 1024, {"jail_bytes": mj.json()})
    row("memory: idle jail vs idle namespace sandbox",
        spread(mj, b), spread(ms, b),
        "jail costs nothing measurable" if mj.median <= 0 else
        f"{mem_ratio:.0f}x less", ">= 100x less", mem_ratio >= 100,
        {"jail_bytes": mj.json(), "sandbox_bytes": ms.json()})

    unit = "insns" if args.hot_unit == "instructions" else "ns"
    hot_fmt = lambda v: f"{v:.0f} {unit}"
    ops = [v.split(":")[0] for (m, v) in hot_s if m == "hot" and
           v.endswith(":host")]
    for op in ops:
        h = series(hot_s, "hot", f"{op}:host")
        j = series(hot_s, "hot", f"{op}:jail")
        r = Stat(paired(j, h, lambda a, b: a / b - 1))
        row(f"hot path {op}: jailed vs unjailed",
            spread(Stat(j.values()), hot_fmt),
            spread(Stat(h.values()), hot_fmt),
            f"{r.median * 100:+.1f}%", "<= +3%", r.median <= 0.03,
            {"overhead": r.json()})

    # Unjailed hot paths across kernels: boots A (hot, before any jail),
    # C (hot-y) with CONFIG_JAIL=y and B (hot-n) with =n.
    for op in ops:
        a = Stat(series(hot_s, "hot_nojail", f"{op}:host").values())
        c = Stat(series(hoty_s, "hot_nojail", f"{op}:host").values())
        n = Stat(series(hotn_s, "hot_nojail", f"{op}:host").values())
        y = (a.median + c.median) / 2
        over = y / n.median - 1
        noise = abs(a.median - c.median) / y
        row(f"hot path {op}: unjailed, CONFIG_JAIL=y vs =n",
            f"{y:.0f} {unit} (y boots: {a.median:.0f}, {c.median:.0f})",
            spread(n, hot_fmt),
            f"{over * 100:+.1f}% (noise ±{noise * 100:.1f}%)",
            "<= +1%", over <= 0.01,
            {"y_boot1": a.json(), "y_boot2": c.json(), "n_boot": n.json(),
             "overhead": over, "noise_between_y_boots": noise})

    # The same with AppArmor stacked (no policy: unconfined), on both
    # kernels: what the jail module adds on a host that runs another
    # security module too.
    for op in ops:
        y = Stat(series(stacky_s, "hot_nojail", f"{op}:host").values())
        n = Stat(series(stackn_s, "hot_nojail", f"{op}:host").values())
        over = y.median / n.median - 1
        row(f"hot path {op}: unjailed, AppArmor stacked, CONFIG_JAIL=y vs =n",
            spread(y, hot_fmt), spread(n, hot_fmt), f"{over * 100:+.1f}%",
            "<= +1%", over <= 0.01,
            {"y_boot": y.json(), "n_boot": n.json(), "overhead": over})

    ph = series(main_s, "ps", "ps:host")
    pj = series(main_s, "ps", "ps:jail")
    pr = Stat(paired(pj, ph, lambda a, b: a / b))
    ms_ = lambda v: f"{v / 1e6:.2f} ms"
    row("ps in a jail of 10 tasks, host running 10,000",
        spread(Stat(pj.values()), ms_), spread(Stat(ph.values()), ms_),
        f"{pr.median:.3f}x", "<= 0.25x", pr.median <= 0.25,
        {"ratio": pr.json()})

    created = int(series(dens_s, "density", "created")[0])
    usable = int(series(dens_s, "density", "usable")[0])
    listed = int(series(dens_s, "density", "listed")[0])
    row("density: concurrent jails, one task each, 1 GiB guest",
        f"{created} created, {listed} listed, {usable} usable",
        f"{args.density} asked", f"{usable / 10000:.2f}",
        ">= 10,000, all usable",
        usable >= 10000 and usable == created,
        {"created": created, "usable": usable, "listed": listed})

    noisy_rows(noisy_s, row)

    first_j = series(main_s, "first_jail", "jail")
    first_f = series(main_s, "first_jail", "fork")
    fj = Stat(paired(first_j, first_f, lambda a, b: a - b))

    info = {"main": main_i, "hot": hot_i, "hot-n": hotn_i, "hot-y": hoty_i,
            "stack-n": stackn_i, "stack-y": stacky_i,
            "density": dens_i, "noisy": noisy_i}
    result = {"accelerator": args.accel, "runs": args.runs,
              "hot_path_unit": args.hot_unit,
              "first_jail_minus_fork_ns": fj.json(), "info": info,
              "rows": rows}
    with open(os.path.join(args.dir, "results.json"), "w") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)

    lines = rows.table()
    missed = [r["metric"] for r in rows if not r["met"]]
    head = [
        "# jail(2) benchmark",
        "",
        f"Accelerator: {args.accel.upper()}.  Runs: {args.runs} per figure, "
        "the variants of each metric interleaved within every run; figures "
        "are medians with the interquartile range in brackets, ratios the "
        "median of per-run ratios.",
        "",
    ]
    if args.hot_unit == "instructions":
        head[-1:-1] = ["",
            "The hot paths ran in a one-CPU guest whose clock counts "
            "executed instructions (qemu -icount shift=0,sleep=off): their "
            "figures are instructions per operation, not time.",
        ]
    tail = [
        "",
        f"First jail on a host without jails (turns the hooks' static key "
        f"on): {us(fj.median)} more than a fork+exit "
        f"({us(fj.lo)}–{us(fj.hi)}).",
        "",
        "Missed targets: " + (", ".join(missed) if missed else "none") + ".",
        "",
        "Made by `make bench` (scripts/bench.sh, bench/jailbench.c).",
    ]
    with open(os.path.join(args.dir, "report.md"), "w") as f:
        f.write("\n".join(head + lines + tail) + "\n")
    print("\n".join(head + lines + tail))
    return 0


if __name__ == "__main__":
    sys.exit(main())
