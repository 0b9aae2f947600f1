// "/" → the live show, else the next scheduled one (GET /sessions lists both by start time).
import { api, $ } from './api.js';
import { watchUrl } from './viewer-links.js';

try {
  const { items } = await api('GET', '/sessions?limit=50');
  const pick = items.find(s => s.status === 'LIVE') || items.find(s => s.status === 'SCHEDULED');
  if (pick) {
    window.location.replace(watchUrl(pick.sessionId));
  } else {
    $('#message').textContent = 'No show is scheduled right now. Hosts can create one in the host console.';
  }
} catch (e) {
  $('#message').textContent = 'The shows could not be loaded: ' + e.message;
}
