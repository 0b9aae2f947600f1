package com.liveshop.catalog;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import java.util.Map;

/**
 * Host-only catalog routes: {@code PUT /products/{sku}}, {@code POST /products/{sku}/restock} and {@code GET
 * /products/{sku}/stock} (the counters behind {@code available}: held and sold are not public).
 */
public class CatalogAdminHandler extends ApiHandler {

    private final CatalogService catalog;
    private final Map<String, Route> routes = Map.of(
            "PUT /products/{sku}", this::put,
            "POST /products/{sku}/restock", this::restock,
            "GET /products/{sku}/stock", this::stock);

    public CatalogAdminHandler() {
        this(AppConfig.fromEnvironment());
    }

    public CatalogAdminHandler(AppConfig config) {
        this(CatalogComponents.service(config));
    }

    public CatalogAdminHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse put(HttpRequest request) {
        request.claims().requireHost();
        String sku = request.pathParam("sku");
        CatalogService.Saved saved = catalog.createOrUpdate(sku, request.bodyAs(ProductRequest.class));
        return HttpResponses.json(saved.created() ? 201 : 200, saved.product());
    }

    private APIGatewayV2HTTPResponse restock(HttpRequest request) {
        request.claims().requireHost();
        String sku = request.pathParam("sku");
        return HttpResponses.json(200, catalog.restock(sku, request.bodyAs(RestockRequest.class)));
    }

    private APIGatewayV2HTTPResponse stock(HttpRequest request) {
        request.claims().requireHost();
        return HttpResponses.json(200, catalog.stock(request.pathParam("sku")));
    }
}
