package com.liveshop.shared.http;

import java.util.Map;

/**
 * The {@code Cache-Control} of every HTTP API answer, decided by route key and status in one place: {@link ApiHandler}
 * sets it on every answer, the CDN (template.yaml's CloudFront distribution) caches by it, and the template check and
 * docs/cdn.md's "CDN" table are written against {@link #PUBLIC_READS}.
 *
 * <p>Only the public reads below are cacheable, and only by the URL (path and {@code limit}/{@code cursor}): their
 * answers are the same for every viewer. Everything else (admin, cart, order, chat tickets, reminders, webhooks, and
 * any route added later) is {@code no-store}, so a shared cache never keeps a cart, an order, a stream key or a host's
 * view. {@code s-maxage} is what the CDN keeps; {@code max-age} is what a browser keeps, never longer than the pages
 * poll, so a page's next poll reaches the CDN.
 */
public final class CacheControl {

    /**
     * Seconds a browser ({@code max-age}) and the CDN ({@code s-maxage}) keep an answer, and may serve it stale while
     * refreshing.
     */
    public record Ttl(int maxAge, int sMaxAge, int staleWhileRevalidate) {
        public String header() {
            return "public, max-age=" + maxAge + ", s-maxage=" + sMaxAge + ", stale-while-revalidate="
                    + staleWhileRevalidate;
        }
    }

    public static final String NO_STORE = "no-store";

    /**
     * The public reads and how long their 2xx answers may be reused. A show's status and highlight must reach a viewer
     * who polls every ~3 s (no push) within a few seconds; the featured product's stock is a hint (the hold is the
     * truth: SOLD_OUT) that pushed {@code stock} frames keep current while the poll is a 10 s safety net; the lists,
     * the replay chapters and the calendar file change rarely during a show.
     */
    public static final Map<String, Ttl> PUBLIC_READS = Map.of(
            "GET /sessions/{sessionId}", new Ttl(1, 2, 2),
            "GET /sessions/{sessionId}/messages", new Ttl(2, 2, 2),
            "GET /sessions/{sessionId}/timeline", new Ttl(2, 5, 5),
            "GET /products/{sku}", new Ttl(2, 5, 5),
            "GET /sessions", new Ttl(5, 5, 10),
            "GET /products", new Ttl(5, 10, 30),
            "GET /sessions/{sessionId}/calendar.ics", new Ttl(300, 300, 600));

    /**
     * A public read's 4xx (400 for a bad id or query, 404 for an unknown session or product) depends on the URL alone:
     * kept briefly, so a crowd following a wrong link does not reach the functions, and an item created right after is
     * visible within seconds. No stale-while-revalidate: the next answer may well be a 200.
     */
    public static final String PUBLIC_CLIENT_ERROR = "public, max-age=5, s-maxage=5";

    private CacheControl() {}

    public static boolean isPublicRead(String routeKey) {
        return PUBLIC_READS.containsKey(routeKey);
    }

    /** {@link #forAnswer(String, int, boolean)} of a request without a token. */
    public static String forAnswer(String routeKey, int status) {
        return forAnswer(routeKey, status, false);
    }

    /**
     * The header for an answer of {@code routeKey} with {@code status}. 5xx and 429 are never cached (an outage or a
     * rate limit must not outlive itself at the edge); non-public routes are {@code no-store} whatever the status. A
     * public read asked with an {@code Authorization} header (the host console, which must see its own changes at once)
     * is {@code no-store} too: fresh for that caller, and never kept by the CDN, whose key holds the header.
     */
    public static String forAnswer(String routeKey, int status, boolean withAuthorization) {
        Ttl ttl = routeKey == null ? null : PUBLIC_READS.get(routeKey);
        if (ttl == null || withAuthorization) {
            return NO_STORE;
        }
        if (status >= 200 && status < 300) {
            return ttl.header();
        }
        if (status >= 400 && status < 500 && status != 429) {
            return PUBLIC_CLIENT_ERROR;
        }
        return NO_STORE;
    }
}
