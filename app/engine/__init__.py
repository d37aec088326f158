"""The engine: backpropagation as in Croft's derivation, pure (no Flask, sockets or threads).

    from app.engine import Trainer, TrainingConfig
    trainer = Trainer(TrainingConfig(hidden=(2,), eta=0.5, seed=1))
    trace = trainer.step_phase()      # forward, error, delta_output, delta_hidden, update
    trainer.run(10_000, loss_every=100)
"""

from .config import SETTINGS, TrainingConfig, check_setting
from .fast import RunResult
from .network import Shape, initial_weights
from .problems import BOOLEAN_FUNCTIONS, PATTERNS, PROBLEM_NAMES, targets
from .status import CONVERGED_STATE, DIVERGED_STATE, TRAINING
from .trace import PHASES, PatternTrace
from .trainer import Trainer
from .undo import UNDO_DEPTH
from .warm import compile_shape

__all__ = [
    "BOOLEAN_FUNCTIONS", "CONVERGED_STATE", "DIVERGED_STATE", "PATTERNS", "PHASES",
    "PROBLEM_NAMES", "SETTINGS", "TRAINING", "UNDO_DEPTH", "PatternTrace", "RunResult",
    "Shape", "Trainer", "TrainingConfig", "check_setting", "compile_shape", "initial_weights",
    "targets",
]
