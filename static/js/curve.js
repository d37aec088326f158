// Drawing the error curve: drawCurve(ctx, data, box). The loss (mean of l = ½e² over the 4
// patterns) against epochs: a min-max band and the last value per bucket, linear or log,
// marks for settings changes, steps back, resets and edits (their labels placed by labels.js:
// marks at one epoch merge, nearby ones stack, and they keep off the loss line). Text and
// strokes follow the theme's drawing scale. No globals.
import { linearScale, logScale, niceTicks, logTicks, lossDomain } from "./scale.js";
import { fmt, fmtCount } from "./format.js";
import { markLabels } from "./labels.js";

/** The curve's text: axis labels and mark labels, at drawing scale `s`. */
export const curveFont = (theme, s = theme.scale || 1) => `${Math.round(11 * s)}px ${theme.mono}`;

/** data: {points, marks, log, theme, epoch}; box: {width, height}. Returns the mark labels drawn. */
export function drawCurve(ctx, data, box) {
  const { theme, points } = data;
  const s = theme.scale || 1;
  const pad = { left: 58 * s, right: 14 * s, top: 14 * s, bottom: 34 * s };
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, box.width, box.height);
  const values = [];
  for (const p of points) values.push(p[1], p[2]);
  const [y0, y1] = lossDomain(values, data.log);
  const lastEpoch = Math.max(10, data.epoch ?? 0, points.length ? points[points.length - 1][0] : 0);
  const x = linearScale([0, lastEpoch], [pad.left, box.width - pad.right]);
  const y = (data.log ? logScale : linearScale)([y0, y1], [box.height - pad.bottom, pad.top]);

  // grid and axes
  ctx.font = curveFont(theme, s);
  ctx.fillStyle = theme.muted;
  ctx.strokeStyle = theme.line;
  ctx.lineWidth = Math.max(1, Math.round(s));
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const yTicks = data.log ? logTicks(y0, y1, 5) : niceTicks(y0, y1, 4);
  for (const v of yTicks) {
    const py = Math.round(y(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(pad.left, py);
    ctx.lineTo(box.width - pad.right, py);
    ctx.stroke();
    ctx.fillText(fmt(v, 2), pad.left - 6 * s, py);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const v of niceTicks(0, lastEpoch, Math.max(2, Math.floor(box.width / (90 * s))))) {
    if (!Number.isInteger(v)) continue;
    const px = Math.round(x(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, box.height - pad.bottom);
    ctx.lineTo(px, box.height - pad.bottom + 4 * s);
    ctx.stroke();
    ctx.fillText(fmtCount(v), px, box.height - pad.bottom + 6 * s);
  }
  ctx.fillText("epochs done", (pad.left + box.width - pad.right) / 2, box.height - 14 * s);

  // marks: a dashed line each, their labels merged and stacked where they would overprint
  const marks = data.marks || [];
  ctx.setLineDash([4 * s, 4 * s]);
  for (const m of marks) {
    const px = Math.round(x(m.epoch)) + 0.5;
    ctx.strokeStyle = m.kind === "back" ? theme.warn : theme.accent;
    ctx.beginPath();
    ctx.moveTo(px, pad.top);
    ctx.lineTo(px, box.height - pad.bottom);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  // the labels keep off the loss line where they can
  const line = points.map((p) => [x(p[0]), y(p[3])]);
  const labels = markLabels(marks, { x, top: pad.top, bottom: box.height - pad.bottom, right: box.width, measure: (text) => ctx.measureText(text).width, s, line });
  ctx.textBaseline = "middle";
  ctx.textAlign = "center";
  for (const label of labels) {
    const { x: bx, y: by, w, h } = label.box;
    ctx.fillStyle = theme.bg;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(bx, by, w, h);
    ctx.globalAlpha = 1;
    ctx.fillStyle = label.kinds.every((k) => k === "back") ? theme.warn : theme.accent;
    ctx.fillText(label.text, bx + w / 2, by + h / 2);
  }
  if (!points.length) return labels;

  // band: min..max of each bucket
  ctx.fillStyle = theme.accent;
  ctx.globalAlpha = 0.2;
  ctx.beginPath();
  points.forEach((p, i) => (i ? ctx.lineTo(x(p[0]), y(p[2])) : ctx.moveTo(x(p[0]), y(p[2]))));
  for (let i = points.length - 1; i >= 0; i--) ctx.lineTo(x(points[i][0]), y(points[i][1]));
  ctx.closePath();
  ctx.fill();
  ctx.globalAlpha = 1;
  // line: the last loss of each bucket
  ctx.strokeStyle = theme.accent;
  ctx.lineWidth = 2.5 * s;
  ctx.lineJoin = "round";
  ctx.beginPath();
  points.forEach((p, i) => (i ? ctx.lineTo(x(p[0]), y(p[3])) : ctx.moveTo(x(p[0]), y(p[3]))));
  ctx.stroke();
  const last = points[points.length - 1];
  ctx.fillStyle = theme.accent;
  ctx.beginPath();
  ctx.arc(x(last[0]), y(last[3]), 4 * s, 0, Math.PI * 2);
  ctx.fill();
  return labels;
}
