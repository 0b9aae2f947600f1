package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.checkout.service.OrderService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import com.liveshop.shared.http.Validation;
import java.time.Clock;
import java.util.Map;

/** Order routes: place an order from a cart (idempotent by Idempotency-Key), read an order. */
public class OrderHandler extends ApiHandler {

    /** Body of POST /orders. */
    public record PlaceOrderRequest(String cartId, String email) {}

    private final OrderService orders;
    private final Map<String, Route> routes;

    public OrderHandler() {
        this(AppConfig.fromEnvironment());
    }

    public OrderHandler(AppConfig config) {
        this(wire(new CheckoutWiring(config)));
    }

    public OrderHandler(OrderService orders) {
        this.orders = orders;
        this.routes = Map.of(
                "POST /orders", this::placeOrder,
                "GET /orders/{orderId}", this::getOrder);
    }

    private static OrderService wire(CheckoutWiring wiring) {
        return wiring.orderService(wiring.eventBridgePublisher(), Clock.systemUTC());
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse placeOrder(HttpRequest request) {
        String key = OrderService.requireIdempotencyKey(request.header("Idempotency-Key").orElse(null));
        PlaceOrderRequest body = request.bodyAs(PlaceOrderRequest.class);
        String cartId = Validation.requireUuid("cartId", body.cartId());
        String email = Validation.requireEmail("email", body.email());
        return HttpResponses.json(201, orders.place(key, cartId, email));
    }

    private APIGatewayV2HTTPResponse getOrder(HttpRequest request) {
        String orderId = Validation.requireUuid("orderId", request.pathParam("orderId"));
        return HttpResponses.json(200, orders.get(orderId));
    }
}
