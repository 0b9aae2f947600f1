package dev.samlocal.apigw;

import dev.samlocal.lambda.TemplateFunctions;
import dev.samlocal.template.SamTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP API's CorsConfiguration applied as API Gateway does: it answers preflight requests itself, and on other
 * requests from an allowed origin it sets the CORS headers, replacing any the function set.
 */
public final class CorsPolicy {

    private final List<String> origins;
    private final List<String> methods;
    private final List<String> headers;
    private final List<String> exposeHeaders;
    private final String maxAge;
    private final boolean credentials;

    CorsPolicy(
            List<String> origins,
            List<String> methods,
            List<String> headers,
            List<String> exposeHeaders,
            String maxAge,
            boolean credentials) {
        this.origins = origins;
        this.methods = methods;
        this.headers = headers;
        this.exposeHeaders = exposeHeaders;
        this.maxAge = maxAge;
        this.credentials = credentials;
    }

    /** From the HttpApi's {@code CorsConfiguration} (intrinsics resolved); null when the API has none. */
    public static CorsPolicy from(Object configuration, TemplateFunctions resolver) {
        Map<String, Object> cors = SamTemplate.map(resolver.resolveStructure(configuration));
        if (cors.isEmpty()) {
            return null;
        }
        return new CorsPolicy(
                strings(cors.get("AllowOrigins")),
                strings(cors.get("AllowMethods")),
                strings(cors.get("AllowHeaders")),
                strings(cors.get("ExposeHeaders")),
                cors.get("MaxAge") == null ? null : String.valueOf(cors.get("MaxAge")),
                Boolean.parseBoolean(String.valueOf(cors.get("AllowCredentials"))));
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        SamTemplate.list(value).forEach(v -> out.add(String.valueOf(v)));
        return out;
    }

    public static boolean isPreflight(String method, String origin, String requestMethod) {
        return "OPTIONS".equalsIgnoreCase(method) && origin != null && requestMethod != null;
    }

    private String allowedOrigin(String origin) {
        if (origin == null) {
            return null;
        }
        if (origins.contains("*")) {
            return credentials ? origin : "*";
        }
        return origins.stream().anyMatch(o -> o.equalsIgnoreCase(origin)) ? origin : null;
    }

    /** Headers of API Gateway's 204 answer to a preflight (empty when the origin or method is not allowed). */
    public Map<String, String> preflight(String origin, String requestMethod, String requestHeaders) {
        Map<String, String> out = new LinkedHashMap<>();
        String allowed = allowedOrigin(origin);
        boolean methodOk = methods.contains("*") || methods.stream().anyMatch(m -> m.equalsIgnoreCase(requestMethod));
        if (allowed == null || !methodOk) {
            return out;
        }
        out.put("access-control-allow-origin", allowed);
        out.put("access-control-allow-methods", String.join(",", methods));
        if (!headers.isEmpty()) {
            out.put(
                    "access-control-allow-headers",
                    headers.contains("*") && requestHeaders != null ? requestHeaders : String.join(",", headers));
        }
        if (maxAge != null) {
            out.put("access-control-max-age", maxAge);
        }
        if (credentials) {
            out.put("access-control-allow-credentials", "true");
        }
        return out;
    }

    /** Applies the CORS headers for a normal response to {@code responseHeaders} (lower-case names). */
    public void apply(String origin, Map<String, String> responseHeaders) {
        responseHeaders.keySet().removeIf(h -> h.toLowerCase(Locale.ROOT).startsWith("access-control-"));
        String allowed = allowedOrigin(origin);
        if (allowed == null) {
            return;
        }
        responseHeaders.put("access-control-allow-origin", allowed);
        if (!exposeHeaders.isEmpty()) {
            responseHeaders.put("access-control-expose-headers", String.join(",", exposeHeaders));
        }
        if (credentials) {
            responseHeaders.put("access-control-allow-credentials", "true");
        }
    }
}
