// Phase animation of a traced step: which phases to play when a new trace arrives, and where
// the animation is at a given time. Pure.
import { PHASE_ORDER } from "./derive.js";

/** Phases to animate going from `previous` trace to `trace` (none when nothing new). */
export function phasesToPlay(previous, trace) {
  if (!trace) return [];
  const to = PHASE_ORDER.indexOf(trace.phase);
  if (to < 0) return [];
  const same = previous && previous.epoch === trace.epoch && previous.pattern === trace.pattern;
  const from = same ? PHASE_ORDER.indexOf(previous.phase) + 1 : 0;
  if (same && from > to) return [];
  // error and δ output happen at the output neuron: animate them together as one pulse
  return PHASE_ORDER.slice(from, to + 1);
}

/** An animation record starting at `now` playing `phases`, `perPhase` ms each. */
export function startAnimation(phases, now, perPhase) {
  return phases.length ? { phases, start: now, perPhase } : null;
}

/** {phase, t in [0, 1]} at time `now`, or null when the animation is over. */
export function animationAt(anim, now) {
  if (!anim) return null;
  const elapsed = now - anim.start;
  const k = Math.floor(elapsed / anim.perPhase);
  if (elapsed < 0) return { phase: anim.phases[0], t: 0 };
  if (k >= anim.phases.length) return null;
  return { phase: anim.phases[k], t: (elapsed - k * anim.perPhase) / anim.perPhase };
}
