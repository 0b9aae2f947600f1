package dev.samlocal.spi;

import dev.samlocal.SamLocal;
import dev.samlocal.template.SamTemplate;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/**
 * What a project adds to sam-local for its own local runs; every method has a default that adds nothing, so {@code new
 * DevLayer() {}} runs a template as it is. Methods that take the stack are called while it starts (see each one for
 * what is ready by then).
 */
public interface DevLayer {

    /** How the project's handler classes are built from their environment. */
    default HandlerFactory handlerFactory() {
        return HandlerFactory.DEFAULT;
    }

    /** Secret logical id → its first value (others get a random one at each start). */
    default Map<String, String> firstSecretValues() {
        return Map.of();
    }

    /**
     * Values for parameters that only a deployment can know, used unless the options give them.
     *
     * @param selfUrl the stack's own URL (http://localhost:port)
     */
    default Map<String, String> parameterDefaults(SamTemplate template, String selfUrl) {
        return Map.of();
    }

    /** Extra environment for every function; the stack's URL, JWT issuer and secrets are ready. */
    default Map<String, String> functionEnvironment(SamLocal stack) {
        return Map.of();
    }

    /** Headers added to every HTTP API answer (what a CDN's response-headers policy adds). */
    default Map<String, String> responseHeaders() {
        return Map.of();
    }

    /**
     * Headers a CDN in front of the API sets on each request (a client's own copies are dropped); called per request.
     * Non-empty means a CloudFront is in front: the request also gets {@code CloudFront-Viewer-Address}.
     */
    default Map<String, String> edgeRequestHeaders(SamLocal stack) {
        return Map.of();
    }

    /**
     * Of the GET routes without an authorizer, those a CDN in front of the API could answer ({@code cloudFrontEligible}
     * in {@code GET /_local/usage}); all of them unless the layer says otherwise.
     */
    default boolean cdnCacheable(String routeKey) {
        return true;
    }

    /** Extra routes (under {@code /_local/…}, and pages); registered before the HTTP API's catch-all route. */
    default void routes(RoutesConfig routes, SamLocal stack) {}

    /** Endpoint → what it is, for the extra routes in {@code GET /_local}. */
    default Map<String, String> endpoints() {
        return Map.of();
    }

    /** Extra entries of {@code GET /_local}. */
    default Map<String, Object> index(SamLocal stack) {
        return Map.of();
    }

    /** After everything serves, if the options ask for seeding. */
    default void afterStart(SamLocal stack) {}
}
