"""`backprop-xor train`: train one network on the fast path and report it.

The timing covers the training loop alone: a throwaway trainer of the same shape
and settings runs one epoch first, so the compiled kernels are ready (numba
compiles once per process and network shape) before the clock starts.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from app.engine import Trainer

from .common import (
    MAX_EPOCHS,
    Progress,
    add_network_options,
    add_start_options,
    bar_wanted,
    config_and_weights,
    network_name,
    number,
    print_json,
    whole,
)

#: A long run with a progress bar is cut into this many compiled runs.
PROGRESS_STEPS = 100


def add_parser(commands: Any) -> None:
    """Register the `train` command."""
    parser = commands.add_parser(
        "train", help="train one network and print its weights and loss",
        description="Train one network on the compiled fast path, N whole epochs "
        "(or until it converges with --stop-on-convergence).",
    )
    add_network_options(parser)
    parser.add_argument("--sampling", default="patterns",
                        help="patterns (default): the 4 corners; random: the 1996 applet's "
                        "random points in the unit square")
    parser.add_argument("--epochs", type=whole(0, MAX_EPOCHS), default=10_000,
                        help="epochs to train (default 10000)")
    add_start_options(parser)
    parser.add_argument("--loss-every", type=whole(0, MAX_EPOCHS), default=0, metavar="K",
                        help="record the loss every K epochs (default 0: only the final loss)")
    parser.add_argument("--stop-on-convergence", action="store_true",
                        help="stop once converged: after an epoch, with the weights as they "
                        "are then, every pattern's |e| < 0.1")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: epochs, loss, weights, elapsed_s, "
                        "epochs_per_second, ...")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate the options, train, print the result; 2 on bad input (via UsageError)."""
    config, weights = config_and_weights(args)

    # compile outside the timing: same shape, same argument types, thrown away after
    warm = Trainer(config, weights)
    warm.run(1, loss_every=1 if args.loss_every else 0, remember=False)
    warm.loss()

    trainer = Trainer(config, weights)
    initial = trainer.weights()
    progress = Progress(args.epochs, bar_wanted(args.epochs, args.json))
    chunk = max(1, -(-args.epochs // PROGRESS_STEPS)) if progress.enabled else args.epochs
    loss_epochs: list[int] = []
    losses: list[float] = []
    left = args.epochs
    began = time.perf_counter()
    while left > 0:
        step = min(chunk, left)
        result = trainer.run(step, loss_every=args.loss_every,
                             stop_on_convergence=args.stop_on_convergence, remember=False)
        loss_epochs.extend(result.loss_epochs.tolist())
        losses.extend(result.losses.tolist())
        left -= step
        progress.update(trainer.epoch)
        if result.epochs < step:  # converged (when asked to stop) or diverged
            break
    elapsed = time.perf_counter() - began
    progress.close()

    report = {
        "command": "train",
        "shape": network_name(config),
        "settings": config.to_dict(),
        "initial_weights_from": "file" if weights is not None else "seed",
        "initial_weights": initial,
        "epochs": trainer.epoch,
        "status": trainer.status,
        "converged_epoch": trainer.converged_epoch,
        "loss": trainer.loss(),
        "weights": trainer.weights(),
        "truth_table": trainer.truth_table(),
        "elapsed_s": elapsed,
        "epochs_per_second": trainer.epoch / elapsed if elapsed > 0 else 0.0,
    }
    if args.loss_every:
        report["loss_history"] = [[e, x] for e, x in zip(loss_epochs, losses, strict=True)]
    if args.weights is not None:
        del report["settings"]["seed"]
    if args.json:
        print_json(report)
    else:
        _print_summary(report, config)
    return 0


def _print_summary(report: dict[str, Any], config: Any) -> None:
    settings = report["settings"]
    start = f"seed {settings['seed']}" if "seed" in settings else "weights from file"
    print(f"{report['shape']} {config.activation} net on {config.problem}: "
          f"η = {number(config.eta)}, α = {number(config.alpha)}, {config.mode} updates, "
          f"{config.sampling}, {start}")
    rate = report["epochs_per_second"]
    print(f"trained {report['epochs']:,} epochs in {report['elapsed_s']:.4g} s "
          f"({rate:,.0f} epochs/s)")
    if report["status"] == "diverged":
        print("status: diverged (weights are no longer finite numbers)")
    elif report["converged_epoch"] is not None:
        print(f"status: converged after epoch {report['converged_epoch']:,} "
              f"(every pattern's |e| < 0.1 with the weights after it)")
    else:
        print("status: not converged (some pattern still has |e| >= 0.1)")
    print(f"loss (mean of ½e² over the patterns): {number(report['loss'], 8)}")
    print(f"  {'s':<10} {'d':<6} {'r':<11} e")
    for row in report["truth_table"]:
        signal = " ".join(number(x, 4) for x in row["s"])
        print(f"  {signal:<10} {number(row['d'], 4):<6} {number(row['r']):<11} "
              f"{number(row['e'])}")
    print("weights (per layer: neuron rows, inputs then bias)" if config.bias
          else "weights (per layer: neuron rows, inputs; no biases):")
    layers = report["weights"]
    for index, layer in enumerate(layers):
        name = "output" if index == len(layers) - 1 else f"hidden {index + 1}"
        for row in layer:
            print(f"  {name:<9} [{', '.join(number(x, 10) for x in row)}]")
