"""`backprop-xor sweep`: K networks from seeds S, S+1, ... trained at once.

Net k of a sweep is the net `train --seed S+k` trains (with --stop-on-convergence),
so any stuck seed it lists can be replayed. `--compare eta=2` sweeps the same
seeds again with that setting changed: the page's side-by-side comparison.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.engine import SETTINGS, TrainingConfig
from app.engine.ensemble import MAX_NETS, SweepResult, sweep

from .common import (
    MAX_EPOCHS,
    UsageError,
    add_network_options,
    config_from,
    network_name,
    number,
    print_json,
    whole,
)

#: How many stuck seeds the readable summary lists.
SHOWN = 20


def add_parser(commands: Any) -> None:
    """Register the `sweep` command."""
    parser = commands.add_parser(
        "sweep", help="train K nets from K seeds at once; count the stuck ones",
        description="Train K networks from the seeds S, S+1, ..., S+K-1 side by side, each "
        "until it converges (after an epoch, with the weights as they are then, every "
        "pattern's |e| < 0.1; epochs to converge count that epoch, from 1) or N epochs pass. "
        "Trains on the 4 patterns.",
    )
    add_network_options(parser)
    parser.add_argument("--nets", type=whole(1, MAX_NETS), default=100, metavar="K",
                        help="number of networks (default 100)")
    parser.add_argument("--epochs", type=whole(0, MAX_EPOCHS), default=20_000, metavar="N",
                        help="epoch budget per network (default 20000)")
    parser.add_argument("--seed", type=whole(0, SETTINGS["seed"]["max"]), default=1,
                        metavar="S", help="seed of the first network (default 1)")
    parser.add_argument("--compare", action="append", default=[], metavar="NAME=VALUE",
                        help="sweep the same seeds again with this setting changed, e.g. "
                        "eta=2, hidden=3, alpha=0.9, mode=batch (repeat to change several)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: summary and every network")
    parser.set_defaults(handler=run)


def compared(config: TrainingConfig, pairs: list[str]) -> TrainingConfig | None:
    """The settings of the compared sweep (`--compare NAME=VALUE` ...), None without any."""
    if not pairs:
        return None
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or name not in SETTINGS or name in ("seed", "sampling"):
            known = ", ".join(n for n in SETTINGS if n not in ("seed", "sampling"))
            raise UsageError(f"--compare: need NAME=VALUE with NAME one of {known}; got {pair!r}")
        kind = SETTINGS[name]["kind"]
        try:
            values[name] = float(text) if kind == "number" else text.strip()
        except ValueError:
            raise UsageError(f"--compare {name}: need a number, got {text!r}") from None
    try:
        other = TrainingConfig.from_dict(values, base=config)
    except ValueError as error:
        raise UsageError(f"--compare {error}") from None
    if other == config:
        raise UsageError("--compare: changes no setting")
    return other


def run(args: argparse.Namespace) -> int:
    """Validate, sweep (twice with --compare), print the summary (with --json every net)."""
    config = config_from(args)
    other = compared(config, args.compare)
    results = []
    for arm in (config, other):
        if arm is None:
            continue
        try:
            results.append(sweep(arm, args.nets, args.epochs, args.seed))
        except ValueError as error:  # the options were checked: this names what sweep refused
            raise UsageError(str(error)) from None
    if args.json:
        report = {"command": "sweep", "shape": network_name(config), **results[0].to_dict()}
        if other is not None:
            report["compare"] = {"shape": network_name(other), **results[1].to_dict()}
        print_json(report)
        return 0
    for label, result in zip(("A: ", "B: ") if other else ("",), results, strict=False):
        print_summary(label, result, args)
    return 0


def print_summary(label: str, result: SweepResult, args: argparse.Namespace) -> None:
    """The readable report of one sweep."""
    config = result.config
    summary = result.summary()
    print(f"{label}{summary['nets']:,} {network_name(config)} {config.activation} nets on "
          f"{config.problem}, seeds {args.seed} to {args.seed + args.nets - 1}: "
          f"η = {number(config.eta)}, α = {number(config.alpha)}, {config.mode} updates, "
          f"initial weights in [-{number(config.init_range)}, {number(config.init_range)}]")
    print(f"converged {summary['converged']:,}, stuck after {args.epochs:,} epochs "
          f"{summary['stuck']:,} ({100 * summary['stuck_share']:.1f}%)"
          + (f", diverged {summary['diverged']:,}" if summary["diverged"] else ""))
    spread = summary["epochs_to_converge"]
    if spread is not None:
        print("epochs to converge: " + ", ".join(
            f"{key} {value:,.0f}" for key, value in spread.items() if key != "mean")
            + f", mean {spread['mean']:,.1f}")
    print(f"{summary['net_epochs']:,} network-epochs in {summary['elapsed_s']:.4g} s "
          f"({summary['net_epochs_per_second']:,.0f} network-epochs/s)")
    stuck = [net.seed for net in result.nets if net.stuck]
    if stuck:
        more = f" (and {len(stuck) - SHOWN:,} more)" if len(stuck) > SHOWN else ""
        print(f"stuck seeds: {', '.join(map(str, stuck[:SHOWN]))}{more}")
