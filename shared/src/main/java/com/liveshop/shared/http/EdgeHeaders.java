package com.liveshop.shared.http;

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
}
