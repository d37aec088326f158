// The viewer's own preferences (numbers on every weight, log scale, projector mode), kept in
// localStorage across visits; ?projector=1 in the link turns projector mode on. Pure over the
// storage and the query string it is given.

export const PREFS = ["numbers", "log", "projector"];
const key = (name) => `backprop-xor-${name}`;

/** {numbers, log, projector} from `storage` (null-safe: private mode) and the query `search`. */
export function loadPrefs(storage, search = "") {
  const prefs = {};
  for (const name of PREFS) {
    try { prefs[name] = storage?.getItem(key(name)) === "1"; } catch { prefs[name] = false; }
  }
  if (new URLSearchParams(search).get("projector") === "1") prefs.projector = true;
  return prefs;
}

/** Remember one preference (silently not, where storage is unavailable). */
export function savePref(storage, name, value) {
  try { storage?.setItem(key(name), value ? "1" : "0"); } catch { /* private mode */ }
}
