package com.liveshop.catalog;

import com.liveshop.shared.catalog.CatalogKeys;
import com.liveshop.shared.catalog.Product;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.catalog.StockRepository;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import java.time.Clock;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Catalog rules: what a valid product is, create vs update, restock, paging. */
public class CatalogService {

    public static final long MAX_PRICE_CENTS = 100_000_000L;
    public static final long MAX_UNITS = 1_000_000L;
    public static final int DEFAULT_PAGE_SIZE = 20;
    public static final int MAX_PAGE_SIZE = 100;
    /** Dot-separated DNS labels ending in a letters-only top-level label: no IP literal, no single-label name. */
    private static final Pattern PUBLIC_HOST =
            Pattern.compile("^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$");

    /** Result of a create-or-update: the product now, and whether it was new. */
    public record Saved(ProductView product, boolean created) {}

    /** A page of products and the cursor of the next page (null on the last). */
    public record ProductPage(List<ProductView> items, String nextCursor) {}

    private final ProductRepository products;
    private final Clock clock;

    public CatalogService(ProductRepository products, Clock clock) {
        this.products = products;
        this.clock = clock;
    }

    public Saved createOrUpdate(String rawSku, ProductRequest request) {
        String sku = Validation.requireSku(rawSku);
        Product product = Product.of(sku);
        product.setTitle(Validation.requireText("title", request.title(), 200));
        product.setDescription(Validation.optionalMultilineText("description", request.description(), 2000));
        product.setPriceCents(Validation.requireRange("priceCents", request.priceCents(), 1, MAX_PRICE_CENTS));
        product.setCurrency(currency(request.currency()));
        product.setImageUrl(imageUrl(request.imageUrl()));
        Long stock = request.stock() == null ? null : Validation.requireRange("stock", request.stock(), 0, MAX_UNITS);
        Integer shards = request.stockShards() == null
                ? null
                : Validation.requireRange("stockShards", request.stockShards(), 1, CatalogKeys.MAX_STOCK_SHARDS);
        product.setStockShards(shards == null ? 1 : shards);
        String now = Instant.now(clock).toString();
        product.setCreatedAt(now);
        product.setUpdatedAt(now);

        Optional<Product> existing = products.findProduct(sku);
        if (existing.isPresent() && shards != null && shards < existing.get().shards()) {
            throw ApiException.validation("Field 'stockShards' can only grow: this product's stock is spread over "
                    + existing.get().shards() + " buckets");
        }
        boolean created;
        if (stock == null) {
            // An update may leave stock out (it is ignored on update anyway); a create may not.
            if (!products.updateDetails(product)) {
                throw ApiException.validation("Field 'stock' is required when creating a product");
            }
            created = false;
        } else {
            created = products.createOrUpdate(product, stock);
        }
        if (!created
                && existing.isPresent()
                && shards != null
                && shards > existing.get().shards()
                && products.stockBuckets().grow(sku, existing.get().shards(), shards)
                        != StockRepository.AdminOutcome.OK) {
            throw ApiException.conflict(
                    "PRODUCT_CHANGED", "The product's stock buckets changed meanwhile; read it and try again");
        }
        return new Saved(get(sku), created);
    }

    public StockLevel restock(String rawSku, RestockRequest request) {
        String sku = Validation.requireSku(rawSku);
        long quantity = Validation.requireRange("quantity", request.quantity(), 1, MAX_UNITS);
        return products.restock(sku, quantity).orElseThrow(() -> notFound(sku));
    }

    /**
     * {@code initial = available + held + sold} of one product, summed over its {@code shards} buckets; 404 for an
     * unknown sku.
     */
    public StockLevel stock(String rawSku) {
        String sku = Validation.requireSku(rawSku);
        if (products.find(sku).isEmpty()) {
            throw notFound(sku);
        }
        return products.stock(sku);
    }

    public ProductView get(String rawSku) {
        String sku = Validation.requireSku(rawSku);
        return products.find(sku).map(ps -> ProductView.of(ps, clock.instant())).orElseThrow(() -> notFound(sku));
    }

    public ProductPage list(String rawLimit, String cursor) {
        int limit = DEFAULT_PAGE_SIZE;
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                throw ApiException.validation("'limit' must be a whole number between 1 and " + MAX_PAGE_SIZE);
            }
            if (limit < 1 || limit > MAX_PAGE_SIZE) {
                throw ApiException.validation("'limit' must be between 1 and " + MAX_PAGE_SIZE);
            }
        }
        try {
            ProductRepository.Page page = products.list(limit, cursor);
            return new ProductPage(
                    page.items().stream()
                            .map(ps -> ProductView.of(ps, clock.instant()))
                            .toList(),
                    page.cursor());
        } catch (ProductRepository.InvalidCursorException e) {
            throw ApiException.badRequest("INVALID_CURSOR", "'cursor' is not one this API returned");
        }
    }

    private static String currency(String value) {
        String code = Validation.requireText("currency", value, 3).toUpperCase(Locale.ROOT);
        try {
            if (code.length() == 3 && Currency.getInstance(code) != null) {
                return code;
            }
        } catch (IllegalArgumentException ignored) {
            // fall through to the validation error
        }
        throw ApiException.validation("Field 'currency' must be an ISO 4217 code such as USD or EUR");
    }

    /**
     * An image every viewer's browser will fetch: an absolute {@code https://} URL of a public host name, so a product
     * cannot point pages at an internal address, at the viewer's own machine, or at another scheme. No credentials in
     * the URL, no IP literal, no {@code localhost}, no single-label host; at most 2,048 characters.
     */
    private static String imageUrl(String value) {
        String url = Validation.optionalText("imageUrl", value, 2048);
        if (url == null) {
            return null;
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw invalidImageUrl();
        }
        String host = uri.getHost();
        if (!"https".equalsIgnoreCase(uri.getScheme())
                || uri.getRawUserInfo() != null
                || host == null
                || !PUBLIC_HOST.matcher(host).matches()
                || host.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
            throw invalidImageUrl();
        }
        return url;
    }

    private static ApiException invalidImageUrl() {
        return ApiException.validation("Field 'imageUrl' must be an https:// URL of a public host name (no IP address, "
                + "localhost or credentials)");
    }

    private static ApiException notFound(String sku) {
        return ApiException.notFound("PRODUCT_NOT_FOUND", "No product with sku " + sku);
    }
}
