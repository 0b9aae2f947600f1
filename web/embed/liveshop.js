/*
 * LiveShop embed loader. A brand's page needs only
 *   <script src="https://<cdn>/embed/liveshop.js" async></script>
 *   <button data-liveshop-show="<sessionId>">Watch live</button>   (or data-liveshop-next: the live or next show)
 * The player is an iframe of ours (/embed/watch/{id}: the watch page in embed mode), so the brand's CSS and ours never
 * meet. This file reads nothing of the page but the data-liveshop-* element clicked, sets no cookie, and keeps
 * {sessionId, cartId, minimized, position} in this tab's sessionStorage ('liveshop.embed'): on the brand's next page
 * the show comes back minimized at once, with the same cart. Messages go to the iframe only with our origin as target
 * and are read only from the iframe's window with our origin. Protocol: docs/web-pages.md "Embed".
 * Ready hook: window.onLiveShopReady = player => …, called once ready, also when assigned later (a setter), and a
 * 'liveshop:ready' event on window with the player as detail.
 */
(function () {
  'use strict';
  if (window.LiveShop || !document.currentScript) return;
  performance.mark('liveshop:start');
  var ORIGIN = new URL(document.currentScript.src).origin;
  var KEY = 'liveshop.embed';
  var CORNERS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];
  var EVENT = {};
  'ADD_TO_CART HOLD_PLACED HOLD_REFUSED CART_CHANGED CHECKOUT ORDER_CONFIRMED SHOW_STATUS PRODUCT_FEATURED CLOSE'
    .split(' ').forEach(function (n) { EVENT[n] = n; });
  var CSS = ':host{all:initial}.box{position:fixed;z-index:2147483000;display:flex;flex-direction:column;background:#101418;'
    + 'box-shadow:0 8px 32px rgba(0,0,0,.35);border-radius:12px;overflow:hidden;inset:3vh 3vw}'
    + '.mini{inset:auto;width:320px;height:330px}.bottom-right{right:16px;bottom:16px}.bottom-left{left:16px;bottom:16px}'
    + '.top-right{right:16px;top:16px}.top-left{left:16px;top:16px}'
    + '.bar{display:flex;gap:6px;align-items:center;padding:4px 6px;background:#101418;color:#fff;font:600 13px system-ui,sans-serif}'
    + '.mini .bar{cursor:move;touch-action:none}.grip{flex:1}.count{white-space:nowrap}'
    + 'button{font:inherit;color:#fff;background:#2d3a4f;border:0;border-radius:6px;padding:3px 8px;cursor:pointer;white-space:nowrap}'
    + 'button:focus-visible{outline:3px solid #ffbf47}iframe{flex:1;border:0;width:100%;background:#f6f7f9}';

  var handlers = {};
  var options = { minimizedPosition: 'bottom-right' };
  var resolver = null;
  var ui = null;
  var state = load();

  function load() {
    try { return JSON.parse(sessionStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }

  function save() {
    try {
      if (state.sessionId) sessionStorage.setItem(KEY, JSON.stringify(state)); else sessionStorage.removeItem(KEY);
    } catch (e) { /* storage blocked: the show does not follow to the next page */ }
  }

  function send(message) {
    // Before the player said hello the frame still holds about:blank: the hello answer sends the whole state.
    if (ui && ui.loaded) { message.liveshop = 1; ui.frame.contentWindow.postMessage(message, ORIGIN); }
  }

  function emit(name, detail) {
    (handlers[name] || []).forEach(function (h) {
      try { h(detail); } catch (e) { setTimeout(function () { throw e; }); }
    });
  }

  /** ADD_TO_CART and CHECKOUT: the brand's handler answers through its callback; none = through. */
  function ask(m) {
    var answered = false;
    var reply = function (value) {
      if (answered) return;
      answered = true;
      send({ type: 'answer', id: m.id, value: value === false || (value && value.success === false)
        ? { success: false, reason: value && typeof value.reason === 'string' ? value.reason : null } : true });
    };
    if (m.name === 'PRODUCTS') {
      if (!resolver) return send({ type: 'answer', id: m.id, value: null });
      return Promise.resolve().then(function () { return resolver(m.detail.slice()); }).then(
        function (products) {
          var value = JSON.parse(JSON.stringify(products || null));
          // A link may be relative to the brand's page ('/p/sweater'): the player gets it absolute.
          Object.keys(value || {}).forEach(function (s) {
            var p = value[s];
            if (p && typeof p.url === 'string') {
              try { p.url = new URL(p.url, location.href).href; } catch (e) { p.url = null; }
            }
          });
          send({ type: 'answer', id: m.id, value: value });
        },
        function () { send({ type: 'answer', id: m.id, value: null }); });
    }
    var list = handlers[m.name] || [];
    if (!list.length) return reply(true);
    try { list[list.length - 1](m.detail, reply); } catch (e) { reply(true); setTimeout(function () { throw e; }); }
  }

  window.addEventListener('message', function (e) {
    var m = e.data;
    if (!ui || e.source !== ui.frame.contentWindow || e.origin !== ORIGIN || !m || m.liveshop !== 1) return;
    if (m.type === 'hello') {
      ui.loaded = true;
      send({ type: 'layout', minimized: !!state.minimized });
      send({ type: 'configure', options: options });
    } else if (m.type === 'ready') {
      performance.mark('liveshop:player-ready');
      if (m.sessionId && m.sessionId !== state.sessionId) { state.sessionId = m.sessionId; save(); }
    } else if (m.type === 'event' && EVENT[m.name]) {
      if (m.name === 'CART_CHANGED') ui.count.textContent = m.detail.count ? 'Cart ' + m.detail.count : '';
      emit(m.name, m.detail);
    } else if (m.type === 'ask') {
      ask(m);
    } else if (m.type === 'cart' && /^[0-9a-f-]{36}$/i.test(m.cartId)) {
      state.cartId = m.cartId;
      save();
    } else if (m.type === 'expand') {
      setMinimized(false);
    } else if (m.type === 'navigate') {
      // A product link of the brand: only to a page of this site, and the show follows minimized.
      var url = new URL(m.url, location.href);
      if (url.origin === location.origin && /^https?:$/.test(url.protocol)) { setMinimized(true); location.assign(url.href); }
    }
  });

  function mount(sessionId, minimized) {
    unmount();
    state.sessionId = sessionId;
    state.minimized = minimized;
    save();
    performance.mark('liveshop:open');
    var host = document.createElement('div');
    host.id = 'liveshop-player';
    var root = host.attachShadow({ mode: 'open' });
    style(root, window);
    root.innerHTML = '<div class="box" role="dialog" aria-label="Live show"><div class="bar">'
      + '<span class="grip">LIVE</span><span class="count"></span><button data-act="pip" hidden>Pop out</button>'
      + '<button data-act="toggle"></button><button data-act="close">Close</button></div>'
      + '<iframe title="Live show" allow="autoplay; fullscreen; picture-in-picture"></iframe></div>';
    ui = { host: host, root: root, box: root.querySelector('.box'), bar: root.querySelector('.bar'), frame: root.querySelector('iframe'),
      toggle: root.querySelector('[data-act=toggle]'), count: root.querySelector('.count'), loaded: false };
    var fragment = new URLSearchParams({ origin: location.origin, minimized: minimized ? '1' : '0' });
    if (state.cartId) fragment.set('cartId', state.cartId);
    ['locale', 'theme'].forEach(function (k) { if (options[k]) fragment.set(k, options[k]); });
    ui.frame.src = ORIGIN + '/embed/watch/' + encodeURIComponent(sessionId) + '#' + fragment;
    ui.toggle.onclick = function () { setMinimized(!state.minimized); };
    root.querySelector('[data-act=close]').onclick = close;
    // Document Picture-in-Picture (Chromium desktop, top-level pages): the player moves into its own window.
    if ('documentPictureInPicture' in window && window.top === window) {
      var pip = root.querySelector('[data-act=pip]');
      pip.hidden = false;
      pip.onclick = popOut;
    }
    drag(ui.bar);
    layout();
    document.body.append(host);
  }

  /** A constructed style sheet (the brand's CSP need not allow inline styles), made by the window showing the player. */
  function style(root, win) {
    var sheet = new win.CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  }

  function unmount() {
    if (ui) ui.host.remove();
    ui = null;
  }

  /** Moving an iframe to another document reloads it: the player then says hello again and gets the state. */
  function popOut() {
    window.documentPictureInPicture.requestWindow({ width: 420, height: 640 }).then(function (w) {
      var current = ui;
      current.loaded = false;
      setMinimized(false);
      w.document.body.append(current.host);
      style(current.root, w);
      w.addEventListener('pagehide', function () {
        if (ui !== current) return;
        current.loaded = false;
        document.body.append(current.host);
        style(current.root, window);
      });
    });
  }

  function layout() {
    var corner = CORNERS.indexOf(options.minimizedPosition) >= 0 ? options.minimizedPosition : CORNERS[0];
    ui.box.className = 'box' + (state.minimized ? ' mini ' + corner : '');
    ui.toggle.textContent = state.minimized ? 'Expand' : 'Minimize';
    var p = state.minimized && state.position;
    ui.box.style.left = p ? p.x + 'px' : '';
    ui.box.style.top = p ? p.y + 'px' : '';
    if (p) { ui.box.style.right = 'auto'; ui.box.style.bottom = 'auto'; } else { ui.box.style.right = ui.box.style.bottom = ''; }
  }

  function setMinimized(value) {
    if (!ui) return;
    state.minimized = value;
    save();
    layout();
    send({ type: 'layout', minimized: value });
  }

  /** The miniplayer is dragged by its bar; where it was left is kept for the next page. */
  function drag(bar) {
    bar.addEventListener('pointerdown', function (e) {
      if (!state.minimized || e.target.closest('button')) return;
      var box = ui.box.getBoundingClientRect();
      var dx = e.clientX - box.left;
      var dy = e.clientY - box.top;
      bar.setPointerCapture(e.pointerId);
      var move = function (ev) {
        state.position = {
          x: Math.round(Math.min(Math.max(0, ev.clientX - dx), innerWidth - box.width)),
          y: Math.round(Math.min(Math.max(0, ev.clientY - dy), innerHeight - box.height)),
        };
        layout();
      };
      bar.addEventListener('pointermove', move);
      bar.addEventListener('pointerup', function () { bar.removeEventListener('pointermove', move); save(); }, { once: true });
    });
  }

  function open(sessionId) {
    // The show on screen (or, for data-liveshop-next, whichever the player found) comes back instead of reloading.
    if (ui && (state.sessionId === sessionId || sessionId === 'next')) return setMinimized(false);
    mount(String(sessionId), false);
  }

  function close() {
    if (!ui) return;
    unmount();
    state = {};
    save();
    emit('CLOSE', {});
  }

  var player = {
    EVENT: EVENT,
    configure: function (o) {
      ['locale', 'currency', 'theme', 'minimizedPosition'].forEach(function (k) { if (o && typeof o[k] === 'string') options[k] = o[k]; });
      if (ui) { layout(); send({ type: 'configure', options: options }); }
    },
    open: open,
    minimize: function () { setMinimized(true); },
    close: close,
    on: function (name, handler) {
      if (EVENT[name] && typeof handler === 'function') (handlers[name] = handlers[name] || []).push(handler);
    },
    products: function (fn) { resolver = typeof fn === 'function' ? fn : null; },
  };
  window.LiveShop = player;

  // The elements the brand gives us, wherever and whenever they appear on its page.
  document.addEventListener('click', function (e) {
    var el = e.target.closest && e.target.closest('[data-liveshop-show],[data-liveshop-next]');
    if (!el) return;
    e.preventDefault();
    var id = el.getAttribute('data-liveshop-show');
    // data-liveshop-next: the player finds the live or next show itself (the rule of our own / page).
    open(id || 'next');
  });

  function restore() {
    if (state.sessionId && !ui) mount(state.sessionId, true);
  }
  if (document.body) restore(); else document.addEventListener('DOMContentLoaded', restore);

  function ready(fn) {
    if (typeof fn === 'function') try { fn(player); } catch (e) { setTimeout(function () { throw e; }); }
  }
  var hook = window.onLiveShopReady;
  Object.defineProperty(window, 'onLiveShopReady', {
    configurable: true,
    get: function () { return hook; },
    set: function (fn) { hook = fn; ready(fn); },
  });
  ready(hook);
  window.dispatchEvent(new CustomEvent('liveshop:ready', { detail: player }));
})();
