// Settings in the URL query (a link that reproduces the setup), checked against the settings
// table from /api/settings. Pure.

/** Parse one setting's text from the query by its kind; returns {value} or {error}. */
export function parseSetting(name, text, spec) {
  switch (spec.kind) {
    case "switch":
      if (["true", "1", "on"].includes(text)) return { value: true };
      if (["false", "0", "off"].includes(text)) return { value: false };
      return { error: `${name}: need true or false` };
    case "choice":
      return spec.choices.includes(text) ? { value: text } : { error: `${name}: ${text} is not one of ${spec.choices.join(", ")}` };
    case "layout": {
      const parts = text.split(",").map((p) => p.trim());
      const counts = parts.map(Number);
      const ok = parts.every((p) => /^\d+$/.test(p)) && counts.length >= spec.min_layers && counts.length <= spec.max_layers
        && counts.every((n) => n >= spec.min && n <= spec.max);
      return ok ? { value: counts } : { error: `${name}: need ${spec.min_layers} to ${spec.max_layers} layers of ${spec.min} to ${spec.max} neurons` };
    }
    case "integer": {
      const n = Number(text);
      return /^\d+$/.test(text) && n >= spec.min && n <= spec.max ? { value: n } : { error: `${name}: need a whole number from ${spec.min} to ${spec.max}` };
    }
    default: {
      const n = Number(text);
      return text !== "" && Number.isFinite(n) && n >= spec.min && n <= spec.max ? { value: n } : { error: `${name}: need a number from ${spec.min} to ${spec.max}` };
    }
  }
}

/** Query string (without "?") holding every setting in `settings` that the table knows. */
export function settingsToQuery(settings, table) {
  const params = new URLSearchParams();
  for (const name of Object.keys(table)) {
    if (!(name in settings)) continue;
    const value = settings[name];
    params.set(name, Array.isArray(value) ? value.join(",") : String(value));
  }
  return params.toString();
}

/** Settings from a query string: {settings, errors}; unknown names are ignored. */
export function queryToSettings(search, table) {
  const params = new URLSearchParams(search);
  const settings = {};
  const errors = [];
  for (const [name, text] of params) {
    if (!Object.hasOwn(table, name)) continue;
    const parsed = parseSetting(name, text, table[name]);
    if ("error" in parsed) errors.push(parsed.error);
    else settings[name] = parsed.value;
  }
  return { settings, errors };
}
