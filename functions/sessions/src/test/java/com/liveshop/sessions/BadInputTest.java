package com.liveshop.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.liveshop.sessions.SessionsFixture.Response;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every route: bad input and missing/insufficient auth are 4xx with the error shape, and nothing is written. */
class BadInputTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static SessionsFixture f;
    static String liveId;

    @BeforeAll
    static void start() {
        f = new SessionsFixture(DYNAMO);
        f.product("cds-wool-scarf", "Wool Scarf", 3900, 10);
        liveId = f.scheduled("cds-wool-scarf");
        f.startStream(liveId, "st-bad", f.clock.instant());
    }

    record Case(String name, Supplier<ApiHandler> handler, String sample, String body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> badBodies() {
        String big = "{\"title\":\"" + "x".repeat(70 * 1024) + "\"}";
        return Stream.of(
                Arguments.of("create: malformed", "create-session.json", "{\"title\":", 400),
                Arguments.of("create: not an object", "create-session.json", "[1,2]", 400),
                Arguments.of(
                        "create: lineup wrong type",
                        "create-session.json",
                        "{\"title\":\"T\",\"startsAt\":\"2026-11-29T18:00:00Z\",\"lineup\":\"cds-wool-scarf\"}",
                        400),
                Arguments.of(
                        "create: lineup of numbers",
                        "create-session.json",
                        "{\"title\":\"T\",\"startsAt\":\"2026-11-29T18:00:00Z\",\"lineup\":[1]}",
                        400),
                Arguments.of(
                        "create: title missing",
                        "create-session.json",
                        "{\"startsAt\":\"2026-11-29T18:00:00Z\",\"lineup\":[\"cds-wool-scarf\"]}",
                        400),
                Arguments.of(
                        "create: startsAt not a date",
                        "create-session.json",
                        "{\"title\":\"T\",\"startsAt\":\"tomorrow\",\"lineup\":[\"cds-wool-scarf\"]}",
                        400),
                Arguments.of(
                        "create: startsAt in the past",
                        "create-session.json",
                        "{\"title\":\"T\",\"startsAt\":\"2020-01-01T00:00:00Z\",\"lineup\":[\"cds-wool-scarf\"]}",
                        400),
                Arguments.of(
                        "create: empty lineup",
                        "create-session.json",
                        "{\"title\":\"T\",\"startsAt\":\"2026-11-29T18:00:00Z\",\"lineup\":[]}",
                        400),
                Arguments.of(
                        "create: 101 skus",
                        "create-session.json",
                        "{\"title\":\"T\",\"startsAt\":\"2026-11-29T18:00:00Z\",\"lineup\":["
                                + String.join(",", java.util.Collections.nCopies(101, "\"cds-wool-scarf\"")) + "]}",
                        400),
                Arguments.of(
                        "create: bad sku",
                        "create-session.json",
                        "{\"title\":\"T\",\"startsAt\":\"2026-11-29T18:00:00Z\",\"lineup\":[\"no spaces\"]}",
                        400),
                Arguments.of("create: body over 64 KB", "create-session.json", big, 413),
                Arguments.of("reminder: not an email", "add-reminder.json", "{\"email\":\"nope\"}", 400),
                Arguments.of("reminder: email a number", "add-reminder.json", "{\"email\":42}", 400),
                Arguments.of("reminder: missing", "add-reminder.json", "{}", 400),
                Arguments.of("highlight: sku missing", "highlight.json", "{}", 400),
                Arguments.of(
                        "highlight: deal a string",
                        "highlight.json",
                        "{\"sku\":\"cds-wool-scarf\",\"dealPriceCents\":\"12\"}",
                        400),
                Arguments.of(
                        "highlight: deal a float",
                        "highlight.json",
                        "{\"sku\":\"cds-wool-scarf\",\"dealPriceCents\":12.5}",
                        400),
                Arguments.of("highlight: malformed", "highlight.json", "{\"sku\"", 400),
                Arguments.of("highlight: over 64 KB", "highlight.json", big, 413));
    }

    private static ApiHandler handlerFor(String sample) {
        return switch (sample) {
            case "add-reminder.json" -> f.reminders;
            case "highlight.json" -> f.highlights;
            default -> f.admin;
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badBodiesAre4xxAndWriteNothing(String name, String sample, String body, int status) {
        var before = f.snapshot();
        int metadata = f.video.metadata.size();
        APIGatewayV2HTTPEvent e = SessionsFixture.withBody(SessionsFixture.sample(sample), body);
        if (!sample.equals("create-session.json")) {
            SessionsFixture.withSession(e, liveId);
        }
        Response r = f.invoke(handlerFor(sample), e);
        assertThat(r.status()).as(r.rawBody()).isEqualTo(status);
        assertThat(r.errorCode()).isNotBlank();
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.video.metadata).hasSize(metadata);
    }

    static Stream<String> adminSamples() {
        return Stream.of(
                "create-session.json", "get-ingest.json", "get-stats.json", "end-session.json", "highlight.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adminSamples")
    void adminRoutesAre401WithoutTokenAnd403OutsideHosts(String sample) {
        var before = f.snapshot();
        ApiHandler handler = sample.equals("highlight.json") ? f.highlights : f.admin;

        APIGatewayV2HTTPEvent anonymous = SessionsFixture.withSession(SessionsFixture.sample(sample), liveId);
        anonymous.getRequestContext().setAuthorizer(null);
        Response r401 = f.invoke(handler, anonymous);
        assertThat(r401.status()).isEqualTo(401);
        assertThat(r401.errorCode()).isEqualTo("UNAUTHORIZED");

        APIGatewayV2HTTPEvent viewer = SessionsFixture.withSession(SessionsFixture.sample(sample), liveId);
        Map<String, String> claims = new HashMap<>(
                viewer.getRequestContext().getAuthorizer().getJwt().getClaims());
        claims.put("cognito:groups", "[viewers]");
        viewer.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
        Response r403 = f.invoke(handler, viewer);
        assertThat(r403.status()).isEqualTo(403);
        assertThat(r403.errorCode()).isEqualTo("FORBIDDEN");
        assertThat(r403.rawBody()).doesNotContain("sk_");

        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.video.stopped).doesNotContain(f.channelOf(liveId));
    }

    @Test
    void unknownSessionsAre404AndMalformedIdsAre400OnEveryRoute() {
        var before = f.snapshot();
        String unknown = UUID.randomUUID().toString();
        List<String> samples = List.of(
                "get-session.json",
                "get-timeline.json",
                "get-calendar.json",
                "add-reminder.json",
                "get-ingest.json",
                "end-session.json",
                "highlight.json");
        for (String sample : samples) {
            ApiHandler handler = switch (sample) {
                case "add-reminder.json" -> f.reminders;
                case "highlight.json" -> f.highlights;
                case "get-ingest.json", "end-session.json" -> f.admin;
                default -> f.read;
            };
            Response missing = f.invoke(handler, SessionsFixture.withSession(SessionsFixture.sample(sample), unknown));
            assertThat(missing.status()).as(sample).isEqualTo(404);
            assertThat(missing.errorCode()).as(sample).isEqualTo("SESSION_NOT_FOUND");
            Response malformed =
                    f.invoke(handler, SessionsFixture.withSession(SessionsFixture.sample(sample), "not-a-uuid"));
            assertThat(malformed.status()).as(sample).isEqualTo(400);
        }
        assertThat(f.list().status()).isEqualTo(200);
        APIGatewayV2HTTPEvent badLimit = SessionsFixture.sample("list-sessions.json");
        badLimit.setQueryStringParameters(Map.of("limit", "0"));
        assertThat(f.invoke(f.read, badLimit).status()).isEqualTo(400);
        assertThat(f.snapshot()).isEqualTo(before);
    }
}
