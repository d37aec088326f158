// Lessons on the page (lesson-view.js, tailor.js) and the shipped lesson files: every line a
// step highlights is a line the panel shows for the step's selection.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { stepView, refKey, toSelection, moveTo, lessonKey, pollLine } from "../../static/js/lesson-view.js";
import { tailorFromSearch, tailorToQuery, withTailor, HIDEABLE } from "../../static/js/tailor.js";
import { derivation } from "../../static/js/derive.js";

const folder = new URL("../../app/lessons/", import.meta.url);
const LESSONS = readdirSync(folder).filter((n) => n.endsWith(".json")).map((n) => JSON.parse(readFileSync(new URL(n, folder))));

/** A frame of the step's network shape (zero weights, no trace): what the panel lays out. */
function frameFor(settings) {
  const hidden = settings.hidden ?? (settings.problem === "simplest" ? [1] : [2]);
  const bias = settings.bias ?? settings.problem !== "simplest";
  const inputs = settings.problem === "simplest" ? 1 : 2;
  const sizes = [inputs, ...hidden, 1];
  const weights = sizes.slice(1).map((n, l) => Array.from({ length: n }, () => new Array(sizes[l] + (bias ? 1 : 0)).fill(0)));
  return { weights, trace: null, settings: { activation: "sigmoid", eta: 0.5, alpha: 0, ...settings, bias } };
}

test("the shipped lessons: each step's highlighted lines are on the panel for its selection", () => {
  assert.ok(LESSONS.some((l) => l.name === "momentum"));
  for (const lesson of LESSONS) {
    lesson.steps.forEach((step, k) => {
      const where = `${lesson.name} step ${k + 1}`;
      const panel = step.highlight?.panel ?? [];
      if (!panel.length) return;
      assert.ok(step.select, `${where}: highlights panel lines but selects nothing`);
      const ids = new Set(derivation(step.select, frameFor(step.settings ?? {})).sections.map((s) => s.id));
      for (const id of panel) assert.ok(ids.has(id), `${where}: the panel has no line ${id} (it has ${[...ids].join(", ")})`);
    });
  }
});

const LESSON = {
  name: "walk", title: "A walk",
  steps: [
    { title: "One", section: "Simplest case", text: "Look.", select: { kind: "neuron", layer: 1, index: 0 }, highlight: { network: [{ kind: "weight", layer: 0, neuron: 0, input: 1 }], panel: ["output"] } },
    { title: "Two", section: "Output layer", text: "Look again.", poll: { kind: "stuck" } },
  ],
};

test("stepView: the card's words and what to highlight, from the frame's place", () => {
  const view = stepView(LESSON, { name: "walk", step: 0, steps: 2, title: "One" });
  assert.equal(view.counter, "Step 1 of 2");
  assert.equal(view.first, true);
  assert.equal(view.last, false);
  assert.deepEqual([view.lessonTitle, view.title, view.section, view.text], ["A walk", "One", "Simplest case", "Look."]);
  assert.deepEqual(view.select, { kind: "neuron", layer: 1, index: 0 });
  assert.deepEqual([...view.network], ["weight:0:0:1"]);
  assert.deepEqual([...view.panel], ["output"]);
  const second = stepView(LESSON, { name: "walk", step: 1, steps: 2, title: "Two" });
  assert.equal(second.last, true);
  assert.equal(second.select, null);
  assert.deepEqual(second.poll, { kind: "stuck" });
  // the lesson still loading (or another one): the frame's title, nothing highlighted
  const loading = stepView(null, { name: "walk", step: 1, steps: 2, title: "Two" });
  assert.deepEqual([loading.title, loading.text, loading.network.size], ["Two", "", 0]);
  assert.equal(stepView(LESSON, null), null);
});

test("references, moves and keys", () => {
  assert.equal(refKey({ kind: "neuron", layer: 2, index: 0 }), "neuron:2:0");
  assert.deepEqual(toSelection({ kind: "weight", layer: 1, neuron: 0, input: 2 }), { kind: "weight", layer: 1, neuron: 0, input: 2 });
  assert.equal(moveTo(0, 3, "next"), 1);
  assert.equal(moveTo(2, 3, "next"), null);
  assert.equal(moveTo(0, 3, "prev"), null);
  assert.equal(moveTo(2, 3, "prev"), 1);
  assert.equal(lessonKey({ key: "PageDown" }), "next");
  assert.equal(lessonKey({ key: "[" }), "prev");
  assert.equal(lessonKey({ key: "PageUp", ctrlKey: true }), null);
  assert.equal(lessonKey({ key: "ArrowRight" }), null); // → still steps a phase
  assert.equal(pollLine({ kind: "stuck" }, true), "Poll for the room: Is this network stuck?");
  assert.match(pollLine({ kind: "weight_direction", question: "Up or down?" }, false), /^Think first: Up or down\? Then step/);
  assert.equal(pollLine(null, true), "");
});

test("tailoring links: a lesson at a step and hidden parts round-trip through the URL", () => {
  const query = tailorToQuery({ lesson: "derivation", step: 2, hide: ["sweep", "controls"] });
  assert.equal(query, "lesson=derivation&step=3&hide=controls,sweep");
  assert.deepEqual(tailorFromSearch(`?${query}`), { lesson: "derivation", step: 2, hide: ["controls", "sweep"], errors: [] });
  assert.equal(tailorToQuery({}), "");
  assert.equal(withTailor("?seed=5&lesson=old&step=9&hide=truth", { lesson: null, hide: ["curve"] }), "seed=5&hide=curve");
  assert.equal(withTailor("?seed=5", { lesson: "momentum", step: 0 }), "seed=5&lesson=momentum&step=1");
  const bad = tailorFromSearch("?lesson=../x&step=0&hide=truth,clock,truth");
  assert.deepEqual([bad.lesson, bad.step, bad.hide], [null, 0, ["truth"]]);
  assert.equal(bad.errors.length, 3);
  assert.match(bad.errors[0], /^lesson:/);
  assert.match(bad.errors[1], /^step:/);
  assert.match(bad.errors[2], /^hide: clock is not one of controls, settings/);
  assert.ok(Object.keys(HIDEABLE).includes("derivation"));
});
