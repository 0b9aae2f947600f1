// Proof of work (docs/api.md "Proof of work"): a chat ticket, and a hold of a sku whose deal is running, carry a solved
// ALTCHA challenge (GET /challenges) in the X-Altcha header when the stack asks for one (RequireProofOfWork). The
// pages always attach one, so they need not know the setting. Solved in Web Workers (npm altcha's SHA worker driven by
// its solveChallengeWorkers, bundled into vendor/altcha/ at build time) ahead of time: from the viewer's first
// interaction one solution is kept ready, and a spent one is replaced at once, so nobody waits for it; a passive
// viewer costs no call. Without the bundle or the route nothing is attached, which a stack with it off accepts.
import { api } from './api.js';

export const HEADER = 'X-Altcha';
const SOLVER = 'vendor/altcha/altcha-solver.min.js';
const WORKER = 'vendor/altcha/sha-worker.js';
/** A kept solution this close to its challenge's expiry is replaced instead of sent. */
const MARGIN_MS = 30000;

/** Every solve's time in ms (performance.now around the workers): the browser test prints it (ALTCHA solve: N ms). */
const solveTimes = [];
window.liveshopProofOfWork = { solveTimes };

let kept = null;

/** Starts solving one in the background, unless one is kept or on its way. */
export function prepare() {
  if (!kept) kept = solveOne();
  return kept;
}

/** Solves a challenge on the viewer's first interaction with the page, before it is needed. */
export function prepareOnFirstInteraction() {
  const once = () => {
    for (const type of ['pointerdown', 'keydown', 'focusin']) window.removeEventListener(type, once, true);
    prepare();
  };
  for (const type of ['pointerdown', 'keydown', 'focusin']) window.addEventListener(type, once, { capture: true, passive: true });
}

/**
 * The X-Altcha value for one request (each is spent by the request it goes with), or null when none could be solved;
 * the next one starts at once. `fresh`: never the kept one (after a CHALLENGE_INVALID answer).
 */
export async function solution({ fresh = false } = {}) {
  let mine = fresh ? null : await prepare();
  kept = null;
  if (!mine || mine.expiresAt - Date.now() < MARGIN_MS) mine = await solveOne();
  prepare();
  return mine ? mine.payload : null;
}

async function solveOne() {
  try {
    const lib = await loadSolver();
    if (!lib) return null;
    const challenge = await api('GET', '/challenges');
    const expires = /[?&]expires=(\d+)/.exec(challenge.salt || '');
    const start = performance.now();
    const payload = await lib.solve(challenge, {
      workerUrl: new URL(WORKER, import.meta.url).href,
      concurrency: Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)),
    });
    solveTimes.push(Math.round(performance.now() - start));
    if (!payload) return null;
    return { payload, expiresAt: expires ? Number(expires[1]) * 1000 : Date.now() + MARGIN_MS };
  } catch (e) {
    return null; // no route (an older stack) or no network: the request goes without, and says why if refused
  }
}

let solver;
function loadSolver() {
  if (!solver) {
    solver = window.LiveshopAltcha ? Promise.resolve(window.LiveshopAltcha) : new Promise(resolve => {
      const script = document.createElement('script');
      script.src = new URL(SOLVER, import.meta.url).href;
      script.onload = () => resolve(window.LiveshopAltcha || null);
      script.onerror = () => resolve(null);
      document.head.append(script);
    });
  }
  return solver;
}
