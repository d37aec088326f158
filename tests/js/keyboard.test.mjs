import test from "node:test";
import assert from "node:assert/strict";
import { actionFor } from "../../static/js/keyboard.js";

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
