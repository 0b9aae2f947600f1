package com.liveshop.shared.http;

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

    /**
     * STUB (issue27-embed branch, until the lead's version lands): the same headers, but the page may be framed by
     * itself and by {@code origins} (the embed player on a brand's site, EmbedAllowedOrigins).
     */
    public static Map<String, String> embedding(List<String> origins) {
        StringBuilder ancestors = new StringBuilder("frame-ancestors 'self'");
        origins.forEach(o -> ancestors.append(' ').append(o));
        return Map.of(
                "X-Content-Type-Options", "nosniff",
                "Referrer-Policy", "strict-origin-when-cross-origin",
                "Content-Security-Policy", ancestors.toString());
    }

    private EdgeHeaders() {}
}
