// Northwind Outfitters' side of the embed: what a brand writes next to the one script tag (docs/web-pages.md "Embed").
// Its own product names and pages for the show's skus, an ADD_TO_CART handler (it may veto), and every event in the log.
const CATALOG = {
  'cds-cashmere-sweater': { title: 'Northwind Cashmere Crew', color: '#b5651d' },
  'cds-wireless-earbuds': { title: 'Northwind Studio Earbuds', color: '#38414a' },
  'cds-fitness-smartwatch': { title: 'Northwind Trail Watch', color: '#2f6f4f' },
  'cds-leather-tote': { title: 'Northwind Leather Tote', color: '#7a4a2a' },
  'cds-espresso-maker': { title: 'Northwind Espresso Maker', color: '#3b2a20' },
  'cds-silk-scarf': { title: 'Northwind Silk Scarf', color: '#a23b72' },
};

const sku = new URLSearchParams(location.search).get('sku');
if (sku && CATALOG[sku]) document.getElementById('product-title').textContent = CATALOG[sku].title;

function note(name, detail) {
  const li = document.createElement('li');
  li.dataset.event = name;
  li.textContent = name + ' ' + JSON.stringify(detail);
  document.getElementById('event-log').append(li);
}

/** A swatch as the product image (a data: URL: the page loads nothing from elsewhere). */
function swatch(color) {
  return 'data:image/svg+xml,' + encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4" fill="' + color + '"/></svg>');
}

window.onLiveShopReady = player => {
  player.configure({ locale: 'en-US', currency: 'USD', minimizedPosition: 'bottom-right' });
  player.products(async skus => Object.fromEntries(skus.filter(s => CATALOG[s]).map(s => [s, {
    title: CATALOG[s].title,
    image: swatch(CATALOG[s].color),
    url: '/demo-shop/product.html?sku=' + encodeURIComponent(s),
  }])));
  player.on(player.EVENT.ADD_TO_CART, (item, callback) => {
    note('ADD_TO_CART', item);
    callback(document.getElementById('veto').checked ? { success: false, reason: 'out-of-stock' } : true);
  });
  for (const name of ['HOLD_PLACED', 'HOLD_REFUSED', 'CART_CHANGED', 'ORDER_CONFIRMED', 'SHOW_STATUS', 'PRODUCT_FEATURED', 'CLOSE']) {
    player.on(player.EVENT[name], detail => note(name, detail));
  }
  player.on(player.EVENT.CHECKOUT, (order, callback) => {
    note('CHECKOUT', order);
    // false: our own checkout takes over (the cart's holds stay; LiveShop places no order); true: LiveShop's runs.
    callback(!document.getElementById('own-checkout')?.checked);
  });
};
