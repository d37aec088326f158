"""What the commands share: the parser that fails in one line, the network options,
the weights file, strict JSON output and the progress bar.

Bad input never ends in a traceback: parsing and validation raise `UsageError`,
which `main` prints as one line on stderr before exiting with code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, NoReturn, TextIO

import numpy as np

from app.engine import SETTINGS, Shape, TrainingConfig, check_setting
from app.engine.errors import FieldError

#: Upper bound on --epochs: about half an hour of a 2-2-1 net at full speed.
MAX_EPOCHS = 10**10

#: Runs at least this long (in epochs) get a progress bar, when stderr is a terminal.
LONG_RUN = 100_000


class UsageError(Exception):
    """Bad input from the command line: the message is the one line the user sees."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (raised as UsageError), not usage text."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing the usage and exiting: `main` prints one line."""
        raise UsageError(f"{self.prog}: {message}")


def whole(least: int, most: int) -> Any:
    """An argparse type: a whole number in [least, most]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"need a whole number, got {text!r}") from None
        if not least <= value <= most:
            raise argparse.ArgumentTypeError(f"need {least} to {most}, got {value}")
        return value

    parse.__name__ = "whole number"
    return parse


def finite(text: str) -> float:
    """An argparse type: a finite number (nan and inf are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"need a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"need a finite number, got {text!r}")
    return value


def add_network_options(parser: argparse.ArgumentParser, training: bool = True) -> None:
    """The options that make a TrainingConfig (ranges are checked against SETTINGS)."""
    parser.add_argument("--problem", default=SETTINGS["problem"]["default"],
                        help="the Boolean function to learn: xor (default), xnor, and, or, "
                        "nand, nor, ... (all 16 two-input functions), or simplest: the "
                        "derivation's one signal s and one desired response d, on a 1-1-1 net "
                        "without biases unless --hidden or --bias say otherwise")
    parser.add_argument("--hidden", default=None, metavar="N[,N[,N]]",
                        help="neurons per hidden layer, front to back: 2 (default) or e.g. 3,2; "
                        "with --weights, taken from the file when omitted")
    parser.add_argument("--bias", action=argparse.BooleanOptionalAction, default=None,
                        help="every neuron has a bias weight (default: yes; simplest: no)")
    parser.add_argument("--s", type=finite, default=None, metavar="S",
                        help="simplest: the signal s, -10 to 10 (default 1)")
    parser.add_argument("--d", type=finite, default=None, metavar="D",
                        help="simplest: the desired response d, -1 to 1 (default 0)")
    parser.add_argument("--activation", default=SETTINGS["activation"]["default"],
                        help="sigmoid (default) or tanh")
    parser.add_argument("--init-range", type=finite, default=SETTINGS["init_range"]["default"],
                        metavar="R", help="initial weights uniform in [-R, R] (default 1)")
    if training:
        parser.add_argument("--eta", type=finite, default=SETTINGS["eta"]["default"],
                            help="learning rate η (default 0.5, up to 1e6)")
        parser.add_argument("--momentum", type=finite, default=SETTINGS["alpha"]["default"],
                            metavar="ALPHA", help="momentum α in [0, 0.99] (default 0)")
        parser.add_argument("--mode", default=SETTINGS["mode"]["default"],
                            help="online (default): update after every pattern; "
                            "batch: once per epoch")


def add_start_options(parser: argparse.ArgumentParser) -> None:
    """--seed S or --weights FILE: where the initial weights come from."""
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--seed", type=whole(0, SETTINGS["seed"]["max"]),
                       default=None,  # None, not 1: argparse takes a default-equal value
                       help="seed of the initial weights (default 1)")  # as not given
    start.add_argument("--weights", type=Path, metavar="FILE",
                       help="JSON file of exact initial weights: a list of layers from input to "
                       "output, each a list of neuron rows, bias last if any (as --json "
                       "prints them)")


def config_from(args: argparse.Namespace, hidden: tuple[int, ...] | None = None,
                **extra: Any) -> TrainingConfig:
    """A validated TrainingConfig from the parsed options; UsageError names a bad one."""
    values: dict[str, Any] = {
        "problem": args.problem, "activation": args.activation, "init_range": args.init_range,
    }
    if hidden is not None:
        values["hidden"] = list(hidden)
    elif args.hidden is not None:
        values["hidden"] = _hidden(args.hidden)
    for option, name in (("eta", "eta"), ("momentum", "alpha"), ("mode", "mode"),
                         ("seed", "seed"), ("sampling", "sampling"), ("bias", "bias"),
                         ("s", "s"), ("d", "d")):
        if getattr(args, option, None) is not None:
            values[name] = getattr(args, option)
    values.update(extra)
    try:
        return TrainingConfig.from_dict(values)
    except FieldError as error:
        raise UsageError(_option_message(error)) from None


def _hidden(text: str) -> list[int]:
    try:
        return check_setting("hidden", text.replace(" ", ""))
    except ValueError as error:
        raise UsageError(f"--hidden: {str(error).removeprefix('hidden: ')}") from None


#: Settings whose command-line option has another name.
OPTION_NAMES = {"alpha": "momentum"}


def option(setting: str) -> str:
    """The command-line option of a setting: --eta, --momentum, --init-range."""
    return "--" + OPTION_NAMES.get(setting, setting).replace("_", "-")


def _option_message(error: FieldError) -> str:
    """Name the command-line option rather than the setting in a config error."""
    message = str(error)
    if error.field in SETTINGS:
        return f"{option(error.field)}: {message.removeprefix(error.field + ': ')}"
    return message


def read_weights(path: Path, hidden: str | None) -> tuple[list, tuple[int, ...]]:
    """The initial weights in FILE and the hidden layout they are for.

    The file holds the nested lists (layers of neuron rows, bias last), or an object
    with a "weights" field such as `train --json` prints. Without --hidden the layout
    is read off the file (the rows of each layer but the last). Whether the weights
    fit the net is checked once the settings are known (`config_and_weights`).
    UsageError says what is wrong, naming the file.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--weights: no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--weights: cannot read {path}: {error}") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UsageError(f"--weights: {path} is not valid JSON ({error})") from None
    if isinstance(data, dict) and "weights" in data:
        data = data["weights"]
    if not isinstance(data, list) or not data or not all(isinstance(x, list) for x in data):
        raise UsageError(f"--weights: {path} needs a list of layers, each a list of neuron rows")
    layout = tuple(_hidden(hidden)) if hidden is not None else tuple(len(x) for x in data[:-1])
    try:
        Shape.from_hidden(layout)
    except ValueError as error:
        raise UsageError(f"--weights: {path}: {error}") from None
    return data, layout


def network_name(config: TrainingConfig) -> str:
    """The net's shape as people write it: 2-2-1, 2-3-2-1, 1-1-1."""
    return Shape.of(config).name


def jsonable(value: Any) -> Any:
    """`value` with numpy types made plain and non-finite numbers made null (strict JSON)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def print_json(value: Any, stream: TextIO | None = None) -> None:
    """One JSON object on one line of stdout, with nan and inf written as null."""
    print(json.dumps(jsonable(value), allow_nan=False), file=stream or sys.stdout)


def number(x: float | None, digits: int = 6) -> str:
    """A number for people: fixed or scientific as fits, 'n/a' for None or nan."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{digits}g}"


class Progress:
    """A one-line progress bar on stderr, redrawn in place; silent unless enabled."""

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None,
                 width: int = 30) -> None:
        self.total = max(int(total), 1)
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.width = width

    def update(self, done: int) -> None:
        """Redraw the bar for `done` of `total` epochs."""
        if not self.enabled:
            return
        filled = self.width * done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {100 * done // self.total:3d}% {done:,} epochs")
        self.stream.flush()

    def close(self) -> None:
        """Erase the bar."""
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


def bar_wanted(epochs: int, json_output: bool) -> bool:
    """A progress bar on long runs, for people watching a terminal, never with --json."""
    return not json_output and epochs >= LONG_RUN and sys.stderr.isatty()


def config_and_weights(args: argparse.Namespace) -> tuple[TrainingConfig, list | None]:
    """The settings and (with `--weights FILE`) the initial weights the options ask for."""
    weights = hidden = None
    if args.weights is not None:
        weights, hidden = read_weights(args.weights, args.hidden)
    config = config_from(args, hidden=hidden)
    if weights is not None:
        try:
            Shape.of(config).flatten(weights)
        except ValueError as error:
            raise UsageError(f"--weights: {args.weights}: {error}") from None
    return config, weights
