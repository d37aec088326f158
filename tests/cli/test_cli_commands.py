"""The command line: train, check, sweep and serve, their output, and the C reference."""

from __future__ import annotations

import importlib.util
import io
import json
import math
import random
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from app import __version__
from app.cli.common import Progress
from app.cli.main import main
from app.engine import Trainer, TrainingConfig

REPO = Path(__file__).resolve().parents[2]
#: The project's own C reference of the 2-2-1 training loop and its driver.
C_REFERENCE = REPO / "bench" / "reference" / "c_reference.py"


def run_json(argv: list[str], capsys: pytest.CaptureFixture) -> dict:
    """Run a command with --json; return its one JSON object (exit code 0, no stderr)."""
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    assert out.count("\n") == 1
    return json.loads(out)


def write(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def c_reference():
    """The C reference's `run_c`, or skip when this machine has no C compiler."""
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler (cc or gcc) on PATH: the C reference cannot be built")
    spec = importlib.util.spec_from_file_location("c_reference", C_REFERENCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run_c


@pytest.mark.parametrize("epochs", [1, 4321, 200_000, 60_000])
def test_train_gives_the_c_references_weights_bit_for_bit(tmp_path: Path, capsys,
                                                         epochs: int) -> None:
    run_c = c_reference()
    rng = random.Random(epochs)
    weights = [[[rng.uniform(-1, 1) for _ in range(3)] for _ in range(2)],
               [[rng.uniform(-1, 1) for _ in range(3)]]]
    report = run_json(["train", "--weights", str(write(tmp_path / "w.json", weights)),
                       "--epochs", str(epochs)], capsys)
    expected = run_c(weights, epochs=epochs, eta=0.5)
    assert report["epochs"] == expected["epochs"] == epochs
    # same equations, same order of operations, no fused multiply-add: the same doubles
    assert report["weights"] == expected["weights"]
    # and the same criterion: judged converged after the same epoch (or not at all)
    assert report["converged_epoch"] == expected["converged_epoch"]


def test_train_json_reports_what_it_did(capsys) -> None:
    report = run_json(["train", "--seed", "3", "--epochs", "5000", "--hidden", "3,2",
                       "--eta", "0.8", "--momentum", "0.5"], capsys)
    for key in ("epochs", "loss", "weights", "elapsed_s", "epochs_per_second", "status"):
        assert key in report
    assert report["epochs"] == 5000
    assert report["settings"]["hidden"] == [3, 2] and report["settings"]["seed"] == 3
    assert [len(layer) for layer in report["weights"]] == [3, 2, 1]
    assert [len(layer[0]) for layer in report["weights"]] == [3, 4, 3]
    rows = report["truth_table"]
    assert report["loss"] == pytest.approx(sum(0.5 * r["e"] ** 2 for r in rows) / 4, rel=1e-12)
    assert report["elapsed_s"] > 0
    assert report["epochs_per_second"] == pytest.approx(5000 / report["elapsed_s"])


def test_train_weights_round_trip_and_shape_from_file(tmp_path: Path, capsys) -> None:
    first = run_json(["train", "--hidden", "3,2", "--epochs", "100"], capsys)
    saved = write(tmp_path / "out.json", first)  # the whole --json object is accepted
    again = run_json(["train", "--weights", str(saved), "--epochs", "0"], capsys)
    assert again["weights"] == first["weights"]
    assert again["shape"] == "2-3-2-1"
    bare = write(tmp_path / "bare.json", first["weights"])
    assert run_json(["train", "--weights", str(bare), "--epochs", "0"], capsys)["weights"] \
        == first["weights"]


def test_train_stops_on_convergence_and_records_the_loss(capsys) -> None:
    report = run_json(["train", "--seed", "1", "--epochs", "50000", "--stop-on-convergence",
                       "--loss-every", "100"], capsys)
    assert report["status"] == "converged"
    assert report["epochs"] == report["converged_epoch"] < 50_000
    epochs = [e for e, _ in report["loss_history"]]
    assert epochs == list(range(100, report["epochs"] + 1, 100))
    assert all(row["close"] for row in report["truth_table"])


def test_train_summary_without_a_terminal_has_no_progress_bar(capsys) -> None:
    assert main(["train", "--epochs", "200000", "--problem", "and"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "trained 200,000 epochs" in out and "loss" in out and "weights" in out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_does_not_change_the_result(capsys, monkeypatch) -> None:
    plain = run_json(["train", "--epochs", "150000", "--seed", "4"], capsys)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["train", "--epochs", "150000", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "100%" in terminal.getvalue() and "\r[" in terminal.getvalue()
    last = next(line.split("[")[1].strip(" ]") for line in out.splitlines() if "output" in line)
    assert [float(x) for x in last.split(", ")] == pytest.approx(plain["weights"][-1][0],
                                                                 rel=1e-9)


def test_progress_draws_a_bar_only_when_enabled() -> None:
    stream = io.StringIO()
    Progress(200, enabled=False, stream=stream).update(100)
    assert stream.getvalue() == ""
    bar = Progress(200, enabled=True, stream=stream, width=10)
    bar.update(100)
    assert "[#####.....]  50%" in stream.getvalue()


def test_check_reports_agreement(tmp_path: Path, capsys) -> None:
    report = run_json(["check", "--seed", "5", "--hidden", "4"], capsys)
    assert report["ok"] is True
    assert report["max_abs_difference"] < 1e-8
    assert [len(x) for x in report["analytic"]] == [4, 1]
    weights = write(tmp_path / "w.json", [[[1.0, -2.0, 0.5]], [[3.0, -1.0]]])
    report = run_json(["check", "--weights", str(weights), "--activation", "tanh"], capsys)
    assert report["ok"] is True and report["weights"] == [[[1.0, -2.0, 0.5]], [[3.0, -1.0]]]
    assert main(["check"]) == 0
    assert "agree" in capsys.readouterr().out


def test_sweep_reports_every_net_and_the_summary(capsys) -> None:
    report = run_json(["sweep", "--nets", "40", "--epochs", "20000", "--seed", "100"], capsys)
    summary = report["summary"]
    assert len(report["nets"]) == summary["nets"] == 40
    assert [net["seed"] for net in report["nets"]] == list(range(100, 140))
    assert summary["converged"] + summary["stuck"] == 40
    assert summary["stuck"] == sum(net["stuck"] for net in report["nets"])
    assert summary["net_epochs_per_second"] > 0
    assert main(["sweep", "--nets", "40", "--seed", "100"]) == 0
    out = capsys.readouterr().out
    assert f"stuck after 20,000 epochs {summary['stuck']}" in out


def test_sweep_compare_sweeps_the_same_seeds_with_one_setting_changed(capsys) -> None:
    args = ["sweep", "--nets", "30", "--epochs", "5000", "--seed", "7", "--compare", "eta=2",
            "--compare", "hidden=3"]
    report = run_json(args, capsys)
    other = report["compare"]
    assert report["settings"]["eta"] == 0.5 and report["settings"]["hidden"] == [2]
    assert other["settings"]["eta"] == 2.0 and other["settings"]["hidden"] == [3]
    assert other["shape"] == "2-3-1"
    assert [n["seed"] for n in other["nets"]] == [n["seed"] for n in report["nets"]]
    # arm B's net 0 is the trainer's net for seed 7 with those settings
    trainer = Trainer(TrainingConfig(eta=2.0, hidden=(3,), seed=7))
    trainer.run(5000, stop_on_convergence=True)
    assert other["nets"][0]["epochs"] == trainer.epoch
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("A: 30 2-2-1") and "\nB: 30 2-3-1 sigmoid nets on xor" in out
    assert "η = 2," in out


def test_serve_hands_its_options_to_the_server(monkeypatch) -> None:
    calls = []
    fake = types.ModuleType("app.web.server")
    fake.serve = lambda **kwargs: calls.append(kwargs) or 0
    monkeypatch.setitem(sys.modules, "app.web.server", fake)
    assert main(["serve", "--host", "0.0.0.0", "--port", "0", "--open",
                 "--message-queue", "redis://localhost:6379/0", "--allowed-host", "class.lan",
                 "--proxy", "1"]) == 0
    assert main([]) == 0
    assert main(["--port", "8080"]) == 0
    plain = dict(allowed_hosts=(), proxies=None)
    assert calls == [
        dict(host="0.0.0.0", port=0, open_browser=True, message_queue="redis://localhost:6379/0",
             allowed_hosts=("class.lan",), proxies=1),
        dict(host="127.0.0.1", port=5000, open_browser=False, message_queue=None, **plain),
        dict(host="127.0.0.1", port=8080, open_browser=False, message_queue=None, **plain),
    ]


def test_serve_without_a_loadable_server_says_so_in_one_line(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "app.web.server", None)  # import raises ImportError
    assert main(["serve"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "server" in err and "Traceback" not in err


def test_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"backprop-xor {__version__}"


def test_headless_commands_do_not_import_the_server() -> None:
    script = (
        "import sys; from app.cli.main import main\n"
        "assert main(['train', '--epochs', '10', '--json']) == 0\n"
        "assert main(['check', '--json']) == 0\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'flask_socketio')"
        " or m.startswith('app.web.server')]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr


def test_train_simplest_matches_the_scalar_formulas(capsys) -> None:
    """`train --problem simplest`: the derivation's 1-1-1 net without biases, its one
    pattern (s, d), each epoch b = v·s, h = σ(b), a = w·h, r = σ(a), e = d − r,
    δ_o = e·r(1−r), δ_h = h(1−h)·δ_o·w, Δw = η·δ_o·h, Δv = η·δ_h·s."""
    report = run_json(["train", "--problem", "simplest", "--s", "1.5", "--d", "0.25",
                       "--eta", "0.7", "--epochs", "4000"], capsys)
    assert report["shape"] == "1-1-1"
    assert report["settings"]["bias"] is False and report["settings"]["hidden"] == [1]
    [[[v]], [[w]]] = report["initial_weights"]
    s, d, eta = 1.5, 0.25, 0.7
    for _ in range(4000):
        h = 1.0 / (1.0 + math.exp(-(v * s)))
        r = 1.0 / (1.0 + math.exp(-(w * h)))
        e = d - r
        delta_o = e * r * (1.0 - r)
        delta_h = h * (1.0 - h) * delta_o * w
        v, w = v + eta * delta_h * s, w + eta * delta_o * h
    assert report["weights"] == [[[v]], [[w]]]
    (row,) = report["truth_table"]
    assert row["s"] == [1.5] and row["d"] == 0.25 and report["status"] == "converged"
    assert report["loss"] == pytest.approx(0.5 * row["e"] ** 2, rel=1e-15)


def test_bias_and_hidden_override_the_simplest_preset(capsys) -> None:
    report = run_json(["train", "--problem", "simplest", "--bias", "--hidden", "2",
                       "--epochs", "10"], capsys)
    assert report["shape"] == "1-2-1" and [len(row) for row in report["weights"][0]] == [2, 2]
    plain = run_json(["train", "--no-bias", "--epochs", "10"], capsys)
    assert [len(row) for row in plain["weights"][0]] == [2, 2]  # xor, 2 inputs, no bias
    checked = run_json(["check", "--problem", "simplest", "--activation", "tanh"], capsys)
    assert checked["ok"] is True and checked["shape"] == "1-1-1"
    swept = run_json(["sweep", "--problem", "simplest", "--nets", "5", "--epochs", "3000"],
                     capsys)
    assert swept["summary"]["converged"] == 5


def test_a_redis_queue_without_the_redis_extra_is_one_clear_line(monkeypatch, capsys) -> None:
    import app.cli.serve as serve

    real = serve.importlib.util.find_spec
    monkeypatch.setattr(serve.importlib.util, "find_spec",
                        lambda name, *a: None if name == "redis" else real(name, *a))
    assert main(["serve", "--message-queue", "redis://127.0.0.1:6399/0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "backprop-xor[redis]" in err and "--message-queue" in err
