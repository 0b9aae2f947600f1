// "/" → the live show, else the next scheduled one (GET /sessions lists both by start time).
import { local, $ } from './api.js';
import { watchUrl } from './viewer-links.js';
import { liveOrNextShow } from './shows.js';

// Locally, the mailbox (the local SES keeps every email) and the stack's index, for as long as this page shows.
local().then(index => { if (index) $('#local-links').hidden = false; });

try {
  const pick = await liveOrNextShow();
  if (pick) {
    window.location.replace(watchUrl(pick.sessionId));
  } else {
    $('#message').textContent = 'No show is scheduled right now. Hosts can create one in the host console.';
  }
} catch (e) {
  $('#message').textContent = 'The shows could not be loaded: ' + e.message;
}
