"""The fixed benchmark suite, read from bench/suite.txt (the C++ benchmarks embed the same file).

Each case has a stable name, NumPy-style subscripts (or "mha" for multi-head attention), a dtype,
the operand shapes of the full run or of --smoke, and flags (see the header of suite.txt).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

SUITE_TXT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "suite.txt")


@dataclass
class Case:
    name: str
    subscripts: str
    dtype: str
    shapes: list
    use_out: bool = False
    heads: int = 0

    def label_sizes(self) -> dict:
        """label -> extent (einsum cases only)."""
        sizes = {}
        inputs = self.subscripts.split("->")[0].split(",")
        for labels, shape in zip(inputs, self.shapes):
            for label, extent in zip(labels, shape):
                sizes[label] = extent
        return sizes

    def naive_loop_size(self) -> float:
        """Iterations of the single loop nest numpy.einsum(optimize=False) runs."""
        if self.heads:
            return math.inf
        return float(math.prod(self.label_sizes().values()))

    def work(self) -> tuple[str, float]:
        """('GFLOP/s', FLOPs) for compute-bound contractions (a loop nest at least twice as
        long as the data it touches), ('GB/s', bytes) for data movement (every operand element
        read once, the output written once), or ('', 0) where no single number is fair
        (several pairwise steps; call-overhead cases)."""
        itemsize = 4 if self.dtype == "float32" else 8
        if self.heads:
            b, n, d = self.shapes[0]
            return "GFLOP/s", 2.0 * (4 * b * n * d * d + 2 * b * n * n * d)
        inputs, output = self.subscripts.split("->")
        inputs = inputs.split(",")
        sizes = self.label_sizes()
        summed = set("".join(inputs)) - set(output)
        loop = math.prod(sizes.values())
        touched = sum(math.prod(sizes[c] for c in set(op)) for op in inputs)
        touched += math.prod(sizes[c] for c in output) if output else 1
        if self.name.startswith("tiny_") or (len(inputs) > 2 and summed):
            return "", 0.0
        if summed and loop >= 2 * touched:
            return "GFLOP/s", 2.0 * loop
        return "GB/s", float(itemsize * touched)


def _shapes(text: str) -> list:
    return [tuple(int(d) for d in op.strip().split("x")) for op in text.split(",")]


def load(smoke: bool = False, path: str = SUITE_TXT) -> list[Case]:
    cases = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [x.strip() for x in line.split("|")]
            if len(fields) != 6:
                raise ValueError(f"suite.txt: expected 6 fields in: {line}")
            name, subscripts, dtype, full, small, flags = fields
            case = Case(name, subscripts, dtype, _shapes(small if smoke else full))
            for flag in flags.split():
                if flag == "out":
                    case.use_out = True
                elif flag.startswith("heads="):
                    case.heads = int(flag[len("heads="):])
                else:
                    raise ValueError(f"suite.txt: unknown flag {flag!r} in {name}")
            cases.append(case)
    return cases
