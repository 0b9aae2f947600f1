package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.checkout.service.OrderService;
import com.liveshop.shared.auth.HostTokenVerifier;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import com.liveshop.shared.http.Validation;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Order routes: place an order from a cart (idempotent by Idempotency-Key), read an order. The read is opened by the
 * buyer's {@code X-Order-Token} or a hosts JWT, verified here because the route must also serve buyers who have no
 * account (an HTTP API authorizer would refuse them).
 */
public class OrderHandler extends ApiHandler {

    /** Body of POST /orders. */
    public record PlaceOrderRequest(String cartId, String email) {}

    private final OrderService orders;
    private final HostTokenVerifier hostTokens;
    private final Map<String, Route> routes;

    public OrderHandler() {
        this(AppConfig.fromEnvironment());
    }

    public OrderHandler(AppConfig config) {
        this(new CheckoutWiring(config));
    }

    private OrderHandler(CheckoutWiring wiring) {
        this(wiring.orderService(Clock.systemUTC()), wiring.hostTokens());
    }

    public OrderHandler(OrderService orders, HostTokenVerifier hostTokens) {
        this.orders = orders;
        this.hostTokens = hostTokens;
        this.routes = Map.of(
                "POST /orders", this::placeOrder,
                "GET /orders/{orderId}", this::getOrder);
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse placeOrder(HttpRequest request) {
        String key = OrderService.requireIdempotencyKey(
                request.header("Idempotency-Key").orElse(null));
        PlaceOrderRequest body = request.bodyAs(PlaceOrderRequest.class);
        String cartId = Validation.requireRandomUuid("cartId", body.cartId());
        String email = Validation.requireEmail("email", body.email());
        return HttpResponses.json(201, orders.place(key, cartId, email, request.clientAddress()));
    }

    private APIGatewayV2HTTPResponse getOrder(HttpRequest request) {
        String orderId = Validation.requireUuid("orderId", request.pathParam("orderId"));
        Optional<String> bearer = request.header("Authorization")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip());
        if (bearer.isPresent()) {
            try {
                hostTokens.verifyHost(bearer.get());
                return HttpResponses.json(200, orders.getForHost(orderId));
            } catch (HostTokenVerifier.RejectedToken e) {
                if (!e.forbidden()) {
                    throw ApiException.unauthorized("The Authorization token is not valid");
                }
                // A signed-in non-host is a buyer like any other: the order token decides.
            }
        }
        return HttpResponses.json(
                200, orders.getForBuyer(orderId, request.header("X-Order-Token").orElse(null)));
    }
}
