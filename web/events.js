// Live frames from AppSync Events through the real aws-amplify Events client, bundled at build time into
// vendor/aws-amplify/amplify-events.min.js (tools/amplify-events.js: window.LiveshopEvents = {configure, connect}).
// amplify opens one WebSocket per page; every subscribe() below adds a subscription on it.
import { eventsConfig } from './api.js';

const SCRIPT = 'vendor/aws-amplify/amplify-events.min.js';

let ready;
/** Loads and configures the client once; resolves window.LiveshopEvents, or null (no bundle, no Events API). */
function client() {
  if (!ready) ready = load();
  return ready;
}

async function load() {
  const config = await eventsConfig();
  if (!config) return null;
  const lib = await loadScript();
  if (!lib) return null;
  if (config.local) mapLoopbackToPlainWebSocket();
  lib.configure({ endpoint: config.http, region: config.region, apiKey: config.apiKey });
  return lib;
}

function loadScript() {
  if (window.LiveshopEvents) return Promise.resolve(window.LiveshopEvents);
  return new Promise(resolve => {
    const script = document.createElement('script');
    script.src = new URL(SCRIPT, import.meta.url).href;
    script.onload = () => resolve(window.LiveshopEvents || null);
    script.onerror = () => resolve(null);
    document.head.append(script);
  });
}

/**
 * amplify always turns the Events endpoint's http(s):// into wss://, but the local stack is plain HTTP on loopback
 * and has no TLS, so its real-time socket would never open. In local mode only, WebSocket URLs of exactly this
 * page's own loopback origin (localhost / 127.0.0.1 / [::1], same port) go out as ws:// instead of wss://. Every
 * other URL, and every page not served from loopback, is left untouched: a deployed stack keeps TLS.
 */
function mapLoopbackToPlainWebSocket() {
  const origin = new URL(window.location.href);
  if (origin.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(origin.hostname)) return;
  const Native = window.WebSocket;
  if (Native.liveshopLoopback) return;
  const secureOrigin = 'wss://' + origin.host + '/';
  class LoopbackWebSocket extends Native {
    constructor(url, protocols) {
      const text = String(url);
      super(text.startsWith(secureOrigin) ? 'ws://' + text.slice('wss://'.length) : text, protocols);
    }
  }
  LoopbackWebSocket.liveshopLoopback = true;
  window.WebSocket = LoopbackWebSocket;
}

/**
 * Subscribes to one channel. onFrame(event) gets each event (already parsed JSON); onState(open) says whether the
 * subscription is live (true once AppSync acknowledged it, false after an error). options: amplify's connect
 * options, e.g. {authMode: 'lambda', authToken} for /hosts. Resolves {close()}; never rejects.
 */
export async function subscribe(channel, { onFrame, onState = () => {}, options } = {}) {
  let closed = false;
  let handle = null;
  let subscription = null;
  try {
    const lib = await client();
    if (!lib) { onState(false); return { close() {} }; }
    handle = await lib.connect(channel, options);
    subscription = handle.subscribe({
      next: message => {
        if (closed) return;
        try { onFrame(message && message.event); } catch (e) { console.warn('Frame handler failed', e); }
      },
      error: () => { if (!closed) onState(false); },
    });
    if (subscription.ready) await subscription.ready;
    if (!closed) onState(true);
  } catch (e) {
    onState(false);
  }
  return {
    close() {
      closed = true;
      try { if (handle) handle.close(); } catch (e) { /* already closed */ }
    },
  };
}
