// The post-show report (/host/report/{sessionId}): the show's stats from GET /sessions/{id}/stats as totals, inline SVG
// charts and tables, printable. Every text goes in through textContent / SVG text nodes, never as markup.
import { api, money, duration, el, $ } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';
const sessionId = decodeURIComponent(window.location.pathname.split('/').filter(Boolean).pop() || '');

init();

async function init() {
  $('#print').addEventListener('click', () => window.print());
  const token = sessionStorage.getItem('liveshop.hostToken');
  if (!token) {
    $('#report-login').hidden = false;
    return;
  }
  let session, stats;
  try {
    session = await api('GET', '/sessions/' + encodeURIComponent(sessionId));
    stats = await api('GET', '/sessions/' + encodeURIComponent(sessionId) + '/stats', { token });
  } catch (e) {
    if (e.status === 401 || e.status === 403) $('#report-login').hidden = false;
    $('#report-error').textContent = (e.code ? e.code + ': ' : '') + e.message;
    return;
  }
  render(session, stats);
}

function render(session, stats) {
  document.title = session.title + ' — show report';
  $('#report-title').textContent = session.title;
  $('#report-when').textContent = new Date(session.liveAt || session.startsAt).toLocaleString() + ' · ' + session.status;
  const currency = stats.currency || (session.lineup[0] && session.lineup[0].currency) || 'USD';
  const titles = new Map(session.lineup.map(p => [p.sku, p.title]));
  const title = sku => titles.get(sku) || sku;
  $('#r-peak').textContent = String(stats.peakViewers);
  $('#r-holds').textContent = String(stats.holds);
  $('#r-orders').textContent = String(stats.orders);
  $('#r-paid').textContent = String(stats.paidOrders);
  $('#r-units').textContent = String(stats.units);
  $('#r-revenue').textContent = money(stats.revenueCents, currency);
  $('#r-conversion').textContent = stats.holds ? Math.round(100 * stats.paidOrders / stats.holds) + ' %' : '—';

  $('#chart-products').replaceChildren(barChart(stats.perProduct.map(p => ({
    label: title(p.sku), value: p.revenueCents, text: money(p.revenueCents, currency) })),
    'Revenue per product'));
  $('#product-rows').replaceChildren(...stats.perProduct.map(p => el('tr', { 'data-sku': p.sku },
    el('th', { scope: 'row', text: title(p.sku) }), el('td', { text: String(p.holds) }), el('td', { text: String(p.orders) }),
    el('td', { text: String(p.units) }), el('td', { class: 'revenue', text: money(p.revenueCents, currency) }))));

  $('#chart-highlights').replaceChildren(timeline(stats.perHighlight.map(h => ({
    at: h.offsetMs, label: duration(h.offsetMs) + ' ' + title(h.sku), holds: h.holds, orders: h.orders }))));
  $('#highlight-rows').replaceChildren(...stats.perHighlight.map(h => el('tr', { 'data-highlight-id': h.highlightId },
    el('td', { text: duration(h.offsetMs) }), el('th', { scope: 'row', text: title(h.sku) }),
    el('td', { class: 'holds', text: String(h.holds) }), el('td', { class: 'orders', text: String(h.orders) }),
    el('td', { class: 'revenue', text: money(h.revenueCents, currency) }))));
  $('#report').hidden = false;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Horizontal bars, one per row, scaled to the largest value. */
function barChart(rows, label) {
  const rowHeight = 28, labelWidth = 220, width = 640, barMax = width - labelWidth - 120;
  const max = Math.max(1, ...rows.map(r => r.value));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${Math.max(1, rows.length) * rowHeight + 8}`, role: 'img',
    'aria-label': label, class: 'bars' });
  if (!rows.length) chart.append(svg('text', { x: 0, y: 20, class: 'muted' }, 'No sales yet'));
  rows.forEach((r, i) => {
    const y = i * rowHeight + 4;
    chart.append(svg('text', { x: 0, y: y + 17, class: 'label' }, r.label),
      svg('rect', { x: labelWidth, y, width: Math.max(1, Math.round(barMax * r.value / max)), height: rowHeight - 8, class: 'bar' }),
      svg('text', { x: labelWidth + Math.round(barMax * r.value / max) + 6, y: y + 17, class: 'value' }, r.text));
  });
  return chart;
}

/** Holds and orders per highlight, in show order: paired columns over the show's time line. */
function timeline(points) {
  const width = 640, height = 220, left = 36, bottom = 40, top = 12;
  const max = Math.max(1, ...points.map(p => Math.max(p.holds, p.orders)));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'timeline',
    'aria-label': 'Holds and orders per highlight, in show order' });
  chart.append(svg('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: 'axis' }),
    svg('text', { x: 0, y: top + 8, class: 'value' }, String(max)));
  if (!points.length) chart.append(svg('text', { x: left + 8, y: height / 2, class: 'muted' }, 'No highlights yet'));
  const slot = (width - left) / Math.max(1, points.length);
  const scale = v => Math.round((height - bottom - top) * v / max);
  points.forEach((p, i) => {
    const x = left + i * slot + slot * 0.15, w = Math.max(2, slot * 0.3);
    chart.append(svg('rect', { x, y: height - bottom - scale(p.holds), width: w, height: scale(p.holds), class: 'bar holds' },),
      svg('rect', { x: x + w, y: height - bottom - scale(p.orders), width: w, height: scale(p.orders), class: 'bar orders' }),
      svg('text', { x: left + i * slot + 4, y: height - bottom + 16, class: 'label small' }, p.label.slice(0, 24)));
  });
  chart.append(svg('rect', { x: width - 150, y: 2, width: 10, height: 10, class: 'bar holds' }),
    svg('text', { x: width - 136, y: 11, class: 'label small' }, 'holds'),
    svg('rect', { x: width - 80, y: 2, width: 10, height: 10, class: 'bar orders' }),
    svg('text', { x: width - 66, y: 11, class: 'label small' }, 'orders'));
  return chart;
}
