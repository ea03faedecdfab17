#!/usr/bin/env python3
"""The PyTorch twin of FamilyBench: the same Hugging Face checkpoint directory (config.json +
model.safetensors or shards with model.safetensors.index.json, F32/F16/BF16), computed the way
Hugging Face's modeling_llama / modeling_gpt_neox do, in float32: RMSNorm or LayerNorm, rotary
("rotate half", on the first rotary_dim dimensions), grouped-query attention (key/value heads
repeated), SwiGLU or GELU MLP, parallel or sequential blocks.

It reads the weights itself (no safetensors or transformers package needed), times the logits of
each prompt length (median of --runs after --warmup) and, given circuitscope's ids.json and
logits.f32 (FamilyBench's output), reports how far its last logits row is from circuitscope's:
an independent check that both compute the same model. Prints JSON on stdout.

Run with Debian's interpreter, which has python3-torch: /usr/bin/python3 bench/family_torch.py
"""
import argparse
import json
import math
import os
import statistics
import struct
import sys
import time

try:
    import torch
except ImportError:
    sys.exit("family_torch.py: PyTorch is not importable by " + sys.executable + "; install Debian's "
             "(apt-get install python3-torch libopenblas0-pthread) and run with /usr/bin/python3")

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = t.float()
    return out


def read_checkpoint(d):
    index = os.path.join(d, "model.safetensors.index.json")
    if os.path.exists(index):
        out = {}
        for shard in sorted(set(json.load(open(index))["weight_map"].values())):
            out.update(read_safetensors(os.path.join(d, shard)))
        return out
    return read_safetensors(os.path.join(d, "model.safetensors"))


def rotary(x, pos, rot_dim, base):
    # x [heads, pos, d_head]; rotate half of the first rot_dim dimensions.
    inv = 1.0 / (base ** (torch.arange(0, rot_dim, 2, dtype=torch.float64) / rot_dim))
    ang = pos[:, None].double() * inv[None, :]
    cos = torch.cat([ang.cos(), ang.cos()], -1).float()
    sin = torch.cat([ang.sin(), ang.sin()], -1).float()
    xr, xp = x[..., :rot_dim], x[..., rot_dim:]
    half = rot_dim // 2
    flipped = torch.cat([-xr[..., half:], xr[..., :half]], -1)
    return torch.cat([xr * cos + flipped * sin, xp], -1)


class Twin:
    def __init__(self, d):
        self.cfg = c = json.load(open(os.path.join(d, "config.json")))
        self.w = read_checkpoint(d)
        self.kind = c["model_type"]
        self.d = c["hidden_size"]
        self.h = c["num_attention_heads"]
        self.kv = c.get("num_key_value_heads") or self.h
        self.dh = c.get("head_dim") or self.d // self.h
        self.layers = c["num_hidden_layers"]
        if self.kind == "gpt_neox":
            self.rot = int(self.dh * c.get("rotary_pct", 1.0))
            self.base = c.get("rotary_emb_base", c.get("rope_theta", 10000))
            self.eps = c.get("layer_norm_eps", 1e-5)
        else:
            self.rot = self.dh
            self.base = c.get("rope_theta", 10000)
            self.eps = c.get("rms_norm_eps", 1e-6)

    def rms(self, x, w):
        return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * w

    def attention(self, x, q, k, v, o, pos):
        n = x.shape[0]
        q = q(x).view(n, self.h, self.dh).transpose(0, 1)
        k = k(x).view(n, self.kv, self.dh).transpose(0, 1)
        v = v(x).view(n, self.kv, self.dh).transpose(0, 1)
        q, k = rotary(q, pos, self.rot, self.base), rotary(k, pos, self.rot, self.base)
        group = self.h // self.kv
        k, v = k.repeat_interleave(group, 0), v.repeat_interleave(group, 0)
        s = q @ k.transpose(1, 2) / math.sqrt(self.dh)
        s = s.masked_fill(torch.triu(torch.ones(n, n, dtype=torch.bool), 1), float("-inf"))
        z = torch.softmax(s, -1) @ v
        return o(z.transpose(0, 1).reshape(n, self.h * self.dh))

    def lin(self, name, bias=True):
        w, b = self.w[name + ".weight"], self.w.get(name + ".bias") if bias else None
        return lambda x: torch.nn.functional.linear(x, w, b)

    def forward(self, ids):
        w, pos = self.w, torch.arange(len(ids))
        if self.kind == "gpt_neox":
            x = w["gpt_neox.embed_in.weight"][ids]
            for l in range(self.layers):
                p = f"gpt_neox.layers.{l}."
                ln = lambda y, n: torch.nn.functional.layer_norm(y, (self.d,), w[p + n + ".weight"], w[p + n + ".bias"], self.eps)
                qkv = w[p + "attention.query_key_value.weight"].view(self.h, 3, self.dh, self.d)
                qkvb = w[p + "attention.query_key_value.bias"].view(self.h, 3, self.dh)
                part = lambda i: (lambda y: torch.nn.functional.linear(y, qkv[:, i].reshape(-1, self.d), qkvb[:, i].reshape(-1)))
                a = self.attention(ln(x, "input_layernorm"), part(0), part(1), part(2), self.lin(p + "attention.dense"), pos)
                mlp = lambda y: self.lin(p + "mlp.dense_4h_to_h")(torch.nn.functional.gelu(self.lin(p + "mlp.dense_h_to_4h")(y)))
                if self.cfg.get("use_parallel_residual", True):
                    x = x + a + mlp(ln(x, "post_attention_layernorm"))
                else:
                    x = x + a
                    x = x + mlp(ln(x, "post_attention_layernorm"))
            x = torch.nn.functional.layer_norm(x, (self.d,), w["gpt_neox.final_layer_norm.weight"], w["gpt_neox.final_layer_norm.bias"], self.eps)
            return x @ w["embed_out.weight"].T
        x = w["model.embed_tokens.weight"][ids]
        for l in range(self.layers):
            p = f"model.layers.{l}."
            a = self.attention(self.rms(x, w[p + "input_layernorm.weight"]), self.lin(p + "self_attn.q_proj"), self.lin(p + "self_attn.k_proj"),
                               self.lin(p + "self_attn.v_proj"), self.lin(p + "self_attn.o_proj"), pos)
            x = x + a
            y = self.rms(x, w[p + "post_attention_layernorm.weight"])
            x = x + self.lin(p + "mlp.down_proj")(torch.nn.functional.silu(self.lin(p + "mlp.gate_proj")(y)) * self.lin(p + "mlp.up_proj")(y))
        x = self.rms(x, w["model.norm.weight"])
        head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
        return x @ head.T


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("--tokens", default="128,1024")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--check", help="FamilyBench's output folder (ids.json, logits.f32)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    twin = Twin(a.model_dir)
    load_ms = (time.perf_counter() - t0) * 1000
    out = {"torch": torch.__version__, "threads": a.threads, "load_ms": load_ms, "forward": []}
    vocab = twin.cfg["vocab_size"]
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for n in [int(x) for x in a.tokens.split(",")]:
            ids = torch.randint(0, vocab, (n,), generator=g)
            for _ in range(a.warmup):
                twin.forward(ids)
            ms = []
            for _ in range(a.runs):
                t = time.perf_counter()
                twin.forward(ids)
                ms.append((time.perf_counter() - t) * 1000)
            print(f"  PyTorch {n} tokens: median {statistics.median(ms):.0f} ms of {[round(x) for x in ms]}", file=sys.stderr)
            out["forward"].append({"tokens": n, "median_ms": statistics.median(ms)})
        if a.check:
            ids = torch.tensor(json.load(open(os.path.join(a.check, "ids.json"))))
            raw = open(os.path.join(a.check, "logits.f32"), "rb").read()
            ours = torch.frombuffer(bytearray(raw), dtype=torch.float32)
            theirs = twin.forward(ids)[-1]
            diff = (ours - theirs).abs().max().item()
            out["check"] = {"tokens": len(ids), "max_abs_diff": diff, "max_abs_logit": theirs.abs().max().item(),
                            "same_argmax": int(ours.argmax()) == int(theirs.argmax())}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
