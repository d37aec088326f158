import test from "node:test";
import assert from "node:assert/strict";
import { actionFor, ownsKey } from "../../static/js/keyboard.js";

test("shortcut keys map to actions; modified keys do not", () => {
  assert.equal(actionFor({ key: " " }), "run");
  assert.equal(actionFor({ key: "ArrowRight" }), "step-phase");
  assert.equal(actionFor({ key: "ArrowRight", shiftKey: true }), "step-pattern");
  assert.equal(actionFor({ key: "ArrowLeft" }), "back");
  assert.equal(actionFor({ key: "r" }), "reset");
  assert.equal(actionFor({ key: "?" }), "help");
  assert.equal(actionFor({ key: "r", ctrlKey: true }), null, "ctrl+r reloads, not resets");
  assert.equal(actionFor({ key: "x" }), null);
});

test("a focused control owns its keys", () => {
  const input = (type) => ({ tagName: "INPUT", type });
  assert.ok(ownsKey(input("text"), "r"), "typing a value");
  assert.ok(ownsKey(input("text"), "ArrowLeft"));
  assert.ok(ownsKey({ tagName: "SELECT" }, "ArrowDown"));
  assert.ok(ownsKey(input("range"), "ArrowRight"), "the speed slider's arrows change the speed");
  assert.ok(ownsKey(input("range"), "Home"));
  assert.ok(!ownsKey(input("range"), " "), "space still runs");
  assert.ok(!ownsKey(input("range"), "r"));
  assert.ok(ownsKey(input("checkbox"), " "));
  assert.ok(!ownsKey(input("checkbox"), "ArrowRight"));
  assert.ok(ownsKey({ tagName: "BUTTON" }, " "));
  assert.ok(!ownsKey({ tagName: "BUTTON" }, "ArrowRight"), "arrows on a button still step");
  const canvas = { tagName: "CANVAS", dataset: { keys: "network" } };
  assert.ok(ownsKey(canvas, "ArrowLeft") && ownsKey(canvas, "Enter"));
  assert.ok(!ownsKey(canvas, " ") && !ownsKey(canvas, "e"), "space and E still run and step");
  assert.ok(!ownsKey({ tagName: "BODY" }, "ArrowRight"));
  assert.ok(!ownsKey(null, "r"));
});
