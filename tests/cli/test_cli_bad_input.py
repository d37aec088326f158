"""Bad input: one clear line on stderr naming the problem, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main

GOOD = "[[[0.1, -0.2, 0.3], [-0.4, 0.5, -0.6]], [[0.7, -0.8, 0.9]]]"

#: (id, file contents or None for no file, argv with FILE for the file, words the line names)
CASES = [
    ("unknown problem", None, ["train", "--problem", "xxor"], ["--problem", "xxor"]),
    ("unknown activation", None, ["train", "--activation", "relu"], ["--activation"]),
    ("unknown mode", None, ["train", "--mode", "fast"], ["--mode"]),
    ("unknown sampling", None, ["train", "--sampling", "grid"], ["--sampling"]),
    ("negative epochs", None, ["train", "--epochs", "-5"], ["--epochs", "-5"]),
    ("fractional epochs", None, ["train", "--epochs", "2.5"], ["--epochs"]),
    ("too many epochs", None, ["train", "--epochs", "1e12"], ["--epochs"]),
    ("nan eta", None, ["train", "--eta", "nan"], ["--eta", "nan"]),
    ("infinite eta", None, ["train", "--eta", "inf"], ["--eta"]),
    ("eta above 1e6", None, ["train", "--eta", "2e6"], ["--eta"]),
    ("negative eta", None, ["train", "--eta", "-0.5"], ["--eta"]),
    ("momentum 1", None, ["train", "--momentum", "1"], ["--momentum"]),
    ("nan momentum", None, ["train", "--momentum", "nan"], ["--momentum"]),
    ("init range too wide", None, ["check", "--init-range", "11"], ["--init-range"]),
    ("hidden 0 neurons", None, ["train", "--hidden", "0"], ["--hidden"]),
    ("hidden 9 neurons", None, ["train", "--hidden", "9"], ["--hidden", "9"]),
    ("four hidden layers", None, ["train", "--hidden", "2,2,2,2"], ["--hidden"]),
    ("hidden not numbers", None, ["check", "--hidden", "two"], ["--hidden"]),
    ("negative seed", None, ["train", "--seed", "-1"], ["--seed"]),
    ("seed too big", None, ["check", "--seed", str(2**32)], ["--seed"]),
    ("seed and weights", GOOD, ["train", "--seed", "2", "--weights", "FILE"], ["--weights"]),
    ("missing weights file", None, ["train", "--weights", "/no/such/file.json"],
     ["--weights", "no such file"]),
    ("weights file is a folder", None, ["check", "--weights", "."], ["--weights"]),
    ("malformed JSON", "[[[0.1, 0.2", ["train", "--weights", "FILE"], ["--weights", "JSON"]),
    ("empty file", "", ["train", "--weights", "FILE"], ["--weights"]),
    ("not a list of layers", '{"w": 1}', ["train", "--weights", "FILE"], ["--weights"]),
    ("row too short", "[[[0.1, 0.2], [0.3, 0.4, 0.5]], [[0.7, 0.8, 0.9]]]",
     ["train", "--weights", "FILE"], ["--weights", "layer 0 row 0"]),
    ("output layer too wide", "[[[0.1, 0.2, 0.3], [0.3, 0.4, 0.5]], [[0.7, 0.8, 0.9, 1.0]]]",
     ["train", "--weights", "FILE"], ["--weights", "layer 1"]),
    ("two output neurons", "[[[0.1, 0.2, 0.3]], [[0.7, 0.8], [0.1, 0.2]]]",
     ["train", "--weights", "FILE"], ["--weights", "layer 1"]),
    ("shape differs from --hidden", GOOD, ["train", "--weights", "FILE", "--hidden", "3"],
     ["--weights", "layer 0"]),
    ("too many layers in file", "[[[1,1,1]], [[1,1]], [[1,1]], [[1,1]], [[1,1]]]",
     ["train", "--weights", "FILE"], ["--weights", "hidden"]),
    ("nine neurons in file", "[[" + ",".join(["[1, 1, 1]"] * 9) + "], [[" + "1, " * 9 + "1]]]",
     ["check", "--weights", "FILE"], ["--weights", "hidden"]),
    ("NaN weight", "[[[NaN, 0.2, 0.3], [0.3, 0.4, 0.5]], [[0.7, 0.8, 0.9]]]",
     ["train", "--weights", "FILE"], ["--weights", "nan"]),
    ("text weight", '[[["a", 0.2, 0.3], [0.3, 0.4, 0.5]], [[0.7, 0.8, 0.9]]]',
     ["check", "--weights", "FILE"], ["--weights", "'a'"]),
    ("null weight", "[[[null, 0.2, 0.3], [0.3, 0.4, 0.5]], [[0.7, 0.8, 0.9]]]",
     ["train", "--weights", "FILE"], ["--weights", "None"]),
    ("s too big", None, ["train", "--problem", "simplest", "--s", "11"], ["--s", "11"]),
    ("d not a number", None, ["train", "--problem", "simplest", "--d", "x"], ["--d"]),
    ("nan s", None, ["check", "--s", "nan"], ["--s"]),
    ("random samples for simplest", None, ["train", "--problem", "simplest", "--sampling",
                                           "random"], ["--sampling", "simplest"]),
    ("bias with a value", None, ["train", "--bias", "yes"], ["yes"]),
    ("weights file with a bias for simplest", "[[[0.1, 0.2]], [[0.3]]]",
     ["train", "--problem", "simplest", "--weights", "FILE"], ["--weights", "weights[0][0]"]),
    ("no nets", None, ["sweep", "--nets", "0"], ["--nets"]),
    ("negative sweep epochs", None, ["sweep", "--epochs", "-1"], ["--epochs"]),
    ("sweep nan eta", None, ["sweep", "--eta", "nan"], ["--eta"]),
    ("sweep unknown problem", None, ["sweep", "--problem", "maybe"], ["--problem"]),
    ("compare unknown setting", None, ["sweep", "--compare", "colour=2"], ["--compare", "colour"]),
    ("compare the seed", None, ["sweep", "--compare", "seed=4"], ["--compare", "seed=4"]),
    ("compare without =", None, ["sweep", "--compare", "eta"], ["--compare", "NAME=VALUE"]),
    ("compare eta not a number", None, ["sweep", "--compare", "eta=fast"], ["--compare eta"]),
    ("compare alpha too big", None, ["sweep", "--compare", "alpha=1.5"], ["--compare alpha"]),
    ("compare 9 hidden", None, ["sweep", "--compare", "hidden=9"], ["--compare hidden"]),
    ("compare changes nothing", None, ["sweep", "--compare", "eta=0.5"], ["changes no setting"]),
    ("port too big", None, ["serve", "--port", "65536"], ["--port"]),
    ("negative port", None, ["--port", "-1"], ["--port"]),
    ("port not a number", None, ["serve", "--port", "http"], ["--port"]),
    ("bad message queue", None, ["serve", "--message-queue", "localhost"], ["--message-queue"]),
    ("empty host", None, ["serve", "--host", ""], ["--host"]),
    ("unknown command", None, ["fit"], ["fit"]),
    ("unknown option", None, ["train", "--learning-rate", "1"], ["--learning-rate"]),
]


@pytest.mark.parametrize(("contents", "argv", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path, capsys, contents, argv,
                                               words) -> None:
    if contents is not None:
        (tmp_path / "w.json").write_text(contents, encoding="utf-8")
    argv = [str(tmp_path / "w.json") if a == "FILE" else a for a in argv]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("backprop-xor")
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


def test_the_installed_command_fails_in_one_line_too() -> None:
    """Through `python -m app`, as a user runs it: no traceback, exit code 2."""
    done = subprocess.run([sys.executable, "-m", "app", "train", "--problem", "nope"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "--problem" in done.stderr
