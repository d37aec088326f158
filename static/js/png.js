// PNG exports: a canvas's picture drawn again at the device pixel ratio (at least 2×, sharp in a
// handout or slide) with a caption band naming the run: problem, layout, activation, η, α,
// epochs done and the loss. The caption's words are pure (captionText); the rest draws.
import { fmt, epochsDone } from "./format.js";
import { shapeOf } from "./layout.js";

/** "xor · 2-2-1 · sigmoid · η = 0.5 · α = 0 · 1 265 epochs done · L = 0.00312". */
export function captionText(frame) {
  const s = frame?.settings ?? {};
  const layout = shapeOf(frame).sizes.join("-");
  const parts = [s.problem ?? "xor", layout, s.activation ?? "sigmoid", `η = ${s.eta}`, `α = ${s.alpha}`, epochsDone(frame?.epoch ?? 0)];
  if (Number.isFinite(frame?.loss)) parts.push(`L = ${fmt(frame.loss)}`);
  return parts.join(" · ");
}

/** The export's pixel ratio: the screen's, at least 2. */
export const exportScale = (dpr = globalThis.devicePixelRatio || 1) => Math.max(2, Math.ceil(dpr));

/**
 * A new canvas holding `picture` ({width, height, draw(ctx)} in CSS pixels) at `scale`, with a
 * caption band of `caption` below it in the theme's colours. Returns the canvas.
 */
export function captioned(picture, { caption, theme, scale = exportScale() }) {
  const s = theme.scale || 1;
  const band = Math.round(30 * s);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(picture.width * scale);
  canvas.height = Math.round((picture.height + band) * scale);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  picture.draw(ctx);
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, picture.height, picture.width, band);
  ctx.strokeStyle = theme.line;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, picture.height + 0.5);
  ctx.lineTo(picture.width, picture.height + 0.5);
  ctx.stroke();
  ctx.fillStyle = theme.ink;
  ctx.font = `${Math.round(13 * s)}px ${theme.font}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.fillText(caption, 10 * s, picture.height + band / 2, picture.width - 20 * s);
  return canvas;
}
