package com.liveshop.shared.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The security headers the CDN adds to every answer (template.yaml's EdgeHeadersPolicy, checked against this) and the
 * local stack adds to its own: no content-type sniffing, no full URL sent to other origins, and no framing
 * ({@code frame-ancestors} only works as a header, not in a page's CSP meta tag).
 */
public final class EdgeHeaders {

    public static final Map<String, String> SECURITY = Map.of(
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "strict-origin-when-cross-origin",
            "Content-Security-Policy", "frame-ancestors 'none'");

    private EdgeHeaders() {}

    /**
     * The headers of the embedded player ({@code /embed/*}, template.yaml's EmbedHeadersPolicy): the same, except that
     * this origin and the brand sites of {@code EmbedAllowedOrigins} may frame it.
     */
    public static Map<String, String> embedding(List<String> allowedOrigins) {
        Map<String, String> headers = new LinkedHashMap<>(SECURITY);
        StringBuilder csp = new StringBuilder("frame-ancestors 'self'");
        allowedOrigins.stream()
                .filter(o -> !o.isBlank())
                .forEach(o -> csp.append(' ').append(o.strip()));
        headers.put("Content-Security-Policy", csp.toString());
        return Map.copyOf(headers);
    }

    /** {@code EmbedAllowedOrigins} as the template takes it: comma-separated origins, empty for none. */
    public static List<String> embedOrigins(String parameterValue) {
        if (parameterValue == null || parameterValue.isBlank()) {
            return List.of();
        }
        return List.of(parameterValue.split(",")).stream()
                .map(String::strip)
                .filter(o -> !o.isEmpty())
                .toList();
    }
}
