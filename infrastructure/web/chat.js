// The chat panel, written against the chat WebSocket contract: connect with ?sessionId=&name=[&token=],
// receive {"type":"chat"|"messageDeleted"|"pinned"|"viewers"|"highlight"|"stock"|"status"|"error"}, send
// {"action":"sendMessage","text"}. Message text is inserted with textContent only.
import { chatSocketUrl, el } from './api.js';

/**
 * Connects a chat panel. `root` holds .chat-log, .chat-pinned, .chat-form, .chat-status; `handlers` gets
 * connected(open), viewers(count), highlight(frame), stock(frame), status(frame), and for hosts
 * `actions(message)` returns extra buttons.
 */
export function connectChat(root, { sessionId, name, token, handlers = {} }) {
  const log = root.querySelector('.chat-log');
  const pinned = root.querySelector('.chat-pinned');
  const status = root.querySelector('.chat-status');
  const form = root.querySelector('.chat-form');
  const input = form ? form.querySelector('input') : null;
  let socket;
  let opened = false;

  const params = new URLSearchParams({ sessionId, name });
  if (token) params.set('token', token);
  try {
    socket = new WebSocket(chatSocketUrl() + '?' + params);
  } catch (e) {
    unavailable();
    return { close() {} };
  }
  status.textContent = 'Connecting to chat…';
  socket.addEventListener('open', () => {
    opened = true;
    status.textContent = '';
    root.classList.remove('chat-off');
    handlers.connected && handlers.connected(true);
  });
  socket.addEventListener('close', () => {
    handlers.connected && handlers.connected(false);
    if (!opened) unavailable();
    else status.textContent = 'Chat disconnected';
  });
  socket.addEventListener('message', event => {
    let frame;
    try { frame = JSON.parse(event.data); } catch (e) { return; }
    switch (frame.type) {
      case 'chat': append(frame); break;
      case 'messageDeleted': {
        const node = log.querySelector(`[data-message-id="${CSS.escape(String(frame.messageId))}"]`);
        if (node) node.remove();
        if (pinned.dataset.messageId === String(frame.messageId)) pin(null);
        break;
      }
      case 'pinned': pin(frame.message || frame); break;
      case 'viewers': handlers.viewers && handlers.viewers(frame.count); break;
      case 'highlight': handlers.highlight && handlers.highlight(frame); break;
      case 'stock': handlers.stock && handlers.stock(frame); break;
      case 'status': handlers.status && handlers.status(frame); break;
      case 'error': status.textContent = errorText(frame.code); break;
      default: break;
    }
  });
  if (form) {
    form.addEventListener('submit', e => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text || !socket || socket.readyState !== WebSocket.OPEN) return;
      socket.send(JSON.stringify({ action: 'sendMessage', text }));
      input.value = '';
    });
  }

  function unavailable() {
    root.classList.add('chat-off');
    status.textContent = 'Chat unavailable';
    if (input) input.disabled = true;
  }

  function append(m) {
    const line = el('li', { class: 'chat-line' + (m.role === 'host' ? ' chat-host' : ''), 'data-message-id': m.messageId },
      el('span', { class: 'chat-name', text: m.name }),
      el('span', { class: 'chat-text', text: m.text }));
    if (handlers.actions) line.append(...handlers.actions(m));
    log.append(line);
    while (log.children.length > 200) log.firstElementChild.remove();
    log.scrollTop = log.scrollHeight;
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

  return {
    close() { if (socket) socket.close(); },
  };
}

function errorText(code) {
  switch (code) {
    case 'RATE_LIMITED': return 'Slow down a little — too many messages.';
    case 'BANNED': return 'You can no longer post in this chat.';
    case 'BLOCKED_WORD': return 'That message contains a blocked word.';
    default: return 'Chat error: ' + code;
  }
}
