package com.liveshop.shared.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a shared cache may keep, by route and status; the handler tests check the same through the real routes. */
class CacheControlTest {

    @Test
    void aPublicReadIsKeptByItsTtlsItsClientErrorsBrieflyAndNothingElse() {
        String route = "GET /sessions/{sessionId}";
        assertThat(CacheControl.forAnswer(route, 200))
                .isEqualTo("public, max-age=1, s-maxage=2, stale-while-revalidate=2");
        assertThat(CacheControl.forAnswer(route, 404)).isEqualTo("public, max-age=5, s-maxage=5");
        assertThat(CacheControl.forAnswer(route, 400)).isEqualTo("public, max-age=5, s-maxage=5");
        assertThat(CacheControl.forAnswer(route, 429)).isEqualTo("no-store");
        assertThat(CacheControl.forAnswer(route, 500)).isEqualTo("no-store");
        assertThat(CacheControl.forAnswer(route, 503)).isEqualTo("no-store");
        assertThat(CacheControl.forAnswer(route, 200, true))
                .as("asked with a token")
                .isEqualTo("no-store");
    }

    @Test
    void everyOtherRouteIsNoStoreWhateverTheStatus() {
        for (String route : new String[] {
            "GET /carts/{cartId}",
            "POST /orders",
            "GET /products/{sku}/stock",
            "PUT /products/{sku}",
            "POST /sessions",
            "GET /sessions/{sessionId}/ingest",
            "POST /sessions/{sessionId}/messages",
            "GET /anything/new",
            null
        }) {
            for (int status : new int[] {200, 201, 204, 400, 404, 500}) {
                assertThat(CacheControl.forAnswer(route, status))
                        .as("%s %d", route, status)
                        .isEqualTo("no-store");
            }
        }
    }

    @Test
    void theBrowserNeverKeepsLongerThanTheCdn() {
        CacheControl.PUBLIC_READS.forEach(
                (route, ttl) -> assertThat(ttl.maxAge()).as(route).isLessThanOrEqualTo(ttl.sMaxAge()));
    }
}
