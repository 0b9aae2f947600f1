package com.liveshop.shared.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.shared.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The CDN's origin check in {@link ApiHandler}: one place, before every route. */
class OriginCheckTest {

    static final String SECRET = "origin-secret-0123456789abcdef";

    /** Secrets Manager as the check sees it: one value per stage, every read counted. */
    static final class Stages implements OriginCheck.StageReader {
        final Map<String, String> values = new ConcurrentHashMap<>(Map.of(OriginCheck.CURRENT, SECRET));
        final AtomicInteger reads = new AtomicInteger();
        volatile boolean down;

        @Override
        public Optional<String> read(String stage) {
            reads.incrementAndGet();
            if (down) {
                throw SdkClientException.create("Unable to execute HTTP request: connection refused");
            }
            return Optional.ofNullable(values.get(stage));
        }
    }

    static final class MovableClock extends Clock {
        volatile Instant now = Instant.parse("2026-12-07T18:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** A handler with one route that records what it saw. */
    static final class Echo extends ApiHandler {
        final AtomicInteger ran = new AtomicInteger();
        volatile String clientAddress;

        @Override
        protected Map<String, Route> routes() {
            return Map.of("POST /carts/{cartId}/items", request -> {
                ran.incrementAndGet();
                clientAddress = request.clientAddress();
                return HttpResponses.json(201, Map.of("ok", true));
            });
        }
    }

    final Stages stages = new Stages();
    final MovableClock clock = new MovableClock();
    final OriginCheck check = new OriginCheck(stages, Duration.ofSeconds(300), clock);

    static APIGatewayV2HTTPEvent event(Map<String, String> headers) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey("POST /carts/{cartId}/items");
        event.setHeaders(new HashMap<>(headers));
        event.setBody("{}");
        var http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setSourceIp("130.176.1.10");
        var context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setHttp(http);
        event.setRequestContext(context);
        return event;
    }

    static String errorCode(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.MAPPER
                .readTree(response.getBody())
                .path("error")
                .path("code")
                .asText();
    }

    @Test
    void withoutTheHeaderOrWithAWrongOneTheAnswerIs403DirectAccessAndNoRouteRuns() throws Exception {
        Echo handler = new Echo();
        handler.originCheck(check);
        for (Map<String, String> headers : List.of(
                Map.<String, String>of(),
                Map.of("x-origin-verify", "guess"),
                Map.of("X-Origin-Verify", SECRET + "x"),
                Map.of("x-origin-verify", ""),
                Map.of("cloudfront-viewer-address", "198.51.100.7:1234"))) {
            APIGatewayV2HTTPResponse response = handler.handleRequest(event(headers), null);
            assertThat(response.getStatusCode()).as("%s", headers).isEqualTo(403);
            assertThat(errorCode(response)).isEqualTo("DIRECT_ACCESS");
            assertThat(response.getBody()).doesNotContain(SECRET);
        }
        assertThat(handler.ran).hasValue(0);
    }

    @Test
    void withTheSecretTheRouteRunsAndTheClientIsTheViewerCloudFrontNames() throws Exception {
        Echo handler = new Echo();
        handler.originCheck(check);
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                event(Map.of("X-Origin-Verify", SECRET, "CloudFront-Viewer-Address", "198.51.100.7:1234")), null);
        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(handler.ran).hasValue(1);
        assertThat(handler.clientAddress).isEqualTo("198.51.100.7");
    }

    @Test
    void withoutAConfiguredSecretRequestsPassAndTheViewerHeaderIsNotTrusted() {
        Echo handler = new Echo();
        handler.originCheck(OriginCheck.disabled());
        APIGatewayV2HTTPResponse response =
                handler.handleRequest(event(Map.of("CloudFront-Viewer-Address", "198.51.100.7:1234")), null);
        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(handler.clientAddress).isEqualTo("130.176.1.10");
        // The process environment of the tests names no secret: the default check is off too.
        assertThat(OriginCheck.forEnvironment().enabled()).isFalse();
    }

    @Test
    void thePendingValueOfARotationIsAcceptedAsTheCurrentOneStays() {
        stages.values.put(OriginCheck.PENDING, "origin-secret-next-0123456789");
        OriginCheck fresh = new OriginCheck(stages, Duration.ofSeconds(300), clock);
        assertThat(fresh.verify(Optional.of("origin-secret-next-0123456789"))).isTrue();
        assertThat(fresh.verify(Optional.of(SECRET))).isTrue();
    }

    @Test
    void aRotationIsSeenWithinOneTtlWithoutARedeploy() {
        assertThat(check.verify(Optional.of(SECRET))).isTrue();
        stages.values.put(OriginCheck.PENDING, "origin-secret-next-0123456789");
        clock.now = clock.now.plusSeconds(299);
        assertThatThrownBy(() -> check.verify(Optional.of("origin-secret-next-0123456789")))
                .isInstanceOf(ApiException.class);
        clock.now = clock.now.plusSeconds(1);
        assertThat(check.verify(Optional.of("origin-secret-next-0123456789"))).isTrue();
        // Promoted: AWSPENDING becomes AWSCURRENT, the old value stops working one TTL later.
        stages.values.put(OriginCheck.CURRENT, "origin-secret-next-0123456789");
        stages.values.remove(OriginCheck.PENDING);
        clock.now = clock.now.plusSeconds(300);
        assertThatThrownBy(() -> check.verify(Optional.of(SECRET))).isInstanceOf(ApiException.class);
    }

    @Test
    void aFloodOfWrongHeadersFromManyThreadsReadsTheSecretOncePerTtl() throws Exception {
        Echo handler = new Echo();
        handler.originCheck(check);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                int n = i;
                answers.add(pool.submit(() -> handler.handleRequest(
                                event(Map.of("x-origin-verify", "guess-" + n)), null)
                        .getStatusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(403);
            }
        } finally {
            pool.shutdownNow();
        }
        // One refresh: AWSCURRENT and AWSPENDING, one GetSecretValue each.
        assertThat(stages.reads).hasValue(2);
        clock.now = clock.now.plusSeconds(300);
        for (int i = 0; i < 100; i++) {
            assertThat(handler.handleRequest(event(Map.of("x-origin-verify", "guess")), null)
                            .getStatusCode())
                    .isEqualTo(403);
        }
        assertThat(stages.reads).hasValue(4);
        assertThat(handler.ran).hasValue(0);
    }

    @Test
    void anOutageIs503WithRetryAfterAndRetriedEveryFewSecondsNotPerRequest() throws Exception {
        stages.down = true;
        Echo handler = new Echo();
        handler.originCheck(check);
        for (int i = 0; i < 50; i++) {
            APIGatewayV2HTTPResponse response = handler.handleRequest(event(Map.of("x-origin-verify", SECRET)), null);
            assertThat(response.getStatusCode()).isEqualTo(503);
            assertThat(errorCode(response)).isEqualTo("ORIGIN_CHECK_UNAVAILABLE");
            assertThat(response.getHeaders()).containsKey("Retry-After");
        }
        assertThat(stages.reads).hasValue(1);
        stages.down = false;
        clock.now = clock.now.plus(OriginCheck.RETRY_AFTER_FAILURE);
        assertThat(handler.handleRequest(event(Map.of("x-origin-verify", SECRET)), null)
                        .getStatusCode())
                .isEqualTo(201);
        // Read once, then the service goes down: the values read before stay in use.
        stages.down = true;
        clock.now = clock.now.plusSeconds(300);
        assertThat(handler.handleRequest(event(Map.of("x-origin-verify", SECRET)), null)
                        .getStatusCode())
                .isEqualTo(201);
    }
}
