"""Build and run the project's C reference (`backprop_221.c`) from Python.

    from bench.reference.c_reference import run_c
    result = run_c(weights, epochs=2_000_000, eta=0.5)
    result["epochs_per_second"], result["weights"], result["converged_epoch"]

`weights` is the engine's nested layout for a 2-2-1 net:
[[[v00, v01, v02], [v10, v11, v12]], [[w0, w1, w2]]] (bias last). The binary is built
once per process with the system's C compiler, `-O2 -ffp-contract=off` (no fused
multiply-add: the engine's compiled kernels use none either, so the weights agree bit
for bit). Raises `NoCompiler` when there is no cc or gcc on PATH.

Run as a script for a quick look: `python bench/reference/c_reference.py [EPOCHS]`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).with_name("backprop_221.c")

#: Compiler flags: optimised, ISO C, no contraction of a·b + c into one rounding.
FLAGS = ("-O2", "-std=c11", "-D_POSIX_C_SOURCE=199309L", "-ffp-contract=off")


class NoCompiler(RuntimeError):
    """No C compiler on PATH: the reference cannot be built."""


def compiler() -> str | None:
    """The C compiler to use (cc, else gcc), None when there is none."""
    return shutil.which("cc") or shutil.which("gcc")


@lru_cache(maxsize=1)
def binary() -> str:
    """Compile the reference (once per process) into a temporary folder; its path."""
    cc = compiler()
    if cc is None:
        raise NoCompiler("no C compiler (cc or gcc) on PATH: the C reference cannot be built")
    out = Path(tempfile.mkdtemp(prefix="backprop-221-")) / "backprop_221"
    subprocess.run([cc, *FLAGS, "-o", str(out), str(SOURCE), "-lm"], check=True)
    return str(out)


def run_c(weights: list, epochs: int, eta: float = 0.5) -> dict[str, Any]:
    """Train the 2-2-1 net from `weights` for `epochs` epochs in C; its JSON report."""
    hidden, output = weights
    flat = [*hidden[0], *hidden[1], *output[0]]
    if len(flat) != 9:
        raise ValueError("weights: the C reference trains 2-2-1 nets only (9 weights)")
    args = [binary(), str(int(epochs)), repr(float(eta)), *(repr(float(x)) for x in flat)]
    done = subprocess.run(args, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


if __name__ == "__main__":
    demo = [[[0.1, -0.2, 0.3], [-0.4, 0.5, -0.6]], [[0.7, -0.8, 0.9]]]
    print(run_c(demo, epochs=int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
