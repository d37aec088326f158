// Drawing the seed sweep: the histogram of epochs to converge (log axis, arms side by side,
// a stuck bar per arm at the right) and the scatter of final losses. (ctx, data, box in CSS px).
import { linearScale, niceTicks, logTicks } from "./scale.js";
import { fmt, fmtCount } from "./format.js";
import { epochScale, barSpan } from "./sweep-view.js";

/** The arms' colours: A the accent, B the theme's orange. */
export const armColors = (theme) => [theme.accent, theme.neg];

/** Clear the box, grid lines at y's ticks (labelled at the left), ticks and a name under x. */
function axes(ctx, theme, box, x, xTicks, name, y, yTicks, yLabel) {
  const s = theme.scale || 1;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, box.width, box.height);
  ctx.font = `${Math.round(11 * s)}px ${theme.mono}`;
  ctx.lineWidth = Math.max(1, Math.round(s));
  ctx.strokeStyle = theme.line;
  ctx.fillStyle = theme.muted;
  ctx.beginPath();
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const v of yTicks) {
    const py = Math.round(y(v)) + 0.5;
    ctx.moveTo(x.range[0], py);
    ctx.lineTo(box.width - 8, py);
    ctx.fillText(yLabel(v), x.range[0] - 6, py);
  }
  const y0 = y.range[0];
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const v of xTicks) {
    const px = Math.round(x(v)) + 0.5;
    ctx.moveTo(px, y0);
    ctx.lineTo(px, y0 + 4);
    ctx.fillText(fmtCount(v), px, y0 + 6);
  }
  ctx.stroke();
  ctx.fillText(name, (x.range[0] + x.range[1]) / 2, y0 + 8 + 12 * s);
}

/** data: {view (decoded sweep), theme}. */
export function drawHistogram(ctx, { view, theme }, box) {
  const s = theme.scale || 1;
  const n = view.arms.length;
  const stuckW = Math.max(34 * s, box.width * 0.08);
  const sx = box.width - 8 - stuckW; // the stuck bars start here
  const x = epochScale(view.edges, [44 * s, sx - 30 * s]); // room for a centred last tick label
  const most = Math.max(1, ...view.arms.flatMap((a) => [a.stuck, ...a.histogram]));
  const yTicks = niceTicks(0, most, 4).filter(Number.isInteger);
  const y = linearScale([0, Math.max(most, yTicks.at(-1))], [box.height - 34 * s, 14 * s]);
  const [e0, e1] = x.domain;
  axes(ctx, theme, box, x, x.log ? logTicks(e0, e1) : niceTicks(e0, e1, 4), "epochs to converge (log scale)", y, yTicks, fmtCount);
  const base = y.range[0];
  const w = stuckW / n;
  ctx.textBaseline = "bottom";
  ctx.font = `bold ${Math.round(12 * s)}px ${theme.mono}`;
  armColors(theme).slice(0, n).forEach((color, i) => {
    const arm = view.arms[i];
    ctx.fillStyle = color;
    arm.histogram.forEach((count, k) => {
      const bar = barSpan(x, view.edges, k, i, n);
      if (count) ctx.fillRect(bar.x, y(count), bar.w, base - y(count));
    });
    ctx.fillRect(sx + i * w + 1, y(arm.stuck), w - 2, base - y(arm.stuck));
    ctx.fillText(fmtCount(arm.stuck), sx + (i + 0.5) * w, y(arm.stuck) - 2);
  });
  ctx.fillStyle = theme.ink;
  ctx.textBaseline = "top";
  ctx.fillText("stuck", sx + stuckW / 2, base + 6);
  ctx.strokeStyle = theme.muted;
  ctx.setLineDash([4 * s, 4 * s]);
  ctx.beginPath();
  ctx.moveTo(sx - 6, y.range[1]);
  ctx.lineTo(sx - 6, base);
  ctx.stroke();
  ctx.setLineDash([]);
}

/** data: {view, theme, geometry (scatterGeometry; null while running), hover: a point or null}. */
export function drawScatter(ctx, { view, theme, geometry, hover }, box) {
  ctx.fillStyle = theme.bg; // blank until the sweep stops and every net's loss is known
  ctx.fillRect(0, 0, box.width, box.height);
  if (!geometry) {
    Object.assign(ctx, { fillStyle: theme.muted, textAlign: "center", font: `${Math.round(14 * (theme.scale || 1))}px ${theme.font}` });
    return ctx.fillText("every net's final loss, once the sweep stops", box.width / 2, box.height / 2);
  }
  const { x, y, points } = geometry;
  const s = theme.scale || 1;
  const xTicks = niceTicks(...x.domain, Math.max(2, Math.floor(box.width / (80 * s)))).filter(Number.isInteger);
  axes(ctx, theme, box, x, xTicks, "seed", y, logTicks(...y.domain, 5), (v) => fmt(v, 2));
  const r = 2 * s;
  const c = 3.5 * s;
  ctx.lineWidth = 1.6 * s;
  for (const stuck of [false, true]) {
    armColors(theme).slice(0, view.arms.length).forEach((color, i) => {
      ctx.beginPath();
      for (const p of points) {
        if (p.i !== i || p.stuck !== stuck) continue;
        if (stuck) {
          ctx.moveTo(p.x - c, p.y - c);
          ctx.lineTo(p.x + c, p.y + c);
          ctx.moveTo(p.x - c, p.y + c);
          ctx.lineTo(p.x + c, p.y - c);
        } else {
          ctx.moveTo(p.x + r, p.y);
          ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
        }
      }
      ctx.strokeStyle = ctx.fillStyle = color;
      if (stuck) ctx.stroke();
      else ctx.fill();
    });
  }
  if (!hover) return;
  ctx.strokeStyle = theme.focus;
  ctx.lineWidth = 2.5 * s;
  ctx.beginPath();
  ctx.arc(hover.x, hover.y, 7 * s, 0, 2 * Math.PI);
  ctx.stroke();
}
