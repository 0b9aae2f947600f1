// The viewer page: before the show (countdown, lineup, reminder, calendar), live (player → featured product
// card, product rail, chat with comment-to-buy, waitlist, cart drawer with its own /carts/{cartId} channel,
// checkout) and after it (replay with chapters). Embedded on a brand's site (/embed/watch/{id}), embed-bridge.js tells
// the brand's page what happens and lets it veto or take over; standalone its hooks do nothing.
import { api, isLocal, money, duration, el, $, baseFor } from './api.js';
import { sessionIdFromLocation } from './viewer-links.js';
import { liveOrNextShow } from './shows.js';
import * as embed from './embed-bridge.js';
import { startLive, startReplay } from './player.js';
import { connectChat } from './chat.js';
import { subscribe } from './events.js';
import { HEADER as POW_HEADER, solution as powSolution, prepareOnFirstInteraction } from './pow.js';

const CART_KEY = 'liveshop.cartId';
const ORDER_KEY = 'liveshop.order';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

// The loader's data-liveshop-next opens /embed/watch/next: the live or next show, found in init.
let sessionId = sessionIdFromLocation();
const state = {
  session: null, local: false, phase: null, player: null, featured: null, stockTimer: null, pushed: false,
  // cartId: the cart being filled (a new one after each placed order). orderId + orderToken: the order shown
  // (the token is the secret GET /orders/{id} asks for); order: its last view from the API.
  cartId: storedCartId(), cart: null, orderId: null, orderToken: null, order: null, orderPoll: null, attempt: null,
  // available: the featured product's stock figure last shown. waitlist: sku → {position}, this cart's places in line.
  available: null, waitlist: new Map(),
  // The show's comment-to-buy keyword (GET /sessions/{id}, then chatSettings frames, which win over older reads).
  buyKeyword: null, keywordPushed: false,
  // The /carts/{cartId} subscription (held, holdRefused, waitlistHeld) and the cart it is for.
  cartChannel: null, cartChannelFor: null, claimedTimer: null,
};

/**
 * The cart id kept in localStorage: a random version-4 UUID (what the API accepts); a new one if none or malformed.
 * Embedded, the cart the loader passed wins: the brand's previous page filled it, even where this frame's storage is
 * partitioned or blocked.
 */
function storedCartId() {
  if (embed.initialCartId && UUID_V4.test(embed.initialCartId)) {
    localStorage.setItem(CART_KEY, embed.initialCartId);
    return embed.initialCartId;
  }
  const id = localStorage.getItem(CART_KEY);
  return id && UUID_V4.test(id) ? id : newCartId();
}

function newCartId() {
  const id = crypto.randomUUID();
  localStorage.setItem(CART_KEY, id);
  return id;
}

init();

async function init() {
  if (!sessionId) return fail('No show given: open /watch/<sessionId> or / for the live or next show.');
  state.local = await isLocal();
  try {
    if (embed.embedded && sessionId === embed.NEXT_SHOW) {
      const next = await liveOrNextShow();
      if (!next) return fail('No show is scheduled right now.');
      sessionId = next.sessionId;
    }
    state.session = await api('GET', '/sessions/' + encodeURIComponent(sessionId));
  } catch (e) {
    return fail(e.code === 'SESSION_NOT_FOUND' ? 'This show does not exist.' : 'The show could not be loaded: ' + e.message);
  }
  // The brand's names, images and product pages, before the first product card is drawn.
  await embed.hydrate((state.session.lineup || []).map(p => p.sku));
  wireCart();
  wireWaitlist();
  // A chat ticket or a deal hold takes a solved challenge: one is kept ready from the first click, key or focus.
  prepareOnFirstInteraction();
  render();
  embed.ready(sessionId);
  chat();
  subscribeCart();
  setInterval(tick, 1000);
  scheduleSessionRefresh();
  refreshCart();
  restoreOrder();
}

/**
 * Polls the show. While the /shows/{id} subscription is live, status, highlight and stock changes are pushed, so the poll is
 * only a safety net (every ~15 s); without it, every ~3 s. Jittered so that 50,000 viewers who joined in the same
 * second do not poll in the same second.
 */
function scheduleSessionRefresh() {
  const base = state.pushed ? 15000 : 3000;
  setTimeout(async () => { await refreshSession(); scheduleSessionRefresh(); }, base * (0.8 + Math.random() * 0.4));
}

function fail(message) {
  const p = $('#page-error');
  p.textContent = message;
  p.hidden = false;
  $('#title').textContent = 'Live shopping';
}

const STATUS_ORDER = ['SCHEDULED', 'LIVE', 'ENDED'];

async function refreshSession() {
  try {
    const s = await api('GET', '/sessions/' + encodeURIComponent(sessionId));
    // Reads may come from the CDN or the browser cache, a few seconds old: a show never goes back to an earlier status.
    if (state.session && STATUS_ORDER.indexOf(s.status) < STATUS_ORDER.indexOf(state.session.status)) return;
    state.session = s;
    render();
  } catch (e) { /* keep the last view; the next poll retries */ }
}

/**
 * After a pushed status change: reads the show until its view has that status. The first read may be answered by a
 * copy from before the change (CacheControl: at most a few seconds), so it retries about every second, for a while.
 */
async function refreshUntil(status, attempt = 0) {
  await refreshSession();
  if (state.session && state.session.status !== status && attempt < 10) {
    setTimeout(() => refreshUntil(status, attempt + 1), 1000 + Math.random() * 500);
  }
}

function render() {
  const s = state.session;
  document.title = s.title + ' — live shopping';
  $('#title').textContent = s.title;
  const badge = $('#status');
  badge.textContent = s.status === 'LIVE' ? 'LIVE' : s.status === 'ENDED' ? 'Ended' : 'Upcoming';
  badge.dataset.status = s.status;
  if (!state.keywordPushed) state.buyKeyword = s.buyKeyword || (s.chatSettings && s.chatSettings.buyKeyword) || 'SOLD';
  renderRail(s.lineup);
  renderBuyHint();
  if (s.status !== state.phase) {
    const previous = state.phase;
    state.phase = s.status;
    enterPhase(s.status, previous);
    embed.emit('SHOW_STATUS', { status: s.status });
  }
  // A late joiner (or a missed cue) sees the product on screen now.
  if (s.status === 'LIVE' && s.currentHighlight && (!state.featured || state.featured.highlightId !== s.currentHighlight.highlightId)
      && (!state.featured || !state.featured.at || state.featured.at <= s.currentHighlight.at)) {
    feature(s.currentHighlight);
  }
}

function enterPhase(status, previous) {
  $('#before').hidden = status !== 'SCHEDULED';
  $('#stage').hidden = status === 'SCHEDULED';
  $('#replay').hidden = status !== 'ENDED';
  if (state.player) { state.player.stop(); state.player = null; }
  if (status === 'SCHEDULED') {
    const s = state.session;
    $('#starts-at').textContent = 'Starts ' + new Date(s.startsAt).toLocaleString();
    $('#description').textContent = s.description || '';
    const calendar = '/sessions/' + encodeURIComponent(sessionId) + '/calendar.ics';
    $('#calendar-link').href = baseFor('GET', calendar) + calendar;
    $('#calendar-link').setAttribute('download', 'show.ics');
    wireReminder();
  } else if (status === 'LIVE') {
    startLive($('#stage'), { playbackUrl: state.session.playbackUrl, local: state.local, onCue })
      .then(p => { if (state.phase === 'LIVE') state.player = p; else p.stop(); });
  } else if (status === 'ENDED') {
    unfeature();
    loadReplay();
  }
}

// ---- cues: the same handler for the IVS Web Player and the local player ----

function onCue(text) {
  let m;
  try { m = JSON.parse(text); } catch (e) { return; }
  if (m && m.type === 'highlight' && m.sku) feature({ ...m, at: new Date().toISOString() });
}

function feature(h) {
  state.featured = h;
  const lineItem = (state.session.lineup || []).find(p => p.sku === h.sku) || {};
  $('#featured').hidden = false;
  $('#featured').dataset.sku = h.sku;
  const brand = embed.product(h.sku) || {};
  $('#featured-title').textContent = brand.title || h.title || lineItem.title || h.sku;
  $('#featured-link').hidden = !brand.url;
  if (brand.url) $('#featured-link').href = brand.url;
  const img = $('#featured-image');
  const imageUrl = brand.image || h.imageUrl || lineItem.imageUrl;
  img.hidden = !imageUrl;
  if (imageUrl) { img.src = imageUrl; img.onerror = () => { img.hidden = true; }; }
  const currency = h.currency || lineItem.currency || 'USD';
  const deal = h.dealPriceCents != null && (!h.dealEndsAt || Date.parse(h.dealEndsAt) > Date.now());
  $('#featured-price').textContent = money(deal ? h.dealPriceCents : h.priceCents, currency);
  $('#featured-list-price').hidden = !deal;
  $('#featured-list-price').textContent = deal ? money(h.priceCents, currency) : '';
  $('#featured-deal').hidden = !deal;
  $('#featured-message').textContent = '';
  state.available = null;
  if (lineItem.available != null) setStock(lineItem.available); else renderWaitlist();
  $('#claimed').hidden = true;
  renderBuyHint();
  tick();
  for (const li of document.querySelectorAll('#rail li')) li.classList.toggle('current', li.dataset.sku === h.sku);
  const current = document.querySelector(`#rail li[data-sku="${CSS.escape(h.sku)}"]`);
  if (current) current.scrollIntoView({ behavior: 'smooth', block: 'nearest', inline: 'center' });
  clearInterval(state.stockTimer);
  refreshStock();
  // Pushed `stock` frames keep the figure current while the /shows/{id} subscription is live (at most one a second, so
  // a last change right after a push waits for the next one): then poll every 10 s as a safety net, else every 2 s.
  let ticks = 0;
  state.stockTimer = setInterval(() => { if (!state.pushed || ++ticks % 5 === 0) refreshStock(); }, 2000);
  embed.emit('PRODUCT_FEATURED', { sku: h.sku });
}

function unfeature() {
  state.featured = null;
  clearInterval(state.stockTimer);
  $('#featured').hidden = true;
  renderBuyHint();
}

async function refreshStock() {
  const h = state.featured;
  if (!h) return;
  try {
    const p = await api('GET', '/products/' + encodeURIComponent(h.sku));
    if (state.featured === h) setStock(p.available);
  } catch (e) { /* next refresh */ }
}

function setStock(available) {
  state.available = available;
  $('#featured-stock').textContent = String(available);
  $('#featured-add').disabled = available <= 0;
  $('#featured-add').textContent = available <= 0 ? 'Sold out' : 'Add to cart';
  // The rail's card of the same product follows the pushed figure (the session poll redraws the rail later).
  const card = state.featured && document.querySelector(`#rail li[data-sku="${CSS.escape(state.featured.sku)}"]`);
  if (card) {
    const stock = card.querySelector('.rail-stock');
    if (stock) stock.textContent = available > 0 ? available + ' left' : 'Sold out';
    const add = card.querySelector('button');
    if (add) add.disabled = available <= 0;
  }
  renderWaitlist();
}

/** The product's title from the brand (embedded), the lineup or the card on screen, else its sku. */
function titleOf(sku) {
  const brand = embed.product(sku);
  if (brand && brand.title) return brand.title;
  const p = ((state.session && state.session.lineup) || []).find(x => x.sku === sku);
  if (p && p.title) return p.title;
  if (state.featured && state.featured.sku === sku && state.featured.title) return state.featured.title;
  return sku || '';
}

// ---- waitlist: "Join the waitlist" on a sold-out product on screen ----

function wireWaitlist() {
  $('#waitlist-join').addEventListener('click', joinWaitlist);
  $('#waitlist-leave').addEventListener('click', leaveWaitlist);
}

/** Sold out and not in line: "Join the waitlist"; in line: "You're #n in line" with "Leave". */
function renderWaitlist() {
  const h = state.featured;
  const entry = h ? state.waitlist.get(h.sku) : null;
  const soldOut = state.available != null && state.available <= 0;
  $('#waitlist').hidden = !h || !(soldOut || entry);
  $('#waitlist-join').hidden = !!entry;
  $('#waitlist-status').hidden = !entry;
  $('#waitlist-position').textContent = entry ? "You're #" + entry.position + ' in line' : '';
}

async function joinWaitlist() {
  const h = state.featured;
  if (!h) return;
  const sku = h.sku;
  const message = $('#featured-message');
  message.textContent = '';
  $('#waitlist-join').disabled = true;
  try {
    const entry = await api('POST', '/products/' + encodeURIComponent(sku) + '/waitlist', { body: { cartId: state.cartId, quantity: 1 } });
    state.waitlist.set(sku, { position: entry.position, cartId: state.cartId });
  } catch (e) {
    if (e.code === 'IN_STOCK') {
      // Units came back meanwhile: no line to join, the product can go in the cart.
      message.textContent = "Good news: it's back — add it to your cart.";
      if (state.featured === h) setStock(Math.max(1, state.available || 0));
      refreshStock();
    } else {
      message.textContent = e.message;
    }
  } finally {
    $('#waitlist-join').disabled = false;
  }
  renderWaitlist();
}

async function leaveWaitlist() {
  const h = state.featured;
  if (!h) return;
  const sku = h.sku;
  const entry = state.waitlist.get(sku);
  try {
    await api('DELETE', '/products/' + encodeURIComponent(sku) + '/waitlist/' + ((entry && entry.cartId) || state.cartId));
  } catch (e) {
    $('#featured-message').textContent = e.message;
    return;
  }
  state.waitlist.delete(sku);
  renderWaitlist();
}

/** A placed order ends its cart: its places in line are left, so returned units go to a cart still being filled. */
function leaveAllWaitlists(cartId) {
  for (const [sku, entry] of [...state.waitlist]) {
    if (entry.cartId !== cartId) continue;
    state.waitlist.delete(sku);
    api('DELETE', '/products/' + encodeURIComponent(sku) + '/waitlist/' + cartId).catch(() => {});
  }
  renderWaitlist();
}

// ---- comment-to-buy and the cart's own channel ----

/** "Type SOLD to grab it" under the chat while a product is on screen. */
function renderBuyHint() {
  const hint = $('#chat-buy-hint');
  const show = !!state.featured && state.phase === 'LIVE' && !!state.buyKeyword;
  hint.hidden = !show;
  hint.textContent = show ? 'Type ' + state.buyKeyword + ' to grab it' : '';
}

/**
 * Subscribes to /carts/{cartId} for this cart; a new cart gets a new subscription. The namespace's Lambda authorizer
 * accepts exactly this channel with the cart id itself as the token (the API key may not subscribe to carts).
 */
function subscribeCart() {
  const cartId = state.cartId;
  if (state.cartChannelFor === cartId) return;
  if (state.cartChannel) state.cartChannel.then(c => c.close());
  state.cartChannelFor = cartId;
  state.cartChannel = subscribe('/carts/' + cartId, {
    onFrame: frame => { if (state.cartId === cartId) cartFrame(frame); },
    options: { authMode: 'lambda', authToken: cartId },
  });
}

function cartFrame(frame) {
  if (!frame || typeof frame !== 'object') return;
  // Holds from the chat ("SOLD") are placed by the server: the brand hears of them, it cannot veto them.
  if (frame.type === 'held') {
    toast('Added to your cart: ' + titleOf(frame.sku) + ' ×' + frame.quantity, 'good');
    embed.emit('HOLD_PLACED', { sku: frame.sku, quantity: frame.quantity });
    afterHold();
  } else if (frame.type === 'holdRefused') {
    toast(refusedText(frame.code, frame.sku), 'bad');
    embed.emit('HOLD_REFUSED', { sku: frame.sku, code: frame.code });
  } else if (frame.type === 'waitlistHeld') {
    embed.emit('HOLD_PLACED', { sku: frame.sku, quantity: frame.quantity });
    state.waitlist.delete(frame.sku);
    renderWaitlist();
    toast('Good news: ' + titleOf(frame.sku) + ' is back and held for you', 'good');
    afterHold();
  }
}

function afterHold() {
  refreshCart();
  refreshStock();
}

function refusedText(code, sku) {
  const title = sku ? titleOf(sku) : '';
  switch (code) {
    case 'SOLD_OUT': return 'Sold out' + (title ? ': ' + title : '');
    case 'QUANTITY_LIMIT': return 'You already hold the most you can buy of ' + (title || 'this one');
    case 'NOTHING_FEATURED': return 'Nothing on screen right now';
    case 'CART_FULL': return 'Your cart is full — check out first';
    case 'CURRENCY_MISMATCH': return 'Your cart is in another currency — check out first';
    case 'PRODUCT_NOT_FOUND': return 'That product is no longer sold';
    case 'TRY_AGAIN': return 'Too many buyers at once — type it again';
    default: return 'Could not add it to your cart' + (code ? ' (' + code + ')' : '');
  }
}

/** A short message over the page (text only), gone after a few seconds; at most three at once. */
function toast(text, kind) {
  const box = $('#toasts');
  const t = el('div', { class: 'toast toast-' + kind, text });
  box.append(t);
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => t.remove(), 8000);
}

function claimed(frame) {
  if (!state.featured || (frame.sku && frame.sku !== state.featured.sku) || !frame.name) return;
  const line = $('#claimed');
  line.textContent = frame.name + ' just claimed it';
  line.hidden = false;
  clearTimeout(state.claimedTimer);
  state.claimedTimer = setTimeout(() => { line.hidden = true; }, 6000);
}

function tick() {
  const s = state.session;
  if (!s) return;
  if (state.phase === 'SCHEDULED') {
    const left = Date.parse(s.startsAt) - Date.now();
    $('#countdown').textContent = left > 0 ? duration(left) : 'a moment';
  }
  const h = state.featured;
  if (h && h.dealEndsAt) {
    const left = Date.parse(h.dealEndsAt) - Date.now();
    $('#featured-deal-countdown').textContent = duration(left);
    if (left <= 0) $('#featured-deal').hidden = true;
  }
  renderHoldCountdowns();
  renderOrderNote();
}

// ---- product rail ----

function renderRail(lineup) {
  const rail = $('#rail');
  const featuredSku = state.featured && state.featured.sku;
  // Rebuilt only when something changed, so keyboard focus in the rail survives the polling.
  const key = JSON.stringify([lineup, featuredSku, state.phase]);
  if (rail.dataset.key === key) return;
  rail.dataset.key = key;
  rail.replaceChildren(...(lineup || []).map(p => {
    const deal = p.dealPriceCents != null && (!p.dealEndsAt || Date.parse(p.dealEndsAt) > Date.now());
    return el('li', { 'data-sku': p.sku, class: p.sku === featuredSku ? 'current' : '' },
      el('span', { class: 'rail-title', text: titleOf(p.sku) }),
      el('span', { class: 'rail-price', text: money(deal ? p.dealPriceCents : p.priceCents, p.currency) }),
      el('span', { class: 'rail-stock muted', text: p.available > 0 ? p.available + ' left' : 'Sold out' }),
      state.phase === 'SCHEDULED' ? null
        : el('button', { class: 'button small', type: 'button', disabled: p.available <= 0, text: 'Add',
          'aria-label': 'Add ' + (p.title || p.sku) + ' to cart', onclick: () => addToCart(p.sku) }));
  }));
}

// ---- before the show ----

let reminderWired = false;
function wireReminder() {
  if (reminderWired) return;
  reminderWired = true;
  $('#reminder-form').addEventListener('submit', async e => {
    e.preventDefault();
    const out = $('#reminder-result');
    const email = $('#reminder-email').value.trim();
    out.textContent = '';
    out.dataset.code = '';
    try {
      // 202 PENDING_CONFIRMATION whether the address is new or known: the e-mail's link confirms it.
      await api('POST', '/sessions/' + encodeURIComponent(sessionId) + '/reminders', { body: { email } });
      out.textContent = 'Check your inbox to confirm: unless ' + email + ' is already confirmed, a link is on its way.';
      out.dataset.code = 'PENDING_CONFIRMATION';
      // Locally nothing leaves the machine: the local SES keeps the email in its mailbox page.
      if (state.local) {
        out.append(' ', el('a', { href: '/_local/mailbox?to=' + encodeURIComponent(email), target: '_blank', rel: 'noopener',
          id: 'reminder-mailbox', text: 'Open the local mailbox' }));
      }
    } catch (err) {
      out.dataset.code = err.code || '';
      out.textContent = err.code === 'RATE_LIMITED'
        ? 'Too many sign-ups from your network — try again' + (err.retryAfter ? ' in ' + err.retryAfter + ' s.' : ' in a minute.')
        : err.code === 'SESSION_ENDED' ? 'This show has ended.'
        : err.code === 'SESSION_NOT_FOUND' ? 'This show does not exist.'
        : err.message;
    }
  });
}

// ---- replay ----

async function loadReplay() {
  const list = $('#chapters');
  try {
    const t = await api('GET', '/sessions/' + encodeURIComponent(sessionId) + '/timeline');
    state.player = await startReplay($('#stage'), { replayUrl: state.session.replay && state.session.replay.url, local: state.local });
    $('#replay-note').textContent = t.chapters.length ? 'Jump to a product:' : 'No products were featured in this show.';
    list.replaceChildren(...t.chapters.map(c => el('li', {},
      el('button', { type: 'button', class: 'chapter', 'data-offset-ms': c.offsetMs, onclick: () => state.player && state.player.seek(c.offsetMs) },
        el('span', { class: 'chapter-time', text: duration(c.offsetMs) }),
        el('span', { class: 'chapter-title', text: c.title }),
        el('span', { class: 'chapter-price', text: money(c.dealPriceCents != null ? c.dealPriceCents : c.priceCents, lineupCurrency(c.sku)) })))));
  } catch (e) {
    $('#replay-note').textContent = 'The chapters could not be loaded: ' + e.message;
  }
}

function lineupCurrency(sku) {
  const p = (state.session.lineup || []).find(x => x.sku === sku);
  return p && p.currency ? p.currency : 'USD';
}

// ---- chat ----

function chat() {
  let name = localStorage.getItem('liveshop.name');
  // A random default name: never derived from the cart id, which the chat would show to everyone.
  if (!name) { name = 'Viewer-' + (1000 + crypto.getRandomValues(new Uint16Array(1))[0] % 9000); localStorage.setItem('liveshop.name', name); }
  showViewers(state.session.viewerCount);
  connectChat($('#chat'), {
    // The ticket is bound to the cart being filled: "SOLD" in the chat holds the product on screen in it.
    sessionId, name, pinned: state.session.pinnedMessage, cartId: () => state.cartId,
    handlers: {
      chatSettings: frame => {
        if (frame.buyKeyword) { state.buyKeyword = frame.buyKeyword; state.keywordPushed = true; renderBuyHint(); }
      },
      claimed,
      // Once the subscription is live, one more read after the reads' cache lifetime (CDN 2 s + browser 1 s): a status
      // pushed between the page's first read and AppSync's acknowledgement (a show going live as the page opens) would
      // otherwise wait for the ~15 s safety-net poll.
      connected: open => { const was = state.pushed; state.pushed = open; if (open && !was) setTimeout(refreshSession, 3000); },
      // IVS's own viewer count (~every 15 s while live), published once to /shows/{id}.
      viewers: count => showViewers(count),
      highlight: frame => { if (!state.featured || state.featured.highlightId !== frame.highlightId) feature({ ...frame, at: frame.at || new Date().toISOString() }); },
      // Pushed when the featured product's availability changes (at most 1/s); the stock poll is the fallback.
      stock: frame => { if (state.featured && state.featured.sku === frame.sku) setStock(frame.available); },
      status: frame => { if (!state.session || frame.status !== state.session.status) refreshUntil(frame.status); },
    },
  });
}

function showViewers(count) {
  if (count == null) return;
  const v = $('#viewers');
  v.hidden = false;
  v.textContent = count + ' watching';
}

// ---- cart and checkout ----

function wireCart() {
  const drawer = $('#cart');
  const open = show => {
    drawer.hidden = !show;
    $('#cart-button').setAttribute('aria-expanded', String(show));
    if (show) $('#cart-close').focus(); else $('#cart-button').focus();
  };
  $('#cart-button').addEventListener('click', () => open(drawer.hidden));
  $('#cart-close').addEventListener('click', () => open(false));
  document.addEventListener('keydown', e => { if (e.key === 'Escape' && !drawer.hidden) open(false); });
  $('#featured-add').addEventListener('click', () => state.featured && addToCart(state.featured.sku));
  $('#checkout-form').addEventListener('submit', e => { e.preventDefault(); checkout(); });
  $('#pay-button').addEventListener('click', () => testPayment('PAID'));
  $('#fail-button').addEventListener('click', () => testPayment('FAILED'));
  // Another tab placed an order and started a new cart: fill that one here too, not the ordered one.
  window.addEventListener('storage', e => {
    if (e.key === CART_KEY && e.newValue && e.newValue !== state.cartId && UUID_V4.test(e.newValue)) {
      state.cartId = e.newValue;
      state.attempt = null;
      state.waitlist.clear();
      renderWaitlist();
      subscribeCart();
      refreshCart();
    }
  });
}

async function addToCart(sku) {
  const message = $('#featured-message');
  message.textContent = '';
  const verdict = await embed.beforeAddToCart(itemFor(sku));
  if (!verdict.ok) {
    message.textContent = 'Not added' + (verdict.reason ? ': ' + verdict.reason : ' by the shop');
    return;
  }
  try {
    const hold = await holdOne(sku);
    embed.emit('HOLD_PLACED', { sku, quantity: hold.quantity, expiresAt: hold.expiresAt });
    await refreshCart();
    refreshStock();
    refreshSession();
  } catch (e) {
    embed.emit('HOLD_REFUSED', { sku, code: e.code });
    message.textContent = e.code === 'SOLD_OUT' ? 'Sold out — all units are in carts.' :
      e.code === 'QUANTITY_LIMIT' ? 'You already hold the most you can buy of this one.' : e.message;
  }
}

/** What the brand's ADD_TO_CART handler sees: one unit of the product, at the price on screen. */
function itemFor(sku) {
  const p = ((state.session && state.session.lineup) || []).find(x => x.sku === sku) || {};
  const h = state.featured && state.featured.sku === sku ? state.featured : p;
  const deal = dealRunning(sku) && h.dealPriceCents != null;
  return { sku, quantity: 1, title: titleOf(sku), priceCents: deal ? h.dealPriceCents : (h.priceCents ?? p.priceCents),
    currency: h.currency || p.currency || 'USD' };
}

/**
 * POST /carts/{id}/items for one unit. A sku whose deal is running needs a solved proof-of-work challenge (pow.js); a
 * CHALLENGE_INVALID answer (a deal that started since the page looked, or a solution that expired) gets one retry.
 */
async function holdOne(sku) {
  // sessionId: the show's stats count the hold, with the highlight on screen now.
  const hold = headers => api('POST', '/carts/' + state.cartId + '/items', { body: { sku, quantity: 1, sessionId }, headers });
  try {
    return await hold(dealRunning(sku) ? { [POW_HEADER]: await powSolution() } : {});
  } catch (e) {
    if (e.code !== 'CHALLENGE_INVALID') throw e;
    return hold({ [POW_HEADER]: await powSolution({ fresh: true }) });
  }
}

/** Whether the page knows of a running deal on `sku` (the featured product or the show's lineup). */
function dealRunning(sku) {
  const running = p => p && p.sku === sku && p.dealPriceCents != null && (!p.dealEndsAt || Date.parse(p.dealEndsAt) > Date.now());
  return running(state.featured) || ((state.session && state.session.lineup) || []).some(running);
}

async function refreshCart() {
  const cartId = state.cartId;
  let c;
  try {
    c = await api('GET', '/carts/' + cartId);
  } catch (e) {
    return;
  }
  if (cartId === state.cartId) renderCart(c); // else a new cart was started meanwhile
}

function renderCart(c) {
  state.cart = c;
  const count = c.items.reduce((n, i) => n + i.quantity, 0);
  $('#cart-count').textContent = String(count);
  $('#cart-items').replaceChildren(...c.items.map(i => el('li', { 'data-sku': i.sku },
    el('span', { class: 'cart-title', text: i.quantity + ' × ' + (i.title || i.sku) }),
    el('span', { class: 'cart-price', text: money(i.lineTotalCents, c.currency || 'USD') }),
    el('span', { class: 'hold-expiry muted', 'data-expires-at': i.expiresAt }),
    el('button', { class: 'button small secondary', type: 'button', text: 'Remove', 'aria-label': 'Remove ' + (i.title || i.sku),
      onclick: () => removeItem(i.sku) }))));
  const expired = c.expiredItems || [];
  $('#cart-expired').hidden = expired.length === 0;
  $('#cart-expired').textContent = expired.length ? 'Hold ran out for: ' + expired.map(x => x.title || x.sku).join(', ') : '';
  $('#cart-empty').hidden = c.items.length > 0;
  $('#cart-total').textContent = c.items.length ? money(c.totalCents, c.currency || 'USD') : '—';
  $('#checkout-button').disabled = c.items.length === 0;
  renderHoldCountdowns();
  embed.cartChanged(state.cartId, c.items.map(i => ({ sku: i.sku, quantity: i.quantity, title: titleOf(i.sku),
    lineTotalCents: i.lineTotalCents, currency: c.currency || 'USD' })));
}

function renderHoldCountdowns() {
  let expired = false;
  for (const span of document.querySelectorAll('#cart-items .hold-expiry')) {
    const left = Date.parse(span.dataset.expiresAt) - Date.now();
    span.textContent = left > 0 ? 'held for ' + duration(left) : 'hold expired';
    if (left <= 0) expired = true;
  }
  if (expired && !state.refreshingAfterExpiry) {
    state.refreshingAfterExpiry = true;
    setTimeout(() => { state.refreshingAfterExpiry = false; refreshCart(); }, 5000);
  }
}

async function removeItem(sku) {
  try {
    await api('DELETE', '/carts/' + state.cartId + '/items/' + encodeURIComponent(sku));
  } catch (e) { /* already gone */ }
  await refreshCart();
  refreshStock();
}

/**
 * One Idempotency-Key per checkout attempt: generated for a new (cart, email, items) and reused when the same
 * attempt is retried after a network error, a 5xx or TRY_AGAIN, so a retry can never create a second order.
 * Only a placed order (201) ends the attempt and starts a new cart; a failed one keeps the cart and the key.
 */
async function checkout() {
  const email = $('#checkout-email').value.trim();
  const message = $('#checkout-message');
  message.textContent = '';
  const cartId = state.cartId;
  const items = (state.cart && state.cart.items) || [];
  // A brand with its own checkout takes over here (it gets the cart, never the e-mail): ours does not run.
  $('#checkout-button').disabled = true;
  const ours = await embed.beforeCheckout({ cartId, totalCents: state.cart ? state.cart.totalCents : 0,
    currency: (state.cart && state.cart.currency) || 'USD', items: items.map(i => ({ sku: i.sku, quantity: i.quantity })) });
  if (!ours) {
    message.textContent = 'The shop takes over the checkout.';
    $('#checkout-button').disabled = false;
    return;
  }
  const fingerprint = cartId + '|' + email + '|' + JSON.stringify(items.map(i => [i.sku, i.quantity]));
  if (!state.attempt || state.attempt.fingerprint !== fingerprint) {
    state.attempt = { key: crypto.randomUUID(), fingerprint };
  }
  let order;
  try {
    order = await api('POST', '/orders', { body: { cartId, email }, headers: { 'Idempotency-Key': state.attempt.key } });
  } catch (e) {
    const retryable = e.status === 0 || e.status >= 500 || e.code === 'TRY_AGAIN';
    if (!retryable) state.attempt = null;
    message.textContent = retryable ? 'Could not place the order (' + e.message + '). Try again — you will not be charged twice.'
      : e.code === 'HOLDS_EXPIRED' ? 'A hold in your cart ran out. Remove it and try again.' : e.message;
    $('#checkout-button').disabled = false;
    return;
  }
  state.attempt = null;
  rememberOrder(order.orderId, order.orderToken);
  showOrder(order);
  // The placed cart is done: what the viewer adds next goes into a new one (its own channel, its own chat ticket).
  leaveAllWaitlists(cartId);
  state.cartId = newCartId();
  subscribeCart();
  renderCart({ items: [], expiredItems: [], totalCents: 0 });
  await refreshCart();
}

/** Keeps the order shown, and its token (null when the API sends none), in memory and in localStorage. */
function rememberOrder(orderId, orderToken) {
  clearTimeout(state.orderPoll);
  state.orderId = orderId;
  state.orderToken = orderToken || null;
  state.order = null;
  localStorage.setItem(ORDER_KEY, JSON.stringify({ orderId, orderToken: state.orderToken }));
}

function forgetOrder() {
  clearTimeout(state.orderPoll);
  state.orderId = state.orderToken = state.order = null;
  localStorage.removeItem(ORDER_KEY);
}

/** After a reload: the last order placed here, read again with its token (pollOrder shows it). */
function restoreOrder() {
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(ORDER_KEY) || 'null'); } catch (e) { /* unreadable: nothing to show */ }
  if (!saved || typeof saved.orderId !== 'string') return localStorage.removeItem(ORDER_KEY);
  state.orderId = saved.orderId;
  state.orderToken = typeof saved.orderToken === 'string' && saved.orderToken ? saved.orderToken : null;
  pollOrder();
}

function showOrder(order) {
  const before = state.order;
  state.order = order;
  // Once, when this page saw the order become paid (not for an order read again on the brand's next page).
  if (order.status === 'CONFIRMED' && before && before.orderId === order.orderId && before.status !== 'CONFIRMED') {
    embed.emit('ORDER_CONFIRMED', { orderId: order.orderId, status: order.status, total: order.totalCents, currency: order.currency });
  }
  $('#order').hidden = false;
  $('#order-id').textContent = order.orderId.slice(0, 8);
  $('#order').dataset.orderId = order.orderId;
  $('#order-status').textContent = statusText(order.status);
  $('#order-status').dataset.status = order.status;
  $('#order-total').textContent = money(order.totalCents, order.currency);
  renderOrderNote();
  $('#test-payment').hidden = !(state.local && order.status === 'PENDING_PAYMENT');
  clearTimeout(state.orderPoll);
  if (order.status === 'PENDING_PAYMENT') state.orderPoll = setTimeout(pollOrder, 1500);
}

/** "Pay by 14:05 · 4:59 left" while the payment is due; the reason in words once cancelled. */
function renderOrderNote() {
  const o = state.order;
  const due = $('#order-due');
  const dueAt = o && o.status === 'PENDING_PAYMENT' && o.paymentDueAt ? Date.parse(o.paymentDueAt) : NaN;
  due.hidden = Number.isNaN(dueAt);
  if (!due.hidden) {
    const at = new Date(dueAt), left = dueAt - Date.now();
    const hhmm = String(at.getHours()).padStart(2, '0') + ':' + String(at.getMinutes()).padStart(2, '0');
    due.textContent = 'Pay by ' + hhmm + (left > 0 ? ' · ' + duration(left) + ' left' : ' · time is up');
  }
  const reason = $('#order-reason');
  reason.textContent = o && o.status === 'CANCELLED' ? cancelText(o.cancelReason) : '';
  reason.hidden = !reason.textContent;
}

/** GET /orders/{id} with the order's token (the API answers 404 without it); no header when there is no token. */
async function pollOrder() {
  const orderId = state.orderId;
  if (!orderId) return;
  try {
    const order = await api('GET', '/orders/' + encodeURIComponent(orderId), { headers: { 'X-Order-Token': state.orderToken } });
    if (state.orderId === orderId) showOrder(order);
  } catch (e) {
    if (state.orderId !== orderId) return;
    // A remembered order the API does not show (gone, another stack, a token it no longer takes): forget it.
    if (!state.order && e.status >= 400 && e.status < 500) return forgetOrder();
    clearTimeout(state.orderPoll);
    state.orderPoll = setTimeout(pollOrder, 3000);
  }
}

async function testPayment(status) {
  if (!state.orderId) return;
  try {
    await api('POST', '/_local/payments/' + encodeURIComponent(state.orderId), { body: { status } });
  } catch (e) {
    $('#checkout-message').textContent = e.message;
  }
  clearTimeout(state.orderPoll);
  pollOrder();
}

function statusText(status) {
  return { PENDING_PAYMENT: 'Waiting for payment', CONFIRMED: 'Paid — confirmed', CANCELLED: 'Cancelled' }[status] || status;
}

function cancelText(reason) {
  return { PAYMENT_TIMEOUT: 'Payment time ran out', PAYMENT_FAILED: 'Payment failed' }[reason] || '';
}
