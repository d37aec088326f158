// Downloads: PNG of a canvas, JSON, CSV; and reading an uploaded JSON file.
import { shapeOf } from "./layout.js";

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

/** A canvas as a PNG download (its whole backing store: png.js draws exports at 2× or more). */
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

/** A file name stamp: the problem, the layout (2-2-1) and the epochs done. */
export function fileStem(frame) {
  const s = frame?.settings ?? {};
  const layout = shapeOf(frame).sizes.join("-");
  return `backprop-${s.problem ?? "xor"}-${layout}-epoch${frame?.epoch ?? 0}`;
}
