// Page addresses that work both on the local stack (/watch/{id}) and on a plain static host (watch.html?session=).
const served = !/\.html$/.test(window.location.pathname) && !window.location.pathname.startsWith('/web/');

export function watchUrl(sessionId) {
  return served ? '/watch/' + encodeURIComponent(sessionId) : 'watch.html?session=' + encodeURIComponent(sessionId);
}

export function sessionIdFromLocation() {
  const m = window.location.pathname.match(/\/watch\/([^/]+)$/);
  if (m) return decodeURIComponent(m[1]);
  return new URLSearchParams(window.location.search).get('session');
}
