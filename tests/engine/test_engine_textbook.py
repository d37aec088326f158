"""The textbook step: the derivation's symbols, and the engine's weights to the last bit."""

from __future__ import annotations

import ast
import inspect
import random

import pytest

from app.engine import PATTERNS, Trainer, TrainingConfig, targets, textbook


def random_net(seed: int) -> tuple[list[list[float]], list[float]]:
    rng = random.Random(seed)
    return [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(2)], \
        [rng.uniform(-2, 2) for _ in range(3)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_textbook_step_is_the_traced_step_bit_for_bit(seed: int) -> None:
    v, w = random_net(seed)
    trainer = Trainer(TrainingConfig(), [v, [w]])
    d = targets("xor").tolist()
    for n in range(8000):  # 2,000 epochs, pattern by pattern
        p = n % 4
        v, w, l = textbook.step(v, w, PATTERNS[p].tolist(), d[p], 0.5)  # noqa: E741
        trace = trainer.step_pattern()
        assert trace.l == l
        assert trainer.weights() == [v, [w]]


def test_the_textbook_epochs_are_the_fast_paths_bit_for_bit() -> None:
    v, w = random_net(4)
    trainer = Trainer(TrainingConfig(eta=0.9), [v, [w]])
    trainer.run(3000)
    d = targets("xor").tolist()
    for _ in range(3000):
        for p in range(4):
            v, w, _ = textbook.step(v, w, PATTERNS[p].tolist(), d[p], 0.9)
    assert trainer.weights() == [v, [w]]


def test_a_student_finds_every_symbol_of_the_derivation() -> None:
    tree = ast.parse(inspect.getsource(textbook.step))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {arg.arg for node in ast.walk(tree) if isinstance(node, ast.arguments)
              for arg in node.args}
    assert {"s", "v", "b", "h", "w", "a", "r", "d", "e", "l", "δ_o", "δ_h", "η", "σ", "Δw",
            "Δv"} <= names
    assert len(inspect.getsource(textbook).splitlines()) <= 40
