#!/usr/bin/env python3
"""Generates data/example_runs/: a synthetic but realistic set of small training runs.

Seven model sizes (20M .. 1B parameters), each trained at five token budgets (5, 10, 20, 40 and 80
tokens per parameter), each run logged at ten points of its training curve. The loss follows a
Chinchilla-form law with small multiplicative noise:

    L(N, D) = E + A / N**alpha + B / D**beta,   times exp(noise), noise ~ Normal(0, sigma)

with the constants below (the replication estimates of Besiroglu et al. 2024, arXiv 2404.10102).
The curve of a run is the law evaluated at the tokens seen so far, a deliberate simplification
(a real cosine-schedule run lies slightly above it before its end).

Python 3 standard library only; the output is deterministic for a given seed:
    python3 scripts/make-example-runs.py            # writes data/example_runs/
    python3 scripts/make-example-runs.py OUT_DIR
"""
import json
import math
import os
import random
import sys

E, A, B, ALPHA, BETA = 1.8172, 482.01, 2085.43, 0.3478, 0.3658
SIGMA = 0.005  # standard deviation of the log-loss noise (0.5 %)
SEED = 20240417
SIZES = [20e6, 40e6, 85e6, 160e6, 300e6, 550e6, 1.0e9]
TOKENS_PER_PARAM = [5, 10, 20, 40, 80]
POINTS_PER_RUN = 10  # log-spaced from 1/8 of the final tokens to the end
TOKENS_PER_STEP = 2 ** 19  # 524,288 tokens per optimiser step (e.g. 256 sequences of 2,048)


def law(n, d):
    return E + A / n ** ALPHA + B / d ** BETA


def size_label(n):
    return f"{n / 1e9:g}b" if n >= 1e9 else f"{n / 1e6:g}m"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "data", "example_runs")
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(SEED)
    rows = []
    for n in SIZES:
        for tpp in TOKENS_PER_PARAM:
            run = f"model-{size_label(n)}-{tpp}tpp"
            final_steps = max(POINTS_PER_RUN, round(n * tpp / TOKENS_PER_STEP))
            steps = []
            for i in range(POINTS_PER_RUN):
                frac = 8 ** (i / (POINTS_PER_RUN - 1) - 1)  # 1/8 .. 1, even in log
                s = max(1, round(final_steps * frac))
                if steps and s <= steps[-1]:
                    s = steps[-1] + 1
                steps.append(s)
            for s in steps:
                d = s * TOKENS_PER_STEP
                loss = law(n, d) * math.exp(rng.gauss(0.0, SIGMA))
                rows.append({"run": run, "params": int(n), "step": s, "tokens": d, "flops": 6.0 * n * d,
                             "loss": round(loss, 5)})
    with open(os.path.join(out_dir, "example_runs.csv"), "w", newline="") as f:
        f.write("run,params,step,tokens,flops,loss\n")
        for r in rows:
            f.write(f"{r['run']},{r['params']},{r['step']},{r['tokens']},{r['flops']:.6e},{r['loss']:.5f}\n")
    with open(os.path.join(out_dir, "example_runs.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps({"run": r["run"], "params": r["params"], "step": r["step"], "tokens": r["tokens"],
                                "flops": float(f"{r['flops']:.6e}"), "loss": r["loss"]}) + "\n")
    print(f"wrote {len(rows)} points of {len(SIZES) * len(TOKENS_PER_PARAM)} runs to {out_dir}")


if __name__ == "__main__":
    main()
