// The host console: sign in, create or open a show, ingest details, the simulated broadcast (local), one-tap
// "Feature" per lineup product, live numbers and chat moderation. Its public reads carry the host's token, so they
// are answered fresh (no-store), never from the CDN's shared copy: the host sees their own changes at once.
import { api, isLocal, localChannelFor, money, duration, el, $ } from './api.js';
import { connectChat } from './chat.js';

const state = { token: sessionStorage.getItem('liveshop.hostToken'), local: false, session: null, ingest: null,
  channelArn: null, revealed: false, chat: null, products: [] };

init();

async function init() {
  state.local = await isLocal();
  $('#local-login').hidden = !state.local;
  $('#broadcast-controls').hidden = !state.local;
  $('#local-login').addEventListener('click', async () => {
    try { signIn((await api('GET', '/_local/host-token')).token); } catch (e) { error(e); }
  });
  $('#jwt-form').addEventListener('submit', e => { e.preventDefault(); signIn($('#jwt').value.trim()); });
  $('#create-form').addEventListener('submit', e => { e.preventDefault(); createShow(); });
  $('#open-session').addEventListener('change', e => e.target.value && openShow(e.target.value));
  $('#reveal-key').addEventListener('click', toggleKey);
  $('#copy-key').addEventListener('click', () => copy(state.ingest && state.ingest.streamKey, 'Stream key copied'));
  $('#copy-endpoint').addEventListener('click', () => copy(state.ingest && state.ingest.endpoint, 'Ingest endpoint copied'));
  $('#broadcast-start').addEventListener('click', () => broadcast('start'));
  $('#broadcast-stop').addEventListener('click', () => broadcast('stop'));
  $('#end-show').addEventListener('click', endShow);
  $('#blocklist-form').addEventListener('submit', e => { e.preventDefault(); saveBlocklist(); });
  $('#chat-settings-form').addEventListener('submit', e => { e.preventDefault(); saveChatSettings(); });
  const start = new Date(Date.now() + 10 * 60 * 1000);
  start.setSeconds(0, 0);
  $('#show-start').value = new Date(start.getTime() - start.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  if (state.token) await signedIn();
  setInterval(refresh, 2000);
}

function error(e) {
  $('#host-error').textContent = e ? (e.code ? e.code + ': ' : '') + e.message : '';
}

function say(text) {
  $('#show-message').textContent = text;
}

function signIn(token) {
  if (!token) return;
  state.token = token;
  sessionStorage.setItem('liveshop.hostToken', token);
  signedIn();
}

async function signedIn() {
  $('#login').hidden = true;
  $('#console').hidden = false;
  $('#signed-in').textContent = 'Signed in as host';
  error(null);
  try {
    state.products = (await api('GET', '/products?limit=100', { token: state.token })).items;
    $('#lineup-picker').replaceChildren(...state.products.map((p, i) => el('li', {},
      el('input', { type: 'checkbox', id: 'pick-' + i, value: p.sku, checked: i < 4 }),
      el('label', { for: 'pick-' + i, text: p.title + ' — ' + money(p.priceCents, p.currency) + ' (' + p.available + ' in stock)' }))));
    const { items } = await api('GET', '/sessions?limit=100', { token: state.token });
    $('#open-session').replaceChildren(el('option', { value: '', text: '—' }),
      ...items.map(s => el('option', { value: s.sessionId, text: s.title + ' · ' + s.status + ' · ' + new Date(s.startsAt).toLocaleString() })));
  } catch (e) { error(e); }
  const last = localStorage.getItem('liveshop.hostSession');
  if (last && !state.session) openShow(last);
}

function authorized(method, path, body) {
  return api(method, path, { body, token: state.token }).catch(e => {
    if (e.status === 401 || e.status === 403) {
      sessionStorage.removeItem('liveshop.hostToken');
      $('#login').hidden = false;
      $('#signed-in').textContent = 'Not signed in';
    }
    throw e;
  });
}

async function createShow() {
  error(null);
  const lineup = [...document.querySelectorAll('#lineup-picker input:checked')].map(i => i.value);
  const startsAt = new Date($('#show-start').value).toISOString();
  $('#create-button').disabled = true;
  try {
    const created = await authorized('POST', '/sessions', { title: $('#show-title').value, startsAt, lineup });
    state.ingest = created.ingest;
    state.channelArn = created.channelArn;
    await openShow(created.sessionId, true);
  } catch (e) {
    error(e);
  } finally {
    $('#create-button').disabled = false;
  }
}

async function openShow(sessionId, fresh = false) {
  try {
    state.session = await api('GET', '/sessions/' + encodeURIComponent(sessionId), { token: state.token });
  } catch (e) {
    localStorage.removeItem('liveshop.hostSession');
    return error(e);
  }
  localStorage.setItem('liveshop.hostSession', sessionId);
  if (!fresh) {
    state.ingest = null;
    state.channelArn = null;
    authorized('GET', '/sessions/' + encodeURIComponent(sessionId) + '/ingest')
      .then(i => { state.ingest = i; renderIngest(); }).catch(() => {});
  }
  if (state.local && !state.channelArn) {
    const channel = await localChannelFor(state.session.playbackUrl).catch(() => null);
    state.channelArn = channel && channel.arn;
  }
  $('#show').hidden = false;
  $('#show').dataset.sessionId = sessionId;
  $('#moderation').hidden = false;
  $('#report-link').href = '/host/report/' + encodeURIComponent(sessionId);
  const link = $('#viewer-link');
  link.href = '/watch/' + encodeURIComponent(sessionId);
  link.textContent = new URL(link.href, window.location.href).href;
  state.revealed = false;
  renderIngest();
  renderShow();
  connectModeration();
  refresh();
}

function renderIngest() {
  const i = state.ingest;
  $('#ingest-endpoint').textContent = i ? i.endpoint : '…';
  $('#stream-key').textContent = i && state.revealed ? i.streamKey : '••••••••••••';
  $('#reveal-key').textContent = state.revealed ? 'Hide' : 'Reveal';
  $('#reveal-key').setAttribute('aria-pressed', String(state.revealed));
}

function toggleKey() {
  state.revealed = !state.revealed;
  renderIngest();
}

async function copy(text, done) {
  if (!text) return;
  try { await navigator.clipboard.writeText(text); say(done); } catch (e) { say('Copy failed: select the text instead'); }
}

async function broadcast(action) {
  error(null);
  if (!state.channelArn) return say('No local channel for this show');
  try {
    await api('POST', '/_local/ivs/broadcast', { body: { channelArn: state.channelArn, action } });
    say(action === 'start' ? 'Broadcast started — the show goes LIVE' : 'Broadcast stopped');
    setTimeout(refresh, 300);
  } catch (e) { error(e); }
}

async function endShow() {
  error(null);
  try {
    await authorized('POST', '/sessions/' + encodeURIComponent(state.session.sessionId) + '/end');
    say('Show ended');
    refresh();
  } catch (e) { error(e); }
}

async function feature(sku, input) {
  error(null);
  const body = { sku };
  if (input.value.trim()) body.dealPriceCents = Math.round(parseFloat(input.value) * 100);
  try {
    const r = await authorized('POST', '/sessions/' + encodeURIComponent(state.session.sessionId) + '/highlights', body);
    say('Featured at ' + Math.round(r.offsetMs / 1000) + ' s into the stream');
    refresh();
  } catch (e) {
    error(e.code === 'SESSION_NOT_LIVE' ? { code: e.code, message: 'Start the broadcast first.' } : e);
  }
}

async function refresh() {
  if (!state.session) return;
  try {
    state.session = await api('GET', '/sessions/' + encodeURIComponent(state.session.sessionId), { token: state.token });
  } catch (e) { return; }
  renderShow();
  renderNumbers();
}

function renderShow() {
  const s = state.session;
  $('#show-name').textContent = s.title;
  $('#show-status').textContent = s.status;
  $('#show-status').dataset.status = s.status;
  $('#broadcast-start').disabled = s.status !== 'SCHEDULED' && s.status !== 'LIVE';
  $('#end-show').disabled = s.status === 'ENDED';
  // IVS's count arrives as `viewers` frames (~every 15 s while live); the session view has it for the first paint.
  if (s.viewerCount != null) $('#num-viewers').textContent = String(s.viewerCount);
  const current = s.currentHighlight && s.currentHighlight.sku;
  const rows = $('#lineup-rows');
  for (const p of s.lineup) {
    let row = rows.querySelector(`tr[data-sku="${CSS.escape(p.sku)}"]`);
    if (!row) {
      const deal = el('input', { type: 'number', min: '0', step: '0.01', inputmode: 'decimal', class: 'deal-input',
        'aria-label': 'Deal price for ' + p.title, placeholder: 'optional' });
      row = el('tr', { 'data-sku': p.sku },
        el('th', { scope: 'row', class: 'title' }), el('td', { class: 'price' }), el('td', { class: 'available' }),
        el('td', { class: 'held', text: '—' }), el('td', { class: 'sold', text: '—' }), el('td', { class: 'waiting', text: '0' }),
        el('td', { class: 'ordered', text: '0' }), el('td', { class: 'revenue', text: '—' }), el('td', {}, deal),
        el('td', {}, el('button', { class: 'button small feature', type: 'button', text: 'Feature',
          'aria-label': 'Feature ' + p.title, onclick: () => feature(p.sku, deal) })));
      rows.append(row);
    }
    row.querySelector('.title').textContent = p.title + (p.sku === current ? ' (on screen)' : '');
    row.classList.toggle('current', p.sku === current);
    row.querySelector('.price').textContent = money(p.dealPriceCents != null ? p.dealPriceCents : p.priceCents, p.currency);
    row.querySelector('.available').textContent = String(p.available);
    row.querySelector('.feature').disabled = s.status !== 'LIVE';
  }
  for (const row of [...rows.children]) if (!s.lineup.some(p => p.sku === row.dataset.sku)) row.remove();
  renderStock();
}

/** Held (in carts now) and sold units per lineup product, from the host-only stock route. */
function renderStock() {
  for (const row of document.querySelectorAll('#lineup-rows tr')) {
    authorized('GET', '/products/' + encodeURIComponent(row.dataset.sku) + '/stock').then(stock => {
      row.querySelector('.held').textContent = String(stock.held);
      row.querySelector('.sold').textContent = String(stock.sold);
    }, () => { /* next refresh */ });
  }
}

/**
 * Holds, orders, paid orders and revenue, per product and per highlight, from GET /sessions/{id}/stats (kept in
 * DynamoDB by the stats function from the orders themselves): the same numbers locally and on AWS.
 */
async function renderNumbers() {
  const sessionId = state.session.sessionId;
  let stats;
  try { stats = await authorized('GET', '/sessions/' + encodeURIComponent(sessionId) + '/stats'); } catch (e) { return; }
  if (!state.session || state.session.sessionId !== sessionId) return;
  const currency = stats.currency || (state.session.lineup[0] && state.session.lineup[0].currency) || 'USD';
  $('#num-holds').textContent = String(stats.holds);
  $('#num-orders').textContent = String(stats.orders);
  $('#num-paid').textContent = String(stats.paidOrders);
  $('#num-revenue').textContent = money(stats.revenueCents, currency);
  $('#num-peak').textContent = String(stats.peakViewers);
  const bySku = new Map(stats.perProduct.map(p => [p.sku, p]));
  // Carts waiting in each lineup product's waitlist (GET /sessions/{id}/stats waitlist [{sku, waiting}]).
  const waiting = new Map((stats.waitlist || []).map(w => [w.sku, w.waiting]));
  for (const row of document.querySelectorAll('#lineup-rows tr')) {
    const p = bySku.get(row.dataset.sku) || { orders: 0, revenueCents: 0 };
    row.querySelector('.ordered').textContent = String(p.orders);
    row.querySelector('.revenue').textContent = money(p.revenueCents, currency);
    row.querySelector('.waiting').textContent = String(waiting.get(row.dataset.sku) || 0);
  }
  const titles = new Map(state.session.lineup.map(p => [p.sku, p.title]));
  $('#highlight-rows').replaceChildren(...stats.perHighlight.map(h => el('tr', { 'data-highlight-id': h.highlightId },
    el('td', { text: duration(h.offsetMs) }), el('th', { scope: 'row', text: titles.get(h.sku) || h.sku }),
    el('td', { class: 'holds', text: String(h.holds) }), el('td', { class: 'orders', text: String(h.orders) }),
    el('td', { class: 'revenue', text: money(h.revenueCents, currency) }))));
}

// ---- chat moderation (delete, ban by ticket or name, pin, blocklist, chat settings) ----

function connectModeration() {
  if (state.chat) state.chat.close();
  const sessionId = state.session.sessionId;
  const base = '/sessions/' + encodeURIComponent(sessionId);
  const act = (label, fn) => el('button', { class: 'button small secondary', type: 'button', text: label, 'data-action': label.toLowerCase(),
    onclick: async () => {
      try { await fn(); $('#moderation-message').textContent = label + ' done'; } catch (e) { $('#moderation-message').textContent = e.message; }
    } });
  showChatSettings({ buyKeyword: state.session.buyKeyword, ...(state.session.chatSettings || {}) });
  state.chat = connectChat($('#moderation'), {
    sessionId, hostToken: state.token, pinned: state.session.pinnedMessage,
    handlers: {
      viewers: count => { $('#num-viewers').textContent = String(count); },
      status: () => refresh(),
      chatSettings: frame => showChatSettings(frame),
      actions: m => m.role === 'host' ? [act('Pin', () => authorized('POST', base + '/pin', { messageId: m.messageId }))] : [
        act('Delete', () => authorized('DELETE', base + '/messages/' + encodeURIComponent(m.messageId))),
        // A ticket bans exactly the viewer who wrote it; a message without one (older) bans by name.
        act('Ban', () => authorized('POST', base + '/bans', m.ticketId ? { ticketId: m.ticketId } : { name: m.name })),
        act('Pin', () => authorized('POST', base + '/pin', { messageId: m.messageId })),
      ],
    },
  });
}

/** The form shows the settings in force; "Now: …" says them (a show never set keeps the defaults: slow mode off, SOLD). */
function showChatSettings(s) {
  if (s.messagesPerSecond != null) $('#messages-per-second').value = String(s.messagesPerSecond);
  if (s.slowModeSeconds != null) $('#slow-mode').value = String(s.slowModeSeconds);
  if (s.buyKeyword) $('#buy-keyword').value = s.buyKeyword;
  const parts = [s.slowModeSeconds > 0 ? 'slow mode ' + s.slowModeSeconds + ' s' : 'slow mode off'];
  if (s.messagesPerSecond != null) parts.push(s.messagesPerSecond + ' messages per second');
  if (s.buyKeyword) parts.push('buy keyword ' + s.buyKeyword);
  $('#chat-settings-now').textContent = 'Now: ' + parts.join(', ');
}

/** PUT …/chat-settings takes any subset: the numbers always, the keyword when one is typed. A 400 shows its message. */
async function saveChatSettings() {
  const body = { messagesPerSecond: Number($('#messages-per-second').value), slowModeSeconds: Number($('#slow-mode').value) };
  const keyword = $('#buy-keyword').value.trim();
  if (keyword) body.buyKeyword = keyword;
  try {
    const saved = await authorized('PUT', '/sessions/' + encodeURIComponent(state.session.sessionId) + '/chat-settings', body);
    showChatSettings(saved);
    $('#moderation-message').textContent = 'Chat settings saved';
  } catch (e) {
    $('#moderation-message').textContent = e.message;
  }
}

async function saveBlocklist() {
  const words = $('#blocklist').value.split(',').map(w => w.trim()).filter(Boolean);
  try {
    await authorized('PUT', '/sessions/' + encodeURIComponent(state.session.sessionId) + '/blocklist', { words });
    $('#moderation-message').textContent = 'Blocklist saved (' + words.length + ' words)';
  } catch (e) {
    $('#moderation-message').textContent = e.message;
  }
}
