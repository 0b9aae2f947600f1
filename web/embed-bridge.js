// The player's side of the embed: the viewer page served at /embed/watch/{sessionId} inside an iframe that
// /embed/liveshop.js placed on a brand's page. It talks to the loader with postMessage only: every message goes to
// window.parent with the brand's origin as its target, and only messages from window.parent with that origin are read.
// The brand's origin comes in the URL fragment (never sent to a server) and must match location.ancestorOrigins where
// the browser tells it ("null" under a no-referrer policy: then postMessage's target origin alone keeps the messages
// to that origin). On the standalone watch page `embedded` is false and every hook is a no-op.
// Protocol and rules: docs/web-pages.md "Embed".
import { $ } from './api.js';

const fragment = new URLSearchParams(window.location.hash.slice(1));
const claimed = fragment.get('origin') || '';
const ancestor = window.location.ancestorOrigins && window.location.ancestorOrigins.length
  ? window.location.ancestorOrigins[0] : null;
const brandOrigin = window.location.pathname.startsWith('/embed/') && window.parent !== window
  && /^https?:\/\/[^/?#]+$/.test(claimed) && (ancestor === null || ancestor === 'null' || ancestor === claimed)
  ? claimed : null;

/** True inside a brand's page (the loader's iframe), false on the standalone watch page. */
export const embedded = brandOrigin !== null;
/** The cart the buyer already fills on the brand's site (the loader keeps it per tab), else null. */
export const initialCartId = embedded ? fragment.get('cartId') : null;
/** The loader asks for "the live or next show" with this session id in the path. */
export const NEXT_SHOW = 'next';

// ADD_TO_CART and CHECKOUT wait for the brand's answer this long; a handler that never calls back lets the action
// through (as no handler does), so a broken brand script cannot freeze the cart. Product hydration waits less: the
// cards show our own data when the brand's resolver is slow.
const ASK_TIMEOUT_MS = 10000;
const HYDRATE_TIMEOUT_MS = 1500;
const pending = new Map();
const brandProducts = new Map();
let nextAsk = 1;
let minimized = false;
let lastCart = '';

function post(message) {
  window.parent.postMessage({ liveshop: 1, ...message }, brandOrigin);
}

if (embedded) {
  document.body.classList.add('embed');
  window.addEventListener('message', e => {
    const m = e.data;
    if (e.source !== window.parent || e.origin !== brandOrigin || !m || m.liveshop !== 1) return;
    if (m.type === 'answer' && pending.has(m.id)) {
      pending.get(m.id)(m.value);
      pending.delete(m.id);
    } else if (m.type === 'layout') {
      setMinimized(!!m.minimized);
    } else if (m.type === 'configure') {
      configure(m.options || {});
    }
  });
  setMinimized(fragment.get('minimized') === '1');
  configure({ locale: fragment.get('locale'), theme: fragment.get('theme') });
  // In the miniplayer the cart count is a button: it brings the player back, with the cart drawer open.
  $('#cart-button').addEventListener('click', () => { if (minimized) post({ type: 'expand' }); });
  $('#featured-link').addEventListener('click', e => {
    e.preventDefault();
    post({ type: 'navigate', url: e.currentTarget.href });
  });
  post({ type: 'hello' });
}

function setMinimized(value) {
  minimized = value;
  document.body.classList.toggle('embed-mini', value);
}

/** locale: the language of the page (screen readers, number formats); theme: 'light' or 'dark'. */
function configure({ locale, theme }) {
  if (typeof locale === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale)) document.documentElement.lang = locale;
  if (theme === 'light' || theme === 'dark') document.body.dataset.theme = theme;
}

/** Asks the brand's page (the loader runs the handler); resolves with its answer, or `fallback` when there is none. */
function ask(name, detail, fallback, timeoutMs = ASK_TIMEOUT_MS) {
  if (!embedded) return Promise.resolve(fallback);
  return new Promise(resolve => {
    const id = nextAsk++;
    pending.set(id, resolve);
    post({ type: 'ask', id, name, detail });
    setTimeout(() => { if (pending.delete(id)) resolve(fallback); }, timeoutMs);
  });
}

/** ADD_TO_CART: {ok: true} lets the hold through; {ok: false, reason} when the brand vetoed it. */
export async function beforeAddToCart(item) {
  const answer = await ask('ADD_TO_CART', item, true);
  if (!refused(answer)) return { ok: true };
  return { ok: false, reason: answer && typeof answer.reason === 'string' ? answer.reason.slice(0, 200) : null };
}

/** CHECKOUT: true when ours runs, false when the brand's own checkout takes over. */
export async function beforeCheckout(order) {
  return !refused(await ask('CHECKOUT', order, true));
}

/** The brand's callback said no: false, or {success: false, reason} (the loader passes both on as the latter). */
function refused(answer) {
  return answer === false || (!!answer && typeof answer === 'object' && answer.success === false);
}

/** An event for the brand's handlers (never an email, an order token, a payment id or a chat ticket). */
export function emit(name, detail) {
  if (embedded) post({ type: 'event', name, detail });
}

/** CART_CHANGED once per change, and the cart in use for the loader (which reopens it on the brand's next page). */
export function cartChanged(cartId, items) {
  if (!embedded) return;
  const detail = { count: items.reduce((n, i) => n + i.quantity, 0), items };
  const key = cartId + JSON.stringify(detail);
  if (key === lastCart) return;
  lastCart = key;
  post({ type: 'cart', cartId });
  emit('CART_CHANGED', detail);
}

/** The show's first paint is done: the loader notes the time (its first-paint figure). */
export function ready(sessionId) {
  if (embedded) post({ type: 'ready', sessionId });
}

/**
 * The brand's own title, image and product page for these skus (player.products(resolver)), kept for product().
 * Only text, an https or data:image image and an http(s) link are taken.
 */
export async function hydrate(skus) {
  if (!embedded || !skus.length) return;
  const answer = await ask('PRODUCTS', skus, null, HYDRATE_TIMEOUT_MS);
  if (!answer || typeof answer !== 'object') return;
  for (const sku of skus) {
    const p = answer[sku];
    if (!p || typeof p !== 'object') continue;
    brandProducts.set(sku, {
      title: typeof p.title === 'string' ? p.title.slice(0, 200) : null,
      image: typeof p.image === 'string' && /^(https:|data:image\/)/.test(p.image) ? p.image : null,
      url: typeof p.url === 'string' && /^https?:\/\//.test(p.url) ? p.url : null,
    });
  }
}

/** The brand's data for a sku ({title, image, url}, each possibly null), or null. */
export function product(sku) {
  return brandProducts.get(sku) || null;
}
