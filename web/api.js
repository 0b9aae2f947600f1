// The API client the pages share: one fetch wrapper, errors in the API's {"error":{"code","message"}} shape.
import config from './config.js';

export const apiBase = (document.querySelector('meta[name="liveshop-api"]')?.content || config.apiBase || '')
  .replace(/\/$/, '');

/** Where the public reads go: the CDN (config.js cdnBase), else the API. */
export const cdnBase = (config.cdnBase || '').replace(/\/$/, '') || apiBase;

/** The routes the CDN caches (shared CacheControl.PUBLIC_READS, template.yaml's cached behaviours), GET only. */
const PUBLIC_READS = [
  /^\/products(\?|$)/,
  /^\/products\/[^/?]+(\?|$)/,
  /^\/sessions(\?|$)/,
  /^\/sessions\/[^/?]+(\?|$)/,
  /^\/sessions\/[^/?]+\/(timeline|messages|calendar\.ics)(\?|$)/,
];

/**
 * The base URL for a call: public GETs through the CDN, the rest to the API. A public read sent with a token (the
 * host console, which must see its own changes at once) is answered no-store: never shared, never kept.
 */
export function baseFor(method, path) {
  return method === 'GET' && PUBLIC_READS.some(r => r.test(path)) ? cdnBase : apiBase;
}

/** ws(s):// version of the API origin (the local stack's player socket). */
export function wsOrigin() {
  const base = apiBase || window.location.origin;
  return base.replace(/^http/, 'ws');
}

export class ApiError extends Error {
  /** retryAfter: the Retry-After header in seconds (429 RATE_LIMITED / SLOW_MODE), else null. */
  constructor(status, code, message, retryAfter = null) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/**
 * Calls the API; resolves with the parsed JSON (null for 204), rejects with ApiError. `headers` are sent as given
 * (e.g. Idempotency-Key, X-Order-Token); one whose value is null or undefined is left out rather than sent as
 * the text "undefined".
 */
export async function api(method, path, { body, token, headers = {} } = {}) {
  const h = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && value !== null) h[name] = String(value);
  if (body !== undefined) h['content-type'] = 'application/json';
  if (token) h.authorization = 'Bearer ' + token;
  let response;
  try {
    response = await fetch(baseFor(method, path) + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', 'The API could not be reached');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
  if (!response.ok) {
    const err = json && json.error ? json.error : { code: 'HTTP_' + response.status, message: text.slice(0, 200) };
    const retryAfter = Number.parseInt(response.headers.get('retry-after') || '', 10);
    throw new ApiError(response.status, err.code, err.message, Number.isFinite(retryAfter) ? retryAfter : null);
  }
  return json;
}

let localIndex;
/** The local stack's index (GET /_local), or null against a deployed stack; asked once per page. */
export function local() {
  if (!localIndex) {
    localIndex = api('GET', '/_local').then(index => (index && index.endpoints ? index : null), () => null);
  }
  return localIndex;
}

/** True when the API is the local stack (GET /_local answers), which enables the test controls. */
export async function isLocal() {
  return !!(await local());
}

/**
 * The AppSync Events API the pages subscribe to: {http, apiKey, region} from config.js (a deployed stack's
 * EventsHttpEndpoint and EventsApiKey outputs), else the local stack's from GET /_local; null when neither has one.
 * `local` says whether it is the local stack's (plain HTTP on loopback).
 */
export async function eventsConfig() {
  const c = config.events || {};
  if (c.http && c.apiKey) return { http: c.http, apiKey: c.apiKey, region: c.region || 'us-east-1', local: false };
  const index = await local();
  const e = index && index.events;
  if (!e || !e.http || !e.apiKey) return null;
  return { http: e.http, apiKey: e.apiKey, region: c.region || 'us-east-1', local: true };
}

/** Finds the local IVS channel ARN for a playback URL (GET /_local/ivs/channels). */
export async function localChannelFor(playbackUrl) {
  const channels = await api('GET', '/_local/ivs/channels');
  return channels.find(c => c.playbackUrl === playbackUrl) || null;
}

export function money(cents, currency = 'USD') {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
  } catch (e) {
    return (cents / 100).toFixed(2) + ' ' + currency;
  }
}

/** "1:05:09" / "4:09" / "0:07" */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return (h ? h + ':' : '') + mm + ':' + String(s).padStart(2, '0');
}

/** Creates an element; text always goes in as textContent, never as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

export function $(selector) {
  return document.querySelector(selector);
}
