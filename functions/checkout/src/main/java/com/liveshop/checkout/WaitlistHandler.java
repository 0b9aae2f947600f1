package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.checkout.service.WaitlistService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import java.time.Clock;
import java.util.Map;

/**
 * Waitlist routes: join a sold-out sku's line (201, or 200 when already waiting), read the cart's place (200), leave
 * (204).
 */
public class WaitlistHandler extends ApiHandler {

    private final WaitlistService waitlist;
    private final Map<String, Route> routes;

    public WaitlistHandler() {
        this(AppConfig.fromEnvironment());
    }

    public WaitlistHandler(AppConfig config) {
        this(new CheckoutWiring(config).waitlistService(Clock.systemUTC()));
    }

    public WaitlistHandler(WaitlistService waitlist) {
        this.waitlist = waitlist;
        this.routes = Map.of(
                "POST /products/{sku}/waitlist", this::join,
                "GET /products/{sku}/waitlist/{cartId}", this::entry,
                "DELETE /products/{sku}/waitlist/{cartId}", this::leave);
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse join(HttpRequest request) {
        WaitlistService.JoinResult result = waitlist.join(
                request.pathParam("sku"), request.bodyAs(WaitlistService.JoinRequest.class), request.clientAddress());
        return HttpResponses.json(result.created() ? 201 : 200, result.joined());
    }

    private APIGatewayV2HTTPResponse entry(HttpRequest request) {
        return HttpResponses.json(200, waitlist.entry(request.pathParam("sku"), request.pathParam("cartId")));
    }

    private APIGatewayV2HTTPResponse leave(HttpRequest request) {
        waitlist.leave(request.pathParam("sku"), request.pathParam("cartId"));
        return HttpResponses.noContent();
    }
}
