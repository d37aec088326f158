"""A new network shape compiles before the session's lock is taken, so neither the session's
frames and commands nor the shared kernel pool (every session's run) wait for numba."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import app.sessions.session as session_module
import app.sessions.transfer as transfer_module
from app.engine import Trainer, TrainingConfig
from app.engine.kernels import kernels_for
from app.sessions import Session


def watch_the_lock(monkeypatch: Any, module: Any, session: Session) -> list[bool]:
    """Wrap `module.compile_shape`: while it runs, another thread tries the session's lock.
    Returns the list of those tries (True: the lock was free during the compile)."""
    real, tries = module.compile_shape, []

    def compile_shape(config: TrainingConfig) -> None:
        def try_the_lock() -> None:
            got = session.lock._lock.acquire(timeout=5)
            tries.append(got)
            if got:
                session.lock._lock.release()

        other = threading.Thread(target=try_the_lock)
        other.start()
        other.join()
        real(config)

    monkeypatch.setattr(module, "compile_shape", compile_shape)
    return tries


@pytest.mark.parametrize("hidden,bias", [((3, 2), False), ((1,), True)])
def test_configure_compiles_a_new_shape_outside_the_lock(monkeypatch, hidden, bias) -> None:
    session = Session("s", lambda fn, *a: None)
    tries = watch_the_lock(monkeypatch, session_module, session)
    settings, restarted = session.configure({"hidden": list(hidden), "bias": bias})
    assert restarted and settings["hidden"] == list(hidden)
    assert tries == [True], "the session's lock was held while the shape compiled"
    kernels = kernels_for((2, *hidden, 1), bias)
    # what a run's pool turn and the session's read-outs call is compiled already
    for name in ("train", "loss", "outputs_over"):
        assert getattr(kernels, name).signatures, name
    session.close()


def test_an_import_compiles_its_shape_before_the_importing_sessions_lock(monkeypatch) -> None:
    elsewhere = Session("t", lambda fn, *a: None)
    elsewhere.trainer = Trainer(TrainingConfig(hidden=(3,), bias=False))  # no compile yet
    state = elsewhere.export()
    session = Session("s", lambda fn, *a: None)
    tries = watch_the_lock(monkeypatch, transfer_module, session)
    session.import_state(state)
    assert tries == [True]
    assert kernels_for((2, 3, 1), False).train.signatures
    session.close()
    elsewhere.close()
