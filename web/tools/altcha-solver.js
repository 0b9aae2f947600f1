// Bundled by esbuild (local/liveshop-local/pom.xml) into vendor/altcha/altcha-solver.min.js, next to npm altcha's own
// SHA worker (vendor/altcha/sha-worker.js): the pages load it with a plain <script> and use window.LiveshopAltcha
// (pow.js). Only npm altcha's solveChallengeWorkers is in it; the hashing runs in the workers.
import { solveChallengeWorkers } from 'altcha/lib';

function hex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

window.LiveshopAltcha = {
  /**
   * Solves a GET /challenges answer (an ALTCHA v1 challenge of org.altcha:altcha: SHA-256(salt + n) = challenge, n
   * below maxnumber) in `concurrency` workers of `workerUrl`, and resolves to the X-Altcha value (base64 of
   * {algorithm, challenge, number, salt, signature}), or null when no n was found. npm altcha 3 solves v1 challenges
   * as parameters whose password is the salt followed by n as text, and whose key prefix is the whole hash.
   */
  async solve(challenge, { workerUrl, concurrency }) {
    const parameters = {
      algorithm: challenge.algorithm,
      cost: 1,
      keyLength: 32,
      nonce: hex(new TextEncoder().encode(challenge.salt)),
      salt: '',
      keyPrefix: challenge.challenge,
    };
    const solution = await solveChallengeWorkers({
      challenge: { parameters, signature: challenge.signature },
      concurrency,
      counterMode: 'string',
      createWorker: () => new Worker(workerUrl),
      timeout: 30000,
    });
    if (!solution) return null;
    return btoa(JSON.stringify({ algorithm: challenge.algorithm, challenge: challenge.challenge, number: solution.counter,
      salt: challenge.salt, signature: challenge.signature }));
  },
};
