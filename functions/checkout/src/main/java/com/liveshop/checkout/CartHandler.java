package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.checkout.service.CartService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import com.liveshop.shared.http.Validation;
import com.liveshop.shared.pow.ProofOfWork;
import java.time.Clock;
import java.util.Map;

/** Cart routes: add an item (a stock hold), remove it, read the cart. */
public class CartHandler extends ApiHandler {

    /** Body of POST /carts/{cartId}/items. */
    /** {@code sessionId}: the show the viewer is watching, optional (for the show's stats). */
    public record AddItemRequest(String sku, Long quantity, String sessionId) {}

    private final CartService carts;
    private final Map<String, Route> routes;

    public CartHandler() {
        this(AppConfig.fromEnvironment());
    }

    public CartHandler(AppConfig config) {
        this(new CheckoutWiring(config).cartService(Clock.systemUTC()));
    }

    public CartHandler(CartService carts) {
        this.carts = carts;
        this.routes = Map.of(
                "POST /carts/{cartId}/items", this::addItem,
                "DELETE /carts/{cartId}/items/{sku}", this::removeItem,
                "GET /carts/{cartId}", this::getCart);
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse addItem(HttpRequest request) {
        String cartId = Validation.requireRandomUuid("cartId", request.pathParam("cartId"));
        AddItemRequest body = request.bodyAs(AddItemRequest.class);
        String sku = Validation.requireSku(Validation.requirePresent("sku", body.sku()));
        return HttpResponses.json(
                201,
                carts.addItem(
                        cartId,
                        sku,
                        body.quantity(),
                        body.sessionId(),
                        request.clientAddress(),
                        request.header(ProofOfWork.HEADER).orElse(null)));
    }

    private APIGatewayV2HTTPResponse removeItem(HttpRequest request) {
        String cartId = Validation.requireRandomUuid("cartId", request.pathParam("cartId"));
        String sku = Validation.requireSku(request.pathParam("sku"));
        carts.removeItem(cartId, sku);
        return HttpResponses.noContent();
    }

    private APIGatewayV2HTTPResponse getCart(HttpRequest request) {
        String cartId = Validation.requireRandomUuid("cartId", request.pathParam("cartId"));
        return HttpResponses.json(200, carts.view(cartId));
    }
}
