package com.liveshop.catalog;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import java.util.Map;

/** Public product reads: {@code GET /products/{sku}}, {@code GET /products?limit=&cursor=}. */
public class CatalogReadHandler extends ApiHandler {

    private final CatalogService catalog;
    private final Map<String, Route> routes = Map.of(
            "GET /products/{sku}", this::get,
            "GET /products", this::list);

    public CatalogReadHandler() {
        this(AppConfig.fromEnvironment());
    }

    public CatalogReadHandler(AppConfig config) {
        this(CatalogComponents.service(config));
    }

    public CatalogReadHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse get(HttpRequest request) {
        return HttpResponses.json(200, catalog.get(request.pathParam("sku")));
    }

    private APIGatewayV2HTTPResponse list(HttpRequest request) {
        var page = catalog.list(
                request.queryParam("limit").orElse(null),
                request.queryParam("cursor").orElse(null));
        return HttpResponses.json(200, page);
    }
}
