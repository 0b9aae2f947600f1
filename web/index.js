// "/" → the live show, else the next scheduled one (GET /sessions lists both by start time).
import { api, local, $ } from './api.js';
import { watchUrl } from './viewer-links.js';

// Locally, the mailbox (the local SES keeps every email) and the stack's index, for as long as this page shows.
local().then(index => { if (index) $('#local-links').hidden = false; });

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
