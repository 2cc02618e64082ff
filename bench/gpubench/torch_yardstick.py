#!/usr/bin/env python3
"""PyTorch's own figures on this GPU: the yardstick for scaleplan-gpubench (issue 4).

Timed the way scaleplan-gpubench times, so that the two can be compared on the same card in the
same run: CUDA events on one stream, warm-up calls first, the L2 cache flushed (a read of a
2 x L2 buffer: clean lines, nothing for the timed region to write back) before each sample and
outside its events, each timed region at least --min-ms long (several calls
per event pair when one call is shorter), median and interquartile range over --repeats samples.
Inputs are random normal (never zeros: zeros run faster and hide mistakes).

Measures:
  bf16  torch.mm on 8192x8192x8192 (the issue's yardstick), fp16 and tf32/fp32 likewise
  fp8   torch._scaled_mm E4M3 x E4M3 -> BF16, per-tensor scales of 1, fast accumulation off and on
  int8  torch._int_mm (INT32 output), if this PyTorch build has it
  copy  dst.copy_(src) over --copy-gib GiB, counting bytes read + bytes written

Warm-up: clocks ramp for seconds after a GPU leaves idle (on an H200 the first BF16 8192^3
figure after a 1 s warm-up was 642.5 TFLOP/s, against 783-790 once settled). So sustained BF16
products run first, for at least --global-warmup-s and until three consecutive 0.25 s windows
agree within 1% (at most --max-warmup-s); and BF16 8192^3 is measured again last: the document's
"stability" says whether the first and last figures agree within --agree (2%). If they do not,
the run is marked unsettled, a warning is printed, and compare_with_torch.py refuses to use the
BF16 yardstick.

Writes a JSON document (--out) and prints a short table.
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch


def stats(values):
    values = sorted(values)
    n = len(values)

    def q(p):
        pos = p * (n - 1)
        lo = math.floor(pos)
        hi = min(lo + 1, n - 1)
        return values[lo] + (pos - lo) * (values[hi] - values[lo])

    return {"count": n, "median": q(0.5), "q1": q(0.25), "q3": q(0.75), "min": values[0], "max": values[-1],
            "mean": statistics.fmean(values)}


class Timer:
    def __init__(self, repeats, warmup, min_ms, flush):
        self.repeats, self.warmup, self.min_ms, self.flush = repeats, warmup, min_ms, flush
        l2 = torch.cuda.get_device_properties(0).L2_cache_size
        # Read, not written, by the flush (a sum): like scaleplan-gpubench's flush kernel.
        self.flush_buffer = torch.randn(max(2 * l2, 8 << 20) // 4, dtype=torch.float32, device="cuda")

    def seconds_per_call(self, fn):
        for _ in range(self.warmup):
            fn()
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        one = start.elapsed_time(stop) * 1e-3
        calls = max(1, math.ceil(1.25 * self.min_ms * 1e-3 / max(one, 1e-9)))
        starts = [torch.cuda.Event(enable_timing=True) for _ in range(self.repeats)]
        stops = [torch.cuda.Event(enable_timing=True) for _ in range(self.repeats)]
        for r in range(self.repeats):
            if self.flush:
                self.flush_sum = self.flush_buffer.sum()
            starts[r].record()
            for _ in range(calls):
                fn()
            stops[r].record()
        torch.cuda.synchronize()
        samples = [s.elapsed_time(e) * 1e-3 / calls for s, e in zip(starts, stops)]
        return stats(samples), calls


def warm_up(size, least_s, most_s, window_s=0.25, settle=0.01):
    """Sustained BF16 products until the rate settles: three consecutive windows within `settle` of
    each other, after at least `least_s` and at most `most_s` seconds. Returns the trace."""
    a = torch.randn(size, size, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(size, size, device="cuda", dtype=torch.bfloat16)
    c = torch.empty(size, size, device="cuda", dtype=torch.bfloat16)
    flops = 2.0 * size ** 3
    start = time.time()
    rates = []
    settled = False
    while True:
        begin, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        calls = 0
        t_window = time.time() + window_s
        begin.record()
        while time.time() < t_window:
            torch.mm(a, b, out=c)
            calls += 1
            if calls % 8 == 0:
                torch.cuda.synchronize()  # keep the queue short so windows are timed as they run
        end.record()
        end.synchronize()
        rates.append(calls * flops / (begin.elapsed_time(end) * 1e-3))
        elapsed = time.time() - start
        last3 = rates[-3:]
        settled = len(last3) == 3 and (max(last3) - min(last3)) <= settle * max(last3)
        if (elapsed >= least_s and settled) or elapsed >= most_s:
            break
    if not settled:
        print(f"torch_yardstick: WARNING: the BF16 rate had not settled after {most_s:.0f} s of warm-up", file=sys.stderr)
    return {"seconds": time.time() - start, "window_s": window_s, "settled": settled,
            "window_flops_per_s": rates}


def gemm_entry(name, m, n, k, st, calls, note=""):
    flops = 2.0 * m * n * k
    return {"name": name, "shape": {"m": m, "n": n, "k": k}, "flops_per_call": flops, "calls_per_sample": calls,
            "seconds_per_call": st, "achieved_flops_per_s": flops / st["median"], "note": note}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=8192, help="M = N = K of the matrix products (default 8192)")
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--min-ms", type=float, default=1.0)
    ap.add_argument("--copy-gib", type=float, default=2.0, help="size of the copied tensor in GiB (default 2)")
    ap.add_argument("--global-warmup-s", type=float, default=5.0,
                    help="least sustained BF16 warm-up before measuring, s (default 5)")
    ap.add_argument("--max-warmup-s", type=float, default=60.0,
                    help="most warm-up while waiting for the rate to settle, s (default 60)")
    ap.add_argument("--agree", type=float, default=0.02,
                    help="largest relative difference between the first and last BF16 figures (default 0.02)")
    ap.add_argument("--no-flush", action="store_true")
    ap.add_argument("--out", default="torch_yardstick.json")
    args = ap.parse_args()
    if not torch.cuda.is_available():
        print("torch_yardstick: no CUDA device visible to PyTorch", file=sys.stderr)
        return 3

    torch.manual_seed(1234)
    props = torch.cuda.get_device_properties(0)
    timer = Timer(args.repeats, args.warmup, args.min_ms, not args.no_flush)
    s = args.size
    doc = {"tool": "torch_yardstick", "torch_version": torch.__version__, "cuda_version": torch.version.cuda,
           "device": {"name": props.name, "sm_count": props.multi_processor_count,
                      "memory_bytes": props.total_memory, "l2_bytes": props.L2_cache_size,
                      "compute_capability": f"{props.major}.{props.minor}"},
           "method": "CUDA events, warm-up, L2 flush before each sample, regions >= min_ms, median over repeats",
           "options": vars(args), "entries": []}

    doc["warmup"] = warm_up(s, args.global_warmup_s, args.max_warmup_s)

    entries = doc["entries"]

    def measure_half(name, dtype, note="torch.mm"):
        a = torch.randn(s, s, device="cuda", dtype=dtype)
        b = torch.randn(s, s, device="cuda", dtype=dtype)
        c = torch.empty(s, s, device="cuda", dtype=dtype)
        st, calls = timer.seconds_per_call(lambda: torch.mm(a, b, out=c))
        return gemm_entry(name, s, s, s, st, calls, note)

    for name, dtype in (("bf16", torch.bfloat16), ("fp16", torch.float16)):
        entries.append(measure_half(name, dtype))
    for name, tf32 in (("tf32", True), ("fp32", False)):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        a = torch.randn(s, s, device="cuda", dtype=torch.float32)
        b = torch.randn(s, s, device="cuda", dtype=torch.float32)
        c = torch.empty(s, s, device="cuda", dtype=torch.float32)
        st, calls = timer.seconds_per_call(lambda: torch.mm(a, b, out=c))
        entries.append(gemm_entry(name, s, s, s, st, calls, f"torch.mm, allow_tf32={tf32}"))
    torch.backends.cuda.matmul.allow_tf32 = False

    if props.major * 10 + props.minor >= 89 and hasattr(torch, "float8_e4m3fn"):
        a8 = torch.randn(s, s, device="cuda").to(torch.float8_e4m3fn)
        b8 = torch.randn(s, s, device="cuda").to(torch.float8_e4m3fn).t()  # column-major, as _scaled_mm needs
        one = torch.tensor(1.0, device="cuda")
        for fast in (False, True):
            def fp8():
                return torch._scaled_mm(a8, b8, scale_a=one, scale_b=one, out_dtype=torch.bfloat16, use_fast_accum=fast)
            try:
                st, calls = timer.seconds_per_call(fp8)
                entries.append(gemm_entry("fp8", s, s, s, st, calls, f"torch._scaled_mm e4m3 -> bf16, use_fast_accum={fast}")
                               | {"fast_accumulation": fast})
            except Exception as e:  # noqa: BLE001 - report and go on
                entries.append({"name": "fp8", "error": repr(e), "fast_accumulation": fast})

    if hasattr(torch, "_int_mm"):
        a8 = torch.randint(-127, 128, (s, s), device="cuda", dtype=torch.int8)
        b8 = torch.randint(-127, 128, (s, s), device="cuda", dtype=torch.int8)
        try:
            st, calls = timer.seconds_per_call(lambda: torch._int_mm(a8, b8))
            entries.append(gemm_entry("int8", s, s, s, st, calls, "torch._int_mm -> int32"))
        except Exception as e:  # noqa: BLE001
            entries.append({"name": "int8", "error": repr(e)})

    # BF16 again, last: the first and last figures must agree, else the clocks were still moving.
    last = measure_half("bf16-last", torch.bfloat16, "torch.mm, measured again after everything else")
    entries.append(last)
    first_rate = entries[0]["achieved_flops_per_s"]
    last_rate = last["achieved_flops_per_s"]
    difference = abs(last_rate / first_rate - 1.0)
    doc["stability"] = {"first_bf16_flops_per_s": first_rate, "last_bf16_flops_per_s": last_rate,
                        "relative_difference": difference, "tolerance": args.agree,
                        "agree": difference <= args.agree}
    if difference > args.agree:
        print(f"torch_yardstick: WARNING: BF16 {s}^3 measured {first_rate / 1e12:.1f} TFLOP/s first and "
              f"{last_rate / 1e12:.1f} last ({difference:.1%} apart, tolerance {args.agree:.0%}): the clocks were "
              "not settled; the figures are not a yardstick", file=sys.stderr)

    torch.cuda.empty_cache()
    n = int(args.copy_gib * (1 << 30)) // 4
    src = torch.randn(n, device="cuda", dtype=torch.float32)
    dst = torch.empty_like(src)
    st, calls = timer.seconds_per_call(lambda: dst.copy_(src))
    bytes_per_call = 2.0 * n * 4
    entries.append({"name": "copy", "array_bytes": n * 4, "bytes_per_call": bytes_per_call,
                    "bytes_counted": "read + written (2 x array_bytes)", "calls_per_sample": calls,
                    "seconds_per_call": st, "bytes_per_second": bytes_per_call / st["median"]})

    with open(args.out, "w") as f:
        json.dump(doc, f, indent=2)
    print(f"PyTorch {torch.__version__} (CUDA {torch.version.cuda}) on {props.name}:")
    for e in entries:
        if "error" in e:
            print(f"  {e['name']:<5} ERROR {e['error']}")
        elif e["name"] == "copy":
            print(f"  copy  {e['bytes_per_second'] / 1e12:8.3f} TB/s  (2 x {e['array_bytes'] / 1e9:.2f} GB per call)")
        else:
            spread = (e["seconds_per_call"]["q3"] - e["seconds_per_call"]["q1"]) / e["seconds_per_call"]["median"]
            print(f"  {e['name']:<5} {e['achieved_flops_per_s'] / 1e12:8.1f} TFLOP/s  spread {spread * 100:.1f}%  {e['note']}")
    w, st = doc["warmup"], doc["stability"]
    print(f"  warm-up {w['seconds']:.1f} s ({'settled' if w['settled'] else 'NOT settled'}); first vs last BF16 "
          f"{st['relative_difference']:.2%} apart ({'agree' if st['agree'] else 'DO NOT AGREE'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
