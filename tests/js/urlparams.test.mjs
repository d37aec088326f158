import test from "node:test";
import assert from "node:assert/strict";
import { settingsToQuery, queryToSettings, parseSetting } from "../../static/js/urlparams.js";

const TABLE = {
  problem: { kind: "choice", choices: ["xor", "and"] },
  hidden: { kind: "layout", min_layers: 1, max_layers: 3, min: 1, max: 8 },
  eta: { kind: "number", min: 0, max: 1e6 },
  seed: { kind: "integer", min: 0, max: 2 ** 32 - 1 },
};

test("settings round-trip through the query string", () => {
  const settings = { problem: "and", hidden: [3, 2], eta: 0.25, seed: 42, unknown: 1 };
  const query = settingsToQuery(settings, TABLE);
  assert.equal(query, "problem=and&hidden=3%2C2&eta=0.25&seed=42");
  const back = queryToSettings(`?${query}`, TABLE);
  assert.deepEqual(back, { settings: { problem: "and", hidden: [3, 2], eta: 0.25, seed: 42 }, errors: [] });
});

test("bad values are reported by name and left out; unknown names ignored", () => {
  const { settings, errors } = queryToSettings("problem=nope&hidden=9&eta=-1&seed=1.5&foo=1", TABLE);
  assert.deepEqual(settings, {});
  assert.equal(errors.length, 4);
  assert.match(errors[0], /^problem/);
  assert.match(errors[1], /^hidden/);
  assert.deepEqual(parseSetting("hidden", "1,2,3,4", TABLE.hidden).error !== undefined, true);
  assert.deepEqual(parseSetting("eta", "1e-3", TABLE.eta), { value: 0.001 });
});

test("a switch setting (bias) reads true or false, in a link too", async () => {
  const { parseSetting, queryToSettings, settingsToQuery } = await import("../../static/js/urlparams.js");
  const spec = { kind: "switch", default: true };
  assert.deepEqual(parseSetting("bias", "false", spec), { value: false });
  assert.deepEqual(parseSetting("bias", "1", spec), { value: true });
  assert.match(parseSetting("bias", "maybe", spec).error, /^bias: need true or false/);
  const table = { bias: spec, problem: { kind: "choice", choices: ["simplest", "xor"] } };
  const query = settingsToQuery({ bias: false, problem: "simplest" }, table);
  assert.deepEqual(queryToSettings(`?${query}`, table).settings, { bias: false, problem: "simplest" });
});
