// The chat panel and the show's live frames. Frames arrive on the AppSync Events channel /shows/{sessionId}
// (chatBatch, messageDeleted, pinned, viewers, status, stock, highlight, chatSettings, claimed); the host console also gets
// /hosts/{sessionId} (banned). Chatting is HTTP: a viewer gets a chat ticket (POST /sessions/{id}/chat-tickets with a
// solved proof-of-work challenge, kept per show in sessionStorage, bound to the viewer's cart for comment-to-buy) and posts with X-Chat-Ticket; the host posts with its bearer token. A message
// appears when the `chatBatch` frame that carries it arrives (every message stored in the last fraction of a second, in
// the order stored), the sender's own too. A retried batch may bring a message again: it is shown once, by messageId.
// Late joiners load GET /sessions/{id}/messages first.
// User text only ever goes in through textContent.
import { api, el } from './api.js';
import { subscribe } from './events.js';
import { HEADER as POW_HEADER, solution as powSolution } from './pow.js';

const HISTORY_LIMIT = 50;
const MAX_LINES = 200;
// Ids remembered to drop a message that comes again (a retried batch, history overlapping the first frames): far more
// than a retry can lag behind (the stream gives up on a record after a minute), without growing for the whole show.
const REMEMBERED_IDS = 5000;

/**
 * Connects a chat panel. `root` holds .chat-log, .chat-pinned, .chat-form, .chat-status (and, for viewers,
 * .chat-name-input / .chat-as). Either `hostToken` (host console) or a viewer `name`. `pinned`: the session view's
 * pinnedMessage for the first paint. `cartId()` (viewers): the cart the ticket is bound to (comment-to-buy); a kept
 * ticket of another cart (a new cart after an order) is replaced by a new one at the next message. `handlers` gets
 * connected(open), viewers(count), highlight(frame), stock(frame), status(frame), chatSettings(frame),
 * claimed(frame), banned(frame, host only), and for hosts `actions(message)` returns extra buttons.
 */
export function connectChat(root, { sessionId, name, hostToken, cartId, pinned: firstPinned, handlers = {} }) {
  const log = root.querySelector('.chat-log');
  const pinned = root.querySelector('.chat-pinned');
  const status = root.querySelector('.chat-status');
  const form = root.querySelector('.chat-form');
  const input = form ? form.querySelector('.chat-input') || form.querySelector('input') : null;
  const nameInput = root.querySelector('.chat-name-input');
  const chattingAs = root.querySelector('.chat-as');
  const base = '/sessions/' + encodeURIComponent(sessionId);
  const ticketKey = 'liveshop.chatTicket.' + sessionId;
  const seen = new Set();
  const deleted = new Set();
  let closed = false;
  let historyLoaded = false;
  const early = [];
  const subscriptions = [];
  let slowUntil = 0;
  let slowTimer = null;
  let asking = null;

  if (firstPinned) pin(firstPinned);
  showTicket(storedTicket());
  if (nameInput && !nameInput.value) nameInput.value = name || '';
  status.textContent = 'Connecting to chat…';

  subscribe('/shows/' + sessionId, {
    onFrame: frame => (historyLoaded ? apply(frame) : early.push(frame)),
    onState: open => {
      if (closed) return;
      root.classList.toggle('chat-off', !open);
      if (input) input.disabled = !open;
      if (open) { if (status.textContent === 'Connecting to chat…' || status.textContent === 'Chat unavailable') status.textContent = ''; }
      else status.textContent = 'Chat unavailable';
      handlers.connected && handlers.connected(open);
    },
  }).then(s => {
    if (closed) return s.close();
    subscriptions.push(s);
    loadHistory();
    // After /shows so that the page's one socket is opened with the API key; /hosts then adds a lambda-authorized
    // subscription on it with the host's id token.
    if (hostToken) {
      subscribe('/hosts/' + sessionId, {
        options: { authMode: 'lambda', authToken: hostToken },
        onFrame: frame => { if (frame && frame.type === 'banned') banned(frame); },
      }).then(h => { if (closed) h.close(); else subscriptions.push(h); });
    }
  });

  if (form) {
    form.addEventListener('submit', e => {
      e.preventDefault();
      send();
    });
  }
  // A viewer who starts typing a message gets the ticket (for the name in the name box) while typing: the first message
  // then costs one POST, not a ticket, a proof of work and a POST, and a show's first minute does not queue messages
  // behind tickets. Not on focus: until the first keystroke the viewer may still go back and change the name.
  if (input && !hostToken) {
    input.addEventListener('input', () => {
      const wanted = (nameInput ? nameInput.value : name || '').trim();
      if (wanted && !storedTicket()) ticketFor(false);
    });
  }

  /** Subscribed first, then the recent messages: frames that came meanwhile are applied after them, deduplicated. */
  async function loadHistory() {
    try {
      const page = await api('GET', base + '/messages?limit=' + HISTORY_LIMIT);
      for (const m of (page && page.messages) || []) append(m);
    } catch (e) { /* the live frames still come */ }
    historyLoaded = true;
    for (const frame of early.splice(0)) apply(frame);
  }

  function apply(frame) {
    if (!frame || typeof frame !== 'object') return;
    switch (frame.type) {
      case 'chatBatch': for (const m of Array.isArray(frame.messages) ? frame.messages : []) append(m); break;
      case 'messageDeleted': remove(frame.messageId); break;
      case 'pinned': pin(frame.message || null); break;
      case 'viewers': handlers.viewers && handlers.viewers(frame.count); break;
      case 'highlight': handlers.highlight && handlers.highlight(frame); break;
      case 'stock': handlers.stock && handlers.stock(frame); break;
      case 'status': handlers.status && handlers.status(frame); break;
      case 'chatSettings': chatMode(frame); handlers.chatSettings && handlers.chatSettings(frame); break;
      case 'claimed': handlers.claimed && handlers.claimed(frame); break;
      default: break;
    }
  }

  async function send() {
    if (!input) return;
    const text = input.value.trim();
    if (!text) return;
    if (Date.now() < slowUntil) return slowNote();
    let headers = {};
    if (!hostToken) {
      const ticket = await ticketFor(false);
      if (!ticket) return;
      headers = { 'X-Chat-Ticket': ticket.ticket };
    }
    try {
      await post(text, headers);
    } catch (e) {
      if (e.code === 'INVALID_TICKET' && !hostToken) {
        // Expired or from another stack: one new ticket, one retry.
        const ticket = await ticketFor(true);
        if (!ticket) return;
        try { await post(text, { 'X-Chat-Ticket': ticket.ticket }); } catch (again) { refused(again); }
        return;
      }
      refused(e);
    }
  }

  async function post(text, headers) {
    await api('POST', base + '/messages', { body: { text }, token: hostToken, headers });
    input.value = '';
    status.textContent = '';
    status.dataset.code = '';
  }

  function refused(e) {
    if (e.code === 'SLOW_MODE' || e.code === 'RATE_LIMITED') {
      const seconds = e.retryAfter != null ? e.retryAfter : 1;
      slowUntil = Date.now() + seconds * 1000;
      if (e.code === 'SLOW_MODE') return slowNote();
    }
    status.textContent = errorText(e);
    status.dataset.code = e.code || '';
  }

  function slowNote() {
    const left = Math.max(1, Math.ceil((slowUntil - Date.now()) / 1000));
    status.textContent = 'Slow mode is on: you can post again in ' + left + ' s.';
    status.dataset.code = 'SLOW_MODE';
    clearTimeout(slowTimer);
    slowTimer = setTimeout(() => { if (status.dataset.code === 'SLOW_MODE') { status.textContent = ''; status.dataset.code = ''; } },
      Math.max(0, slowUntil - Date.now()));
  }

  /**
   * The ticket kept for this show, or a new one for the name in the name field (the API's normalized name is shown). One
   * request at a time: a send while the ticket asked for on focus is on its way waits for that one.
   */
  function ticketFor(renew) {
    const kept = renew ? null : storedTicket();
    if (kept) return Promise.resolve(kept);
    if (!asking) asking = newTicket().finally(() => { asking = null; });
    return asking;
  }

  async function newTicket() {
    sessionStorage.removeItem(ticketKey);
    const wanted = (nameInput ? nameInput.value : name || '').trim();
    const body = { name: wanted };
    const cart = currentCart();
    if (cart) body.cartId = cart;
    try {
      const t = await askTicket(body);
      // The answer never repeats the cart id (it is inside the signed ticket): remember which cart it was asked for.
      sessionStorage.setItem(ticketKey, JSON.stringify({ ticketId: t.ticketId, ticket: t.ticket, name: t.name, expiresAt: t.expiresAt,
        cartId: cart || null }));
      if (t.name) localStorage.setItem('liveshop.name', t.name);
      showTicket(storedTicket());
      return storedTicket();
    } catch (e) {
      showTicket(null);
      status.textContent = ticketErrorText(e);
      status.dataset.code = e.code || '';
      return null;
    }
  }

  /** A ticket costs a solved proof-of-work challenge (pow.js); a refused one (expired meanwhile) gets one retry. */
  async function askTicket(body) {
    try {
      return await api('POST', base + '/chat-tickets', { body, headers: { [POW_HEADER]: await powSolution() } });
    } catch (e) {
      if (e.code !== 'CHALLENGE_INVALID') throw e;
      return api('POST', base + '/chat-tickets', { body, headers: { [POW_HEADER]: await powSolution({ fresh: true }) } });
    }
  }

  function storedTicket() {
    let t = null;
    try { t = JSON.parse(sessionStorage.getItem(ticketKey) || 'null'); } catch (e) { /* unreadable: get a new one */ }
    if (!t || typeof t.ticket !== 'string' || !t.ticket) return null;
    if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now() + 5000) return null;
    // Bound to a cart that is no longer the one being filled (an order was placed): a new ticket for the new cart.
    const cart = currentCart();
    if (cart && (t.cartId || null) !== cart) return null;
    return t;
  }

  function currentCart() {
    return !hostToken && typeof cartId === 'function' ? cartId() || null : null;
  }

  function showTicket(t) {
    if (hostToken) return;
    root.dataset.ticketId = t ? t.ticketId : '';
    if (nameInput) nameInput.hidden = !!t;
    const label = nameInput && root.querySelector(`label[for="${nameInput.id}"]`);
    if (label) label.hidden = !!t;
    if (chattingAs) {
      chattingAs.hidden = !t;
      chattingAs.textContent = t ? 'Chatting as ' + t.name : '';
    }
  }

  function append(m) {
    if (!m || m.messageId == null) return;
    const id = String(m.messageId);
    if (seen.has(id) || deleted.has(id)) return;
    remember(seen, id);
    const line = el('li', { class: 'chat-line' + (m.role === 'host' ? ' chat-host' : ''), 'data-message-id': id,
      'data-ticket-id': m.ticketId || null },
      el('span', { class: 'chat-name', text: m.name }),
      el('span', { class: 'chat-text', text: m.text }));
    if (handlers.actions) line.append(...handlers.actions(m));
    log.append(line);
    while (log.children.length > MAX_LINES) log.firstElementChild.remove();
    log.scrollTop = log.scrollHeight;
  }

  function remove(messageId) {
    const id = String(messageId);
    remember(deleted, id);
    const node = log.querySelector(`[data-message-id="${CSS.escape(id)}"]`);
    if (node) node.remove();
    if (pinned.dataset.messageId === id) pin(null);
  }

  /** A Set keeps insertion order: the oldest id goes first. */
  function remember(ids, id) {
    ids.add(id);
    if (ids.size > REMEMBERED_IDS) ids.delete(ids.values().next().value);
  }

  function pin(m) {
    pinned.replaceChildren();
    pinned.hidden = !m;
    delete pinned.dataset.messageId;
    if (!m) return;
    pinned.dataset.messageId = m.messageId;
    pinned.append(el('span', { class: 'chat-pin-label', text: 'Pinned' }), el('span', { class: 'chat-name', text: m.name || '' }),
      el('span', { class: 'chat-text', text: m.text || '' }));
  }

  /** The viewer panel's note about slow mode, from the host's chat settings. */
  function chatMode(frame) {
    const note = root.querySelector('.chat-mode');
    if (!note) return;
    const seconds = Number(frame.slowModeSeconds) || 0;
    note.hidden = seconds <= 0;
    note.textContent = seconds > 0 ? 'Slow mode: one message every ' + seconds + ' s' : '';
  }

  function banned(frame) {
    for (const line of log.querySelectorAll('.chat-line')) {
      // By ticket when both carry one (exactly that viewer), else by name.
      const match = frame.ticketId && line.dataset.ticketId ? line.dataset.ticketId === frame.ticketId
        : !!frame.name && line.querySelector('.chat-name').textContent === frame.name;
      if (match) line.classList.add('chat-banned');
    }
    handlers.banned && handlers.banned(frame);
  }

  return {
    close() {
      closed = true;
      clearTimeout(slowTimer);
      for (const s of subscriptions.splice(0)) s.close();
    },
  };
}

/** A refused chat pass: a per-minute limit says when to retry; the per-show cap (Retry-After of hours) says why not. */
function ticketErrorText(e) {
  if (e.code !== 'RATE_LIMITED') return errorText(e);
  return e.retryAfter && e.retryAfter <= 120
    ? 'Too many chat passes from your network right now — try again in ' + e.retryAfter + ' s.'
    : 'Your network already has all the chat passes this show allows — chat from a device that has one.';
}

function errorText(e) {
  switch (e.code) {
    case 'RATE_LIMITED': return 'Slow down a little — too many messages' + (e.retryAfter ? ' (try again in ' + e.retryAfter + ' s).' : '.');
    case 'SLOW_MODE': return 'Slow mode is on' + (e.retryAfter ? ': you can post again in ' + e.retryAfter + ' s.' : '.');
    case 'BANNED': return 'You can no longer post in this chat.';
    case 'BLOCKED_WORD': return 'That message contains a blocked word.';
    case 'NAME_RESERVED': return 'That name is taken by the show — pick another one.';
    case 'INVALID_TICKET': return 'Your chat pass ran out — send again to get a new one.';
    case 'SESSION_ENDED': return 'The show has ended: the chat is closed.';
    case 'SESSION_NOT_FOUND': return 'This show does not exist.';
    case 'VALIDATION_FAILED': case 'INVALID_FIELD': return e.message || 'That message cannot be sent.';
    case 'NETWORK': return 'The chat could not be reached — try again.';
    default: return 'Chat error: ' + (e.code || e.message);
  }
}
