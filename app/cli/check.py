"""`backprop-xor check`: the backpropagated gradient against central differences.

Exit code 0 when the two agree (see `app.engine.gradcheck.TOLERANCE`), 1 when not,
2 on bad input.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.engine import Shape, Trainer
from app.engine.gradcheck import STEP, TOLERANCE, check_gradient

from .common import (
    add_network_options,
    add_start_options,
    config_and_weights,
    network_name,
    number,
    print_json,
)


def add_parser(commands: Any) -> None:
    """Register the `check` command."""
    parser = commands.add_parser(
        "check", help="compare the analytic gradient with central finite differences",
        description="Gradient of the loss (mean of ½e² over the patterns) for every "
        f"weight, by backpropagation and by central differences (h = {STEP:g}·max(1, |w|)). "
        f"Exits 0 when they agree within {TOLERANCE:g}, 1 when not.",
    )
    add_network_options(parser, training=False)
    add_start_options(parser)
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: analytic, numeric, max_abs_difference, ...")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate, check the gradient at the initial weights, print; 0 if they agree."""
    config, weights = config_and_weights(args)
    trainer = Trainer(config, weights)
    result = check_gradient(trainer)
    shape = trainer.shape
    if args.json:
        print_json({
            "command": "check",
            "shape": network_name(config),
            "problem": config.problem,
            "activation": config.activation,
            "weights": trainer.weights(),
            "loss": trainer.loss(),
            "analytic": shape.nest(result.analytic),
            "numeric": shape.nest(result.numeric),
            "max_abs_difference": result.max_abs_difference,
            "max_relative_difference": result.max_relative_difference,
            "step": STEP,
            "tolerance": TOLERANCE,
            "ok": result.ok,
        })
        return 0 if result.ok else 1
    print(f"{network_name(config)} {config.activation} net on {config.problem}, "
          f"loss {number(trainer.loss(), 8)}")
    print(f"{'weight':<22} {'analytic ∂L/∂w':>16} {'numeric':>16} {'|difference|':>12}")
    labels = _labels(shape)
    for label, a, n in zip(labels, result.analytic, result.numeric, strict=True):
        print(f"{label:<22} {a:>16.9g} {n:>16.9g} {abs(a - n):>12.3g}")
    verdict = "agree" if result.ok else "DISAGREE"
    print(f"largest difference {number(result.max_abs_difference, 3)} "
          f"(relative {number(result.max_relative_difference, 3)}): the gradients {verdict}")
    return 0 if result.ok else 1


def _labels(shape: Shape) -> list[str]:
    """'layer 0 neuron 1 bias' etc., in the flat weight order."""
    layer_shapes = shape.layer_shapes
    labels = []
    for layer, (rows, cols) in enumerate(layer_shapes):
        for j in range(rows):
            for i in range(cols):
                source = "bias" if shape.bias and i == cols - 1 else f"in {i}"
                labels.append(f"layer {layer} neuron {j} {source}")
    return labels
