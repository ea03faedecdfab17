#!/usr/bin/env python3
"""The PyTorch twin of ForwardBenchmark: one forward pass of a GPT-2-small-shaped model with
random weights, written out by hand the way TransformerLens's HookedTransformer computes it,
so the two sides do the same arithmetic.

Two modes, each timed as the median of --runs passes after --warmup passes:
  cache   every intermediate kept in a dict under its TransformerLens hook name (the
          equivalent of run_with_cache, including the per-head results [pos, head, d_model]);
  logits  logits only; attention output as one product z·W_O, nothing kept.

Weights are random (same shapes as ours, not the same values): only time is measured.
float32, torch.no_grad(), torch.set_num_threads(--threads). Prints JSON on stdout.

Run with Debian's interpreter, which has python3-torch: /usr/bin/python3 bench/forward_torch.py
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

try:
    import torch
except ImportError:
    sys.exit("forward_torch.py: PyTorch is not importable by " + sys.executable + "; install Debian's "
             "(apt-get install python3-torch libopenblas0-pthread) and run with /usr/bin/python3")

# GPT-2 small, as TransformerLens's config for "gpt2".
CFG = dict(n_layers=12, d_model=768, n_heads=12, d_head=64, d_mlp=3072, d_vocab=50257, n_ctx=1024, eps=1e-5)


def random_weights(cfg, seed, std=0.02):
    g = torch.Generator().manual_seed(seed)

    def normal(*shape, scale=std, mean=0.0):
        return torch.randn(*shape, generator=g) * scale + mean

    d, h, dh, dm = cfg["d_model"], cfg["n_heads"], cfg["d_head"], cfg["d_mlp"]
    w = {"W_E": normal(cfg["d_vocab"], d), "W_pos": normal(cfg["n_ctx"], d),
         "ln_final.w": normal(d, scale=0.1, mean=1.0), "ln_final.b": normal(d, scale=std / 2),
         "W_U": normal(d, cfg["d_vocab"]), "b_U": normal(cfg["d_vocab"], scale=std / 2)}
    for l in range(cfg["n_layers"]):
        p = f"blocks.{l}."
        for ln in ("ln1", "ln2"):
            w[p + ln + ".w"] = normal(d, scale=0.1, mean=1.0)
            w[p + ln + ".b"] = normal(d, scale=std / 2)
        for m in "QKV":
            w[p + "W_" + m] = normal(h, d, dh)
            w[p + "b_" + m] = normal(h, dh, scale=std / 2)
        w[p + "W_O"] = normal(h, dh, d)
        w[p + "b_O"] = normal(d, scale=std / 2)
        w[p + "W_in"] = normal(d, dm)
        w[p + "b_in"] = normal(dm, scale=std / 2)
        w[p + "W_out"] = normal(dm, d)
        w[p + "b_out"] = normal(d, scale=std / 2)
    return w


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def layer_norm(x, w, b, eps, cache, name):
    # TransformerLens's LayerNorm: centre, then divide by sqrt(mean square + eps).
    x = x - x.mean(-1, keepdim=True)
    scale = (x.pow(2).mean(-1, keepdim=True) + eps).sqrt()
    out = x / scale * w + b
    if cache is not None:
        cache[name + ".hook_scale"] = scale
        cache[name + ".hook_normalized"] = out
    return out


def run(w, cfg, tokens, keep):
    """Logits [pos, d_vocab]; with keep, also every intermediate by hook name."""
    cache = {} if keep else None

    def hook(name, x):
        if keep:
            cache[name] = x
        return x

    t = tokens.shape[0]
    eps, dh = cfg["eps"], cfg["d_head"]
    mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
    resid = hook("hook_embed", w["W_E"][tokens]) + hook("hook_pos_embed", w["W_pos"][:t])
    for l in range(cfg["n_layers"]):
        p = f"blocks.{l}."
        resid_pre = hook(p + "hook_resid_pre", resid)
        x = layer_norm(resid_pre, w[p + "ln1.w"], w[p + "ln1.b"], eps, cache, p + "ln1")
        q = hook(p + "attn.hook_q", torch.einsum("pd,hde->phe", x, w[p + "W_Q"]) + w[p + "b_Q"])
        k = hook(p + "attn.hook_k", torch.einsum("pd,hde->phe", x, w[p + "W_K"]) + w[p + "b_K"])
        v = hook(p + "attn.hook_v", torch.einsum("pd,hde->phe", x, w[p + "W_V"]) + w[p + "b_V"])
        scores = torch.einsum("qhe,khe->hqk", q, k) / math.sqrt(dh)
        scores = hook(p + "attn.hook_attn_scores", scores.masked_fill(mask, float("-inf")))
        pattern = hook(p + "attn.hook_pattern", torch.softmax(scores, dim=-1))
        z = hook(p + "attn.hook_z", torch.einsum("hqk,khe->qhe", pattern, v))
        if keep:
            result = hook(p + "attn.hook_result", torch.einsum("phe,hed->phd", z, w[p + "W_O"]))
            attn_out = result.sum(dim=1) + w[p + "b_O"]
        else:
            attn_out = z.reshape(t, -1) @ w[p + "W_O"].reshape(-1, cfg["d_model"]) + w[p + "b_O"]
        attn_out = hook(p + "hook_attn_out", attn_out)
        resid_mid = hook(p + "hook_resid_mid", resid_pre + attn_out)
        x2 = layer_norm(resid_mid, w[p + "ln2.w"], w[p + "ln2.b"], eps, cache, p + "ln2")
        pre = hook(p + "mlp.hook_pre", x2 @ w[p + "W_in"] + w[p + "b_in"])
        post = hook(p + "mlp.hook_post", gelu_new(pre))
        mlp_out = hook(p + "hook_mlp_out", post @ w[p + "W_out"] + w[p + "b_out"])
        resid = hook(p + "hook_resid_post", resid_mid + mlp_out)
    x = layer_norm(resid, w["ln_final.w"], w["ln_final.b"], eps, cache, "ln_final")
    logits = hook("logits", x @ w["W_U"] + w["b_U"])
    return logits, cache


def time_mode(w, cfg, tokens, keep, warmup, runs):
    times = []
    with torch.no_grad():
        for i in range(warmup + runs):
            start = time.perf_counter()
            logits, cache = run(w, cfg, tokens, keep)
            elapsed = (time.perf_counter() - start) * 1e3
            if i >= warmup:
                times.append(elapsed)
            n_cached = len(cache) if cache is not None else 0
            del logits, cache  # free the previous pass's activations before the next one
    return times, n_cached


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tokens", default="128,1024", help="comma-separated prompt lengths (default 128,1024)")
    ap.add_argument("--modes", default="cache,logits", help="cache, logits or both (default both)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed passes per case (default 2)")
    ap.add_argument("--runs", type=int, default=5, help="timed passes per case; the median is reported (default 5)")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()

    lengths = [int(s) for s in args.tokens.split(",") if s.strip()]
    modes = [s.strip() for s in args.modes.split(",") if s.strip()]
    for n in lengths:
        if not 1 <= n <= CFG["n_ctx"]:
            sys.exit(f"forward_torch.py: --tokens {n} is outside [1, n_ctx = {CFG['n_ctx']}]")
    for m in modes:
        if m not in ("cache", "logits"):
            sys.exit(f"forward_torch.py: --modes '{m}' is not 'cache' or 'logits'")
    if args.runs < 1:
        sys.exit("forward_torch.py: --runs must be at least 1")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    w = random_weights(CFG, args.seed)
    gen = torch.Generator().manual_seed(42)

    results = []
    for n in lengths:
        tokens = torch.randint(0, CFG["d_vocab"], (n,), generator=gen)
        for m in modes:
            times, n_cached = time_mode(w, CFG, tokens, m == "cache", args.warmup, args.runs)
            results.append({"tokens": n, "mode": m, "median_ms": statistics.median(times),
                            "min_ms": min(times), "runs_ms": [round(x, 3) for x in times], "cached": n_cached})
            print(f"forward_torch: {n} tokens, {m}: median {statistics.median(times):.1f} ms", file=sys.stderr)

    blas = [line.strip() for line in open("/proc/self/maps") if "blas" in line.lower()] if os.path.exists("/proc/self/maps") else []
    out = {"torch": torch.__version__, "python": platform.python_version(), "threads": torch.get_num_threads(),
           "blas_libraries": sorted({line.split()[-1] for line in blas}),
           "warmup": args.warmup, "runs": args.runs, "results": results}
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
