// Downloads: PNG of a canvas, JSON, CSV; and reading an uploaded JSON file.

/** Offer `blob` as a download named `name`. */
export function downloadBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Text as a download. */
export function downloadText(text, name, type) {
  downloadBlob(new Blob([text], { type }), name);
}

/** A canvas as a PNG download (the full-resolution backing store). */
export function downloadCanvas(canvas, name) {
  canvas.toBlob((blob) => blob && downloadBlob(blob, name), "image/png");
}

/** Parse the JSON of a chosen file; rejects with a readable message. */
export async function readJSONFile(file) {
  const text = await file.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file.name}: not JSON (${error.message})`);
  }
}

/** A file name stamp: settings problem, layout and epoch. */
export function fileStem(frame) {
  const s = frame?.settings ?? {};
  const layout = Array.isArray(s.hidden) ? s.hidden.join("-") : "net";
  return `backprop-${s.problem ?? "xor"}-2-${layout}-1-epoch${frame?.epoch ?? 0}`;
}
