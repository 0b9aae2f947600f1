// "The live or next show", for / (index.js) and for the embed's data-liveshop-next (viewer.js, embedded).
import { api } from './api.js';

/** The live show, else the next scheduled one (GET /sessions lists both by start time); null when there is none. */
export async function liveOrNextShow() {
  const { items } = await api('GET', '/sessions?limit=50');
  return items.find(s => s.status === 'LIVE') || items.find(s => s.status === 'SCHEDULED') || null;
}
