package com.liveshop.local;

import com.liveshop.shared.http.EdgeHeaders;
import com.liveshop.shared.http.OriginCheck;
import dev.samlocal.SamLocal;
import dev.samlocal.cognito.JwtAuthorizer;
import dev.samlocal.protocol.LocalJson;
import dev.samlocal.spi.DevLayer;
import dev.samlocal.spi.HandlerFactory;
import dev.samlocal.template.SamTemplate;
import io.javalin.config.RoutesConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the live shopping product adds to sam-local: its secrets' first values, its local-only parameters, host tokens,
 * the test payment provider, the CDN in front of the API (origin secret, security headers), the pages and the demo
 * catalog and show.
 */
public final class LiveshopDevLayer implements DevLayer {

    /** The product's local stack is named as before: queue and bucket names derive from it. */
    public static final String STACK_NAME = "liveshop-local";
    /**
     * The payment webhook secret's first value locally (the template's PaymentWebhookSecret in the local Secrets
     * Manager, which the webhook function reads at run time; {@code put-secret-value} rotates it). {@code GET /_local}
     * gives the current value, so an outside tool can sign webhooks like the payment provider; it is never written to a
     * log line.
     */
    public static final String LOCAL_WEBHOOK_SECRET = "local-webhook-secret-not-for-production";
    /** The template's secret that holds the webhook key. */
    static final String WEBHOOK_SECRET_ID = "PaymentWebhookSecret";
    /** Chat tickets are signed with a key made at each start (sam-local's random first value): no entry below. */
    static final String CHAT_TICKET_SECRET_ID = "ChatTicketSecret";
    /** The CDN's origin secret: the local stack plays CloudFront and sends its AWSCURRENT value (X-Origin-Verify). */
    static final String ORIGIN_SECRET_ID = "OriginVerifySecret";

    private int seeded;
    private String demoShowId;

    @Override
    public HandlerFactory handlerFactory() {
        return new LiveshopHandlers();
    }

    @Override
    public Map<String, String> firstSecretValues() {
        return Map.of(WEBHOOK_SECRET_ID, LOCAL_WEBHOOK_SECRET);
    }

    /**
     * The template's required parameters that only a deployment can know: {@code CorsAllowOrigin} is the stack's own
     * origin (the pages are served from it) unless the template gives a default; {@code EmbedAllowedOrigins} is the
     * demo brand site's origin; {@code SenderEmail} and {@code SiteUrl} (this stack) for the reminder emails. And one
     * the template defaults for a deployment: {@code RequireProofOfWork} is off locally (scripts, benches and tests
     * call the routes without solving challenges; the pages solve either way).
     */
    @Override
    public Map<String, String> parameterDefaults(SamTemplate template, String selfUrl) {
        Map<String, String> values = new LinkedHashMap<>();
        Object cors = SamTemplate.map(template.raw().get("Parameters")).get("CorsAllowOrigin");
        if (cors != null && !SamTemplate.map(cors).containsKey("Default")) {
            values.put("CorsAllowOrigin", selfUrl);
        }
        values.put("EmbedAllowedOrigins", demoShopOrigin(selfUrl));
        values.put("SenderEmail", "shows@liveshop.local");
        values.put("SiteUrl", selfUrl);
        values.put("RequireProofOfWork", "false");
        return values;
    }

    /**
     * Where the demo brand site ({@code /demo-shop/}) is opened: this stack under the name {@code localhost}, another
     * origin than the stack's own {@code 127.0.0.1}, so the embed runs cross-origin as on a brand's site (CORS,
     * frame-ancestors, postMessage origins). The local {@code EmbedAllowedOrigins}.
     */
    static String demoShopOrigin(String selfUrl) {
        URI self = URI.create(selfUrl);
        return self.getScheme() + "://localhost" + (self.getPort() < 0 ? "" : ":" + self.getPort());
    }

    /**
     * Functions that verify host tokens themselves (chat's public send route, the hosts channel authorizer) trust the
     * local issuer and its keys instead of Cognito's.
     */
    @Override
    public Map<String, String> functionEnvironment(SamLocal stack) {
        return Map.of(
                "HOST_JWT_ISSUER",
                stack.jwt().issuer(),
                "HOST_JWT_JWKS_URL",
                stack.url() + "/_local/cognito/.well-known/jwks.json");
    }

    /** The CDN's response-headers policy (template.yaml's EdgeHeadersPolicy): the same headers. */
    @Override
    public Map<String, String> responseHeaders() {
        return EdgeHeaders.SECURITY;
    }

    /** The CDN's origin secret, if the template has one (AWSCURRENT at each request: rotations show at once). */
    @Override
    public Map<String, String> edgeRequestHeaders(SamLocal stack) {
        return stack.secretValue(ORIGIN_SECRET_ID)
                .map(secret -> Map.of(OriginCheck.HEADER, secret))
                .orElse(Map.of());
    }

    /** Carts and orders are a viewer's own: the CDN passes them through (the public reads: catalog, shows, chat). */
    @Override
    public boolean cdnCacheable(String routeKey) {
        return !routeKey.startsWith("GET /carts") && !routeKey.startsWith("GET /orders");
    }

    @Override
    public void routes(RoutesConfig routes, SamLocal stack) {
        JwtAuthorizer jwt = stack.jwt();
        routes.get("/_local/host-token", ctx -> LocalJson.write(ctx, 200, Map.of("token", jwt.hostToken())));
        routes.get("/_local/token", ctx -> {
            String groups = ctx.queryParam("groups");
            List<String> list = groups == null || groups.isBlank()
                    ? List.of()
                    : Arrays.stream(groups.split(","))
                            .map(String::strip)
                            .filter(g -> !g.isEmpty())
                            .toList();
            String email = ctx.queryParam("email") == null ? "viewer@liveshop.local" : ctx.queryParam("email");
            LocalJson.write(ctx, 200, Map.of("token", jwt.idToken(email, list, JwtAuthorizer.HOST_TOKEN_LIFETIME)));
        });
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        LocalPayments payments = new LocalPayments(
                http, stack.url(), () -> paymentWebhookSecret(stack), jwt::hostToken, Clock.systemUTC());
        routes.post("/_local/payments/{orderId}", payments::handle);
        new LocalWeb(
                        stack.url(),
                        EdgeHeaders.embedOrigins(stack.parameters().get("EmbedAllowedOrigins")),
                        this::demoShowId)
                .register(routes);
        new LocalApiDocs().register(routes);
    }

    @Override
    public Map<String, String> endpoints() {
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("GET /_local/host-token", "id token of a host (hosts group), 12 h: {\"token\": …}");
        endpoints.put("GET /_local/token?groups=&email=", "id token of any user; no groups = a signed-in non-host");
        endpoints.put(
                "POST /_local/payments/{orderId}",
                "{\"status\":\"PAID\"|\"FAILED\"} (optional amountCents, "
                        + "currency, paymentId): the order's amount sent to the webhook, signed X-Signature: "
                        + "t=<unix s>,v1=<hex HMAC-SHA256(\"<t>.<body>\")>");
        endpoints.putAll(LocalWeb.describe());
        endpoints.putAll(LocalApiDocs.describe());
        return endpoints;
    }

    @Override
    public Map<String, Object> index(SamLocal stack) {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("paymentWebhookSecret", paymentWebhookSecret(stack));
        index.put("paymentWebhookSecretArn", stack.secretArn(WEBHOOK_SECRET_ID));
        return index;
    }

    /** The demo catalog and show, created through the API as a host would. */
    @Override
    public void afterStart(SamLocal stack) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        seeded = DemoSeed.seed(http, stack.url(), stack.jwt().hostToken());
        demoShowId = DemoSeed.seedShow(http, stack.url(), stack.jwt().hostToken());
    }

    /** The webhook secret's AWSCURRENT value now (after a local rotation, the new one). */
    static String paymentWebhookSecret(SamLocal stack) {
        return stack.secretValue(WEBHOOK_SECRET_ID).orElse(LOCAL_WEBHOOK_SECRET);
    }

    int seededProducts() {
        return seeded;
    }

    String demoShowId() {
        return demoShowId;
    }
}
