"""Summary, Markdown table and chart of a merged benchmark run (bench/run_suite.py).

A ratio is peer median / ein median in the same language (C++ peers against ein's C++ API,
Python peers against ein.einsum): above 1 means ein is faster. Only answers that agreed with
ein's are timed, so every ratio here compares correct results.
"""

from __future__ import annotations

import math

NAMES = {
    "ein_cpp": "ein C++",
    "ein_py": "ein Python",
    "openblas": "OpenBLAS direct",
    "eigen": "Eigen Tensor",
    "numpy_opt_false": "np.einsum opt=False",
    "numpy_opt_true": "np.einsum opt=True",
    "numpy_direct": "NumPy direct call",
    "opt_einsum": "opt_einsum",
    "torch": "torch.einsum",
}
CPP_PEERS = ["openblas", "eigen"]
PY_PEERS = ["numpy_opt_false", "numpy_opt_true", "numpy_direct", "opt_einsum", "torch"]
# The FMA-loop peak the issue measured on this machine kind (2 cores, AVX-512), GFLOP/s.
ISSUE_PEAK = {"float32": 400.0, "float64": 207.0}


def median(result: dict, peer: str, case: str):
    r = result["peers"].get(peer, {}).get("results", {}).get(case, {})
    return r.get("median_s")


def status(result: dict, peer: str, case: str) -> str:
    p = result["peers"].get(peer, {})
    if "results" not in p:
        return p.get("unavailable", "not run")
    r = p["results"].get(case)
    if r is None:
        return "no such case for this peer"
    if "skipped" in r:
        return r["skipped"]
    return r.get("check", "ok")


def ratio(result: dict, peer: str, case: str):
    base = "ein_cpp" if peer in CPP_PEERS else "ein_py"
    t, t0 = median(result, peer, case), median(result, base, case)
    return t / t0 if t and t0 else None


def fmt_time(t) -> str:
    if t is None:
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def summarize(result: dict) -> dict:
    cases = [c["name"] for c in result["cases"]]
    per_peer = {}
    for peer in CPP_PEERS + PY_PEERS:
        rs = {c: ratio(result, peer, c) for c in cases}
        rs = {c: r for c, r in rs.items() if r is not None}
        if not rs:
            continue
        worst = min(rs, key=rs.get)
        per_peer[peer] = {"cases": len(rs), "geomean": geomean(list(rs.values())),
                          "worst_case": worst, "worst_ratio": rs[worst], "ratios": rs}
    return {"per_peer": per_peer, "targets": targets(result, per_peer)}


def _rate(result, case_name, peer="ein_cpp"):
    case = next(c for c in result["cases"] if c["name"] == case_name)
    t = median(result, peer, case_name)
    if not t or not case["metric"]:
        return None, case["metric"]
    return case["work"] / t * 1e-9, case["metric"]


def targets(result: dict, per_peer: dict) -> list:
    """The issue's targets with the measured figure and whether it is met (None: not measured)."""
    rows = []
    names = {c["name"] for c in result["cases"]}

    def add(target, figure, met):
        rows.append({"target": target, "measured": figure, "met": met})

    blas = per_peer.get("openblas", {}).get("ratios", {})
    gemm = {c: r for c, r in blas.items() if _rate(result, c)[1] == "GFLOP/s"}
    if gemm:
        # ratio = OpenBLAS time / ein time, so ein at >= 0.95x OpenBLAS speed means ratio >= 0.95
        low = min(gemm, key=gemm.get)
        add("GEMM-shaped einsums >= 0.95x OpenBLAS direct (speed)",
            f"lowest {gemm[low]:.2f}x ({low}); " + ", ".join(f"{c} {r:.2f}x"
                                                            for c, r in gemm.items()),
            gemm[low] >= 0.95)
    for dt in ("float32", "float64"):
        case = f"matmul_{dt[0]}{dt[-2:]}_2048"
        if case in names:
            rate, _ = _rate(result, case)
            if rate:
                frac = rate / ISSUE_PEAK[dt]
                add(f"{case}: 85% of the issue's {ISSUE_PEAK[dt]:.0f} GFLOP/s FMA peak",
                    f"{rate:.0f} GFLOP/s = {100 * frac:.0f}%", frac >= 0.85)
    for case in ("transp_ijk_jil", "transp_abcd_cdbe"):
        r_opt = ratio(result, "numpy_opt_true", case)
        r_dir = ratio(result, "numpy_direct", case)
        if r_opt is not None and r_dir is not None:
            add(f"{case}: >= 2x np.einsum opt=True and >= 1x np.tensordot",
                f"{r_opt:.2f}x opt=True, {r_dir:.2f}x tensordot", r_opt >= 2 and r_dir >= 1)
    copy = median(result, "machine", "copy_64MiB")
    read = median(result, "machine", "read_64MiB")
    bw = {}
    if copy:
        bw["copy"] = 2 * 64 * 2**20 / copy * 1e-9
    if read:
        bw["read"] = 64 * 2**20 / read * 1e-9
    for case, ref in (("permute_64MiB", "copy"), ("sum_rows", "read"), ("dot_1d", "read"),
                      ("dot_2d", "read"), ("matvec", "read"), ("outer3", "copy")):
        rate, metric = _rate(result, case) if case in names else (None, None)
        if rate and ref in bw and metric == "GB/s":
            add(f"{case}: >= 80% of the measured 2-core {ref} bandwidth ({bw[ref]:.1f} GB/s)",
                f"{rate:.1f} GB/s = {100 * rate / bw[ref]:.0f}%", rate >= 0.8 * bw[ref])
    r = ratio(result, "numpy_direct", "bmm_f32_8192x8")
    if r is not None:
        add("batched tiny (8x8) matmul >= 2x np.matmul", f"{r:.2f}x", r >= 2)
    for peer, goal in (("numpy_opt_true", 3.0), ("opt_einsum", 1.2)):
        if peer in per_peer:
            g = per_peer[peer]["geomean"]
            add(f"geometric mean >= {goal}x {NAMES[peer]}", f"{g:.2f}x over "
                f"{per_peer[peer]['cases']} cases", g >= goal)
    worst = [(p, s["worst_case"], s["worst_ratio"]) for p, s in per_peer.items()]
    if worst:
        p, c, r = min(worst, key=lambda w: w[2])
        slower = [f"{NAMES[p]} on {c} ({r:.2f}x)" for p, s in per_peer.items()
                  for c, r in s["ratios"].items() if r < 1 / 1.1]
        shown = ", ".join(slower[:10]) + (f", ... ({len(slower)} in all)"
                                          if len(slower) > 10 else "")
        add("never slower than any peer by more than 10% (every ratio >= 0.91)",
            f"worst {r:.2f}x ({NAMES[p]} on {c}); below 0.91: " + (shown or "none"),
            not slower)
    t = median(result, "ein_cpp", "tiny_3x3")
    if t:
        add("C++ compiled expression on 3x3 under 0.5 µs", fmt_time(t), t < 0.5e-6)
    t = median(result, "ein_py", "tiny_3x3")
    if t:
        add("ein.einsum from Python on 3x3 under 2 µs", fmt_time(t), t < 2e-6)
    t_opt, t_greedy = median(result, "plan", "optimal_10"), median(result, "plan", "greedy_1000")
    if t_opt and t_greedy:
        add("planning: optimal(10 operands) < 1 ms, greedy(1000 operands) < 50 ms (path search)",
            f"optimal {fmt_time(t_opt)}, greedy {fmt_time(t_greedy)}",
            t_opt < 1e-3 and t_greedy < 50e-3)
    return rows


def markdown(result: dict) -> str:
    s = result["summary"]
    m, v = result["machine"], result["versions"]
    cases = result["cases"]
    peers_present = [p for p in CPP_PEERS + PY_PEERS if p in result["peers"]]
    out = []
    if result["smoke"]:
        out.append("**Smoke run (tiny sizes): these numbers mean nothing.**\n")
    out.append(f"Run {result['date']}, {result['duration_s']:.0f} s; {m['cpu']}, {m['cores']} "
               f"cores, load average at the end {', '.join(f'{x:.2f}' for x in m['load_average_at_end'])}.\n")
    ctx = m.get("google_benchmark_context", {})
    out.append(f"Threads: {ctx.get('hardware_threads', '?')} hardware threads; ein uses all "
               f"cores (default options); OpenBLAS (C++) {ctx.get('openblas_threads', '?')}; "
               f"Eigen ThreadPoolDevice {ctx.get('eigen_threads', '?')}; NumPy's OpenBLAS its "
               f"default (all cores){'; env ' + str(m['env_threads']) if m.get('env_threads') else ''}.\n")
    out.append("## Versions\n")
    for k, val in v.items():
        out.append(f"- {k}: `{val}`")
    for p in peers_present:
        if "unavailable" in result["peers"][p]:
            out.append(f"- {NAMES[p]}: not run ({result['peers'][p]['unavailable']})")
    out.append("\n## Medians and ratios\n")
    out.append("Each cell: median time, and in parentheses the ratio peer / ein (C++ peers "
               "against ein C++, Python peers against `ein.einsum`); **above 1 means ein is "
               "faster**. `rate` is ein C++'s GFLOP/s or GB/s. — means not run, with the "
               "reason in results.json (no direct form, or skipped as too slow).\n")
    header = ["case", "subscripts", "dtype", "ein C++", "rate", "ein Python"] + [
        NAMES[p] for p in peers_present]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    for c in cases:
        n = c["name"]
        rate, metric = _rate(result, n)
        row = [n, f"`{c['subscripts']}`", c["dtype"].replace("float", "f"),
               fmt_time(median(result, "ein_cpp", n)),
               f"{rate:.3g} {metric}" if rate else "",
               fmt_time(median(result, "ein_py", n))]
        for p in peers_present:
            t, r, st = median(result, p, n), ratio(result, p, n), status(result, p, n)
            if st.startswith("DISAGREES"):
                row.append("wrong answer")
            elif t is None:
                row.append("—")
            else:
                row.append(f"{fmt_time(t)} ({r:.2f}x)" if r else fmt_time(t))
        out.append("| " + " | ".join(row) + " |")
    out.append("\n## Geometric mean of the ratios per peer\n")
    out.append("| peer | cases | geometric mean | worst case |")
    out.append("|---|---|---|---|")
    for p, st in s["per_peer"].items():
        out.append(f"| {NAMES[p]} | {st['cases']} | {st['geomean']:.2f}x | "
                   f"{st['worst_case']} ({st['worst_ratio']:.2f}x) |")
    out.append("\n## Issue 7 targets (from this run)\n")
    out.append("| target | measured | met |")
    out.append("|---|---|---|")
    for t in s["targets"]:
        met = {True: "yes", False: "**no**", None: "—"}[t["met"]]
        out.append(f"| {t['target']} | {t['measured']} | {met} |")
    copy, read = median(result, "machine", "copy_64MiB"), median(result, "machine", "read_64MiB")
    if copy and read:
        out.append(f"\nMachine references (C++, all cores): memcpy of 64 MiB "
                   f"{2 * 64 * 2**20 / copy * 1e-9:.1f} GB/s (read + write), sum of 64 MiB "
                   f"{64 * 2**20 / read * 1e-9:.1f} GB/s.")
    over = result["peers"].get("ein_py", {}).get("call_overhead_s")
    if over:
        out.append("Python call overhead, 3x3 float64 `ij,jk->ik`: " + ", ".join(
            f"{k} {fmt_time(t)}" for k, t in over.items()) + ".")
    return "\n".join(out) + "\n"


def chart(result: dict, path: str) -> bool:
    """Grouped horizontal bars of the ratios (log scale) per case and peer; False without
    matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    per_peer = result["summary"]["per_peer"]
    peers = [p for p in CPP_PEERS + PY_PEERS if p in per_peer]
    cases = [c["name"] for c in result["cases"]]
    height = 0.8 / max(1, len(peers))
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(cases) * max(1, len(peers)) ** 0.5 + 1.5))
    for k, p in enumerate(peers):
        ys, xs = [], []
        for i, c in enumerate(cases):
            r = per_peer[p]["ratios"].get(c)
            if r is not None:
                ys.append(i + (k - (len(peers) - 1) / 2) * height)
                xs.append(r)
        # Bars grow from 1 (parity): right when ein is faster, left when the peer is.
        ax.barh(ys, [x - 1 for x in xs], left=1, height=height,
                label=f"{NAMES[p]} (geo-mean {per_peer[p]['geomean']:.2f}x)")
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(cases)))
    ax.set_yticklabels(cases, fontsize=8)
    ax.set_ylim(len(cases) - 0.5, -0.5)
    ax.set_xlabel("peer time / ein time (log scale; right of 1: ein is faster)")
    title = "ein vs each peer, medians" + (" (SMOKE: tiny sizes)" if result["smoke"] else "")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=72)
    plt.close(fig)
    return True
