"""The error history: bounded, spanning the run, spikes kept through decimation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.sessions import LossHistory
from app.sessions.history import rebucket


def test_short_runs_keep_every_epoch() -> None:
    history = LossHistory(capacity=16)
    for epoch in range(10):
        history.add(epoch, 1.0 / (epoch + 1))
    assert [p[0] for p in history.points] == list(range(10))
    assert history.width == 1


@pytest.mark.parametrize("epochs", [5_000, 100_000, 1_000_003])
def test_long_runs_stay_bounded_and_span_the_run(epochs: int) -> None:
    history = LossHistory()
    for epoch in range(epochs):
        history.add(epoch, math.sin(epoch))
    assert history.capacity // 2 <= len(history) <= history.capacity
    assert history.points[0][0] < history.width
    assert history.points[-1][0] == epochs - 1
    epochs_seen = [p[0] for p in history.points]
    assert epochs_seen == sorted(epochs_seen)


def test_a_spike_survives_decimation() -> None:
    history = LossHistory(capacity=64)
    for epoch in range(10_000):
        history.add(epoch, 100.0 if epoch == 4321 else 0.5)
    assert max(p[2] for p in history.points) == 100.0
    assert min(p[1] for p in history.points) == 0.5
    spike = [p for p in history.points if p[2] == 100.0]
    assert len(spike) == 1 and spike[0][3] == 0.5  # last sample of that bucket is not the spike


def test_merging_widens_buckets_keeping_min_max_last_and_the_generation() -> None:
    history = LossHistory(capacity=4)
    for epoch, loss in enumerate([3.0, 1.0, 2.0, 5.0]):
        history.add(epoch, loss)
    before = history.points
    history.add(4, 4.0)
    assert history.generation == 0  # nothing was taken away: readers merge their copy
    assert history.width == 2
    assert history.points == [[1, 1.0, 3.0, 1.0], [3, 2.0, 5.0, 5.0], [4, 4.0, 4.0, 4.0]]
    # a reader that had the points before merges them the same way, then goes on
    start = history.bucket_start(before[-1][0])
    assert rebucket(before, history.width)[:start] + history.tail(start) == history.points


def test_a_client_following_frames_keeps_the_servers_curve_through_merges() -> None:
    """Random runs of samples: a copy kept by applying each frame's history equals the server's."""
    import random

    from live_support import apply_history

    from app.sessions.frames import Delivery

    rng = random.Random(7)
    for trial in range(20):
        history = LossHistory(capacity=8)
        delivery, series, epoch = Delivery(), [], 0
        for _ in range(200):
            for _ in range(rng.randint(0, 12)):
                epoch += rng.randint(1, 3)
                history.add(epoch, rng.random())
            frame = _history_frame(history, delivery)
            series = apply_history(series, frame)
            assert series == history.points, trial


def _history_frame(history: LossHistory, delivery) -> dict:
    """The history part of a frame, as build_frame makes it (without a session)."""
    from app.sessions.frames import history_part

    return history_part(history, delivery)


def test_truncate_drops_later_buckets() -> None:
    history = LossHistory()
    for epoch in range(10):
        history.add(epoch, float(epoch))
    generation = history.generation
    history.truncate(4)
    assert [p[0] for p in history.points] == [0, 1, 2, 3, 4]
    assert history.generation == generation + 1


def test_non_finite_losses_are_skipped() -> None:
    history = LossHistory()
    history.add(0, 0.25)
    history.add(1, math.nan)
    history.add(2, math.inf)
    assert history.points == [[0, 0.25, 0.25, 0.25]]


def test_round_trip_and_bad_input() -> None:
    history = LossHistory(capacity=8)
    for epoch in range(40):
        history.add(epoch, 1.0 / (1 + epoch))
    again = LossHistory.from_dict(history.to_dict(), capacity=8)
    assert again.points == history.points and again.width == history.width
    with pytest.raises(ValueError, match=r"^history\.width"):
        LossHistory.from_dict({"width": 3, "points": []})
    with pytest.raises(ValueError, match=r"^history\.points"):
        LossHistory.from_dict({"width": 1, "points": [[0, 1.0, 0.5, 0.7]]})


def test_an_older_export_of_4096_points_imports_merged_down_like_a_long_run() -> None:
    from app.sessions.history import CAPACITY, IMPORT_CAPACITY, LossHistory

    rng = np.random.default_rng(3)
    losses = rng.uniform(0.01, 0.3, IMPORT_CAPACITY)
    points = [[i, v, v, v] for i, v in enumerate(losses.tolist())]
    history = LossHistory.from_dict({"width": 1, "points": points})
    assert CAPACITY // 2 <= len(history) <= CAPACITY and history.width == 2
    merged = history.points
    assert merged[-1][0] == IMPORT_CAPACITY - 1 and merged[-1][3] == losses[-1]  # the last one
    assert min(p[1] for p in merged) == losses.min() and max(p[2] for p in merged) == losses.max()
    # the same run recorded live would have the very same buckets
    live = LossHistory()
    for i, v in enumerate(losses.tolist()):
        live.add(i, v)
    assert live.points == merged
    with pytest.raises(ValueError, match=r"history\.points: need a list of at most 4096"):
        LossHistory.from_dict({"width": 1, "points": [*points, [IMPORT_CAPACITY, 0.1, 0.1, 0.1]]})
