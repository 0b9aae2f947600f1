package com.liveshop.shared.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.shared.lambda.Invocation;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of every HTTP API handler: dispatches on the API Gateway route key ("POST /orders") to one method, and maps
 * {@link ApiException} to its 4xx JSON error. Anything else is a bug or an outage: logged with the request id (never
 * the body) and answered 500 INTERNAL_ERROR. Every answer, errors included, leaves with the {@code cache-control}
 * {@link CacheControl} gives its route and status (routes do not set it). Before any route, the CDN's
 * {@link OriginCheck}: a request that came around the CDN is answered 403 DIRECT_ACCESS, and only one that passed
 * trusts CloudFront's viewer headers ({@link HttpRequest#clientAddress()}).
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** One route: takes the request, returns the response or throws {@link ApiException}. */
    @FunctionalInterface
    public interface Route {
        APIGatewayV2HTTPResponse handle(HttpRequest request);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    /** This execution environment's check (ORIGIN_SECRET_ARN of the process environment) unless one is given. */
    private volatile OriginCheck originCheck;

    /**
     * The origin check this handler runs instead of the environment's: the local stack gives each function the one its
     * own configuration names, tests give theirs. Returns this handler.
     */
    public final ApiHandler originCheck(OriginCheck check) {
        this.originCheck = check;
        return this;
    }

    private OriginCheck check() {
        OriginCheck check = originCheck;
        return check != null ? check : OriginCheck.forEnvironment();
    }

    /** Route key (exactly as in template.yaml) → route. */
    protected abstract Map<String, Route> routes();

    /** The route keys this handler serves; template.yaml must route exactly these here. */
    public final java.util.Set<String> routeKeys() {
        return routes().keySet();
    }

    /** Inside {@link Invocation#run}: every log line carries the request id; metrics are written at the end. */
    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Invocation.run(context, () -> dispatch(event, context));
    }

    /** The route's answer with the Cache-Control its route and outcome call for ({@link CacheControl}). */
    private APIGatewayV2HTTPResponse dispatch(APIGatewayV2HTTPEvent event, Context context) {
        String routeKey = event == null ? null : event.getRouteKey();
        boolean withAuthorization = event != null
                && event.getHeaders() != null
                && event.getHeaders().keySet().stream().anyMatch("authorization"::equalsIgnoreCase);
        APIGatewayV2HTTPResponse response = answer(event, context);
        return withCacheControl(
                CacheControl.forAnswer(routeKey, response.getStatusCode(), withAuthorization), response);
    }

    private APIGatewayV2HTTPResponse answer(APIGatewayV2HTTPEvent event, Context context) {
        if (event == null) {
            return HttpResponses.error(ApiException.badRequest("INVALID_REQUEST", "Empty event"));
        }
        Route route = routes().get(event.getRouteKey());
        if (route == null) {
            return HttpResponses.error(ApiException.notFound("ROUTE_NOT_FOUND", "No route " + event.getRouteKey()));
        }
        try {
            boolean originVerified = check().verify(Optional.ofNullable(event.getHeaders())
                    .flatMap(headers -> headers.entrySet().stream()
                            .filter(h -> OriginCheck.HEADER.equalsIgnoreCase(h.getKey()))
                            .map(Map.Entry::getValue)
                            .filter(java.util.Objects::nonNull)
                            .findFirst()));
            return route.handle(new HttpRequest(event, originVerified));
        } catch (ApiException e) {
            return HttpResponses.error(e);
        } catch (RuntimeException e) {
            LOG.error(
                    "Unhandled error on {} (request {})",
                    event.getRouteKey(),
                    context == null ? "-" : context.getAwsRequestId(),
                    e);
            return HttpResponses.error(500, "INTERNAL_ERROR", "Something went wrong on our side", Map.of());
        }
    }

    private static APIGatewayV2HTTPResponse withCacheControl(String cacheControl, APIGatewayV2HTTPResponse response) {
        Map<String, String> headers = new HashMap<>();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> {
                if (!name.equalsIgnoreCase("cache-control")) {
                    headers.put(name, value);
                }
            });
        }
        headers.put("cache-control", cacheControl);
        response.setHeaders(headers);
        return response;
    }
}
