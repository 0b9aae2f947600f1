package com.liveshop.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.sessions.SessionsFixture.Response;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SessionsApiTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static SessionsFixture f;

    @BeforeAll
    static void start() {
        f = new SessionsFixture(DYNAMO);
        f.product("cds-cashmere-sweater", "Cashmere Crew Sweater", 12900, 50);
        f.product("cds-wool-scarf", "Wool Scarf", 3900, 10);
    }

    @Test
    void createReturnsTheChannelAndIngestOnceAndStoresNoStreamKey() {
        Response r = f.invoke(f.admin, SessionsFixture.sample("create-session.json"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.headers()).containsEntry("cache-control", "no-store");
        assertThat(r.body().get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(r.body().get("startsAt").asText()).isEqualTo("2026-11-29T18:00:00Z");
        assertThat(r.body().get("lineup")).hasSize(2);
        assertThat(r.body().get("channelArn").asText()).startsWith("arn:aws:ivs:");
        assertThat(r.body().get("playbackUrl").asText()).endsWith(".m3u8");
        assertThat(r.body().at("/ingest/endpoint").asText())
                .isEqualTo("rtmps://abc123.global-contribute.live-video.net:443/app/");
        String key = r.body().at("/ingest/streamKey").asText();
        assertThat(key).startsWith("sk_");
        assertThat(f.snapshot().toString()).doesNotContain(key);

        String id = r.body().get("sessionId").asText();
        Response ingest = f.ingest(id);
        assertThat(ingest.status()).isEqualTo(200);
        assertThat(ingest.body().get("streamKey").asText()).isEqualTo(key);
    }

    @Test
    void statsAreHostOnlyNeverCachedAndStartAtZero() {
        String id = f.createSession(SessionsFixture.createBody("Stats show", "2026-11-29T18:00:00Z", "cds-wool-scarf"))
                .body()
                .get("sessionId")
                .asText();
        Response fresh = f.invoke(f.admin, SessionsFixture.withSession(SessionsFixture.sample("get-stats.json"), id));
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.headers()).containsEntry("cache-control", "no-store");
        assertThat(fresh.body().get("holds").asLong()).isZero();
        assertThat(fresh.body().get("revenueCents").asLong()).isZero();
        assertThat(fresh.body().get("perProduct")).isEmpty();
        assertThat(fresh.body().get("perHighlight")).isEmpty();
        assertThat(fresh.body().at("/waitlist/0/sku").asText()).isEqualTo("cds-wool-scarf");
        assertThat(fresh.body().at("/waitlist/0/waiting").asLong()).isZero();
        // Two carts in the product's line (as checkout's waitlist writes them) and one whose entry lapsed.
        var line = new com.liveshop.checkout.repository.WaitlistRepository(f.client, SessionsFixture.RESERVATIONS);
        long nowMs = f.clock.instant().toEpochMilli();
        for (long[] e : new long[][] {{1, 0, 3600}, {2, 1, 3600}, {1, 2, -1}}) {
            String cart = java.util.UUID.randomUUID().toString();
            line.add(
                    new com.liveshop.checkout.repository.WaitlistRepository.Entry(
                            "cds-wool-scarf",
                            cart,
                            (int) e[0],
                            com.liveshop.shared.waitlist.WaitlistKeys.entrySk(nowMs + e[1], cart),
                            nowMs / 1000 + e[2],
                            null),
                    10_000,
                    nowMs / 1000);
        }
        assertThat(f.invoke(f.admin, SessionsFixture.withSession(SessionsFixture.sample("get-stats.json"), id))
                        .body()
                        .at("/waitlist/0/waiting")
                        .asLong())
                .isEqualTo(2);

        // What the checkout's stats function counts shows up here.
        var origin = new com.liveshop.shared.stats.ShowOrigin(id, "hl-1", "cds-wool-scarf", 42_000L);
        f.wiring
                .sessions()
                .stats()
                .apply(List.of(new com.liveshop.shared.stats.ShowStatsRepository.Fact(
                        "ORDER#o1#PAID#" + id,
                        com.liveshop.shared.stats.ShowStatsRepository.Kind.ORDER_PAID,
                        id,
                        "USD",
                        List.of(new com.liveshop.shared.stats.ShowStatsRepository.Line(
                                "cds-wool-scarf", 2, 7800, origin)))));
        Response counted = f.invoke(f.admin, SessionsFixture.withSession(SessionsFixture.sample("get-stats.json"), id));
        assertThat(counted.body().get("paidOrders").asLong()).isEqualTo(1);
        assertThat(counted.body().get("revenueCents").asLong()).isEqualTo(7800);
        assertThat(counted.body().get("currency").asText()).isEqualTo("USD");
        assertThat(counted.body().at("/perProduct/0/units").asLong()).isEqualTo(2);
        assertThat(counted.body().at("/perHighlight/0/offsetMs").asLong()).isEqualTo(42_000);

        Response unknown = f.invoke(
                f.admin,
                SessionsFixture.withSession(
                        SessionsFixture.sample("get-stats.json"),
                        java.util.UUID.randomUUID().toString()));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("SESSION_NOT_FOUND");
        Response malformed =
                f.invoke(f.admin, SessionsFixture.withSession(SessionsFixture.sample("get-stats.json"), "nope"));
        assertThat(malformed.status()).isEqualTo(400);
    }

    @Test
    void unknownSkusAre422NamingThemAndDuplicatesAre400() {
        var before = f.snapshot();
        Response unknown = f.createSession(
                SessionsFixture.createBody("Show", "2026-11-29T18:00:00Z", "cds-wool-scarf", "no-such-sku"));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.errorCode()).isEqualTo("UNKNOWN_SKU");
        assertThat(unknown.body().at("/error/message").asText()).contains("no-such-sku");
        Response dup = f.createSession(
                SessionsFixture.createBody("Show", "2026-11-29T18:00:00Z", "cds-wool-scarf", "cds-wool-scarf"));
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.body().at("/error/message").asText()).contains("cds-wool-scarf");
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void publicViewHasLineupWithAvailabilityAndNoSecrets() {
        String id = f.scheduled("cds-wool-scarf", "cds-cashmere-sweater");
        Response r = f.get(id);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(r.body().get("lineup")).hasSize(2);
        assertThat(r.body().at("/lineup/0/sku").asText()).isEqualTo("cds-wool-scarf");
        assertThat(r.body().at("/lineup/0/title").asText()).isEqualTo("Wool Scarf");
        assertThat(r.body().at("/lineup/0/available").asLong()).isEqualTo(10);
        assertThat(r.body().has("currentHighlight")).isFalse();
        assertThat(r.body().has("replay")).isFalse();
        assertThat(r.body().get("buyKeyword").asText())
                .as("comment-to-buy's default keyword")
                .isEqualTo("SOLD");
        f.client.updateItem(u -> u.tableName(SessionsFixture.SESSIONS)
                .key(java.util.Map.of(
                        "pk",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("SESSION#" + id),
                        "sk",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("META")))
                .updateExpression("SET chatBuyKeyword = :k")
                .expressionAttributeValues(java.util.Map.of(
                        ":k", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("MINE"))));
        assertThat(f.get(id).body().get("buyKeyword").asText())
                .as("as the chat module sets it")
                .isEqualTo("MINE");
        assertThat(r.rawBody())
                .doesNotContain("sk_")
                .doesNotContain("streamKey")
                .doesNotContain("ingest");
    }

    @Test
    void listShowsUpcomingAndLiveByStartTimeButNotEnded() {
        Instant base = f.clock.instant();
        String later = created("Later", base.plus(Duration.ofHours(30)));
        String sooner = created("Sooner", base.plus(Duration.ofHours(20)));
        String ended = created("Ended", base.plus(Duration.ofHours(25)));
        assertThat(f.end(ended).status()).isEqualTo(200);
        Response r = f.list();
        assertThat(r.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.body().get("items").forEach(i -> ids.add(i.get("sessionId").asText()));
        assertThat(ids).contains(sooner, later).doesNotContain(ended);
        assertThat(ids.indexOf(sooner)).isLessThan(ids.indexOf(later));
        assertThat(r.rawBody()).doesNotContain("sk_");
    }

    private String created(String title, Instant startsAt) {
        Response r = f.createSession(SessionsFixture.createBody(title, startsAt.toString(), "cds-wool-scarf"));
        assertThat(r.status()).isEqualTo(201);
        return r.body().get("sessionId").asText();
    }

    @Test
    void calendarIsTextCalendarWithEscapingAndFolding() {
        String title = "Deals; scarves, sweaters \\ more — " + "雪".repeat(40);
        Response created =
                f.createSession(SessionsFixture.createBody(title, "2026-11-29T18:00:00+01:00", "cds-wool-scarf"));
        String id = created.body().get("sessionId").asText();
        Response r = f.calendar(id);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("content-type")).startsWith("text/calendar");
        String ics = r.rawBody();
        assertThat(ics).startsWith("BEGIN:VCALENDAR\r\n").endsWith("END:VCALENDAR\r\n");
        assertThat(ics).contains("DTSTART:20261129T170000Z\r\n").contains("UID:" + id + "@liveshop");
        assertThat(ics).contains("SUMMARY:Deals\\; scarves\\, sweaters \\\\ more");
        for (String line : ics.split("\r\n")) {
            assertThat(line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .as(line)
                    .isLessThanOrEqualTo(75);
        }
        String unfolded = ics.replace("\r\n ", "");
        assertThat(unfolded).contains("雪".repeat(40));
    }

    @Test
    void remindersAreOnePerNormalizedEmailAndCountOnlyOnceConfirmed() {
        String id = f.scheduled("cds-wool-scarf");
        f.queued.clear();
        Response first = f.remind(id, "Viewer@Example.com");
        assertThat(first.status()).isEqualTo(202);
        assertThat(first.rawBody()).isEqualTo("{\"sessionId\":\"" + id + "\",\"status\":\"PENDING_CONFIRMATION\"}");
        Response again = f.remind(id, "  viewer@EXAMPLE.com ");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.rawBody()).isEqualTo(first.rawBody());
        assertThat(f.queued).as("one confirmation for one address").hasSize(1);
        assertThat(f.wiring.sessions().find(id).orElseThrow().reminderCount())
                .as("not confirmed yet")
                .isZero();
        f.deliverQueued();
        f.confirm(f.confirmToken("viewer@example.com"));
        assertThat(f.wiring.sessions().find(id).orElseThrow().reminderCount()).isEqualTo(1);
    }

    @Test
    void endStopsTheStreamAndIsIdempotent() {
        String id = f.scheduled("cds-wool-scarf");
        f.startStream(id, "st-end1", f.clock.instant());
        Response r = f.end(id);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("status").asText()).isEqualTo("ENDED");
        assertThat(r.body().get("streamStopped").asBoolean()).isTrue();
        String endedAt = r.body().get("endedAt").asText();
        f.clock.advance(Duration.ofMinutes(5));
        Response again = f.end(id);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("streamStopped").asBoolean()).isFalse();
        assertThat(again.body().get("endedAt").asText()).isEqualTo(endedAt);
        assertThat(f.remind(id, "late@example.com").errorCode()).isEqualTo("SESSION_ENDED");
        assertThat(f.published.stream()
                        .filter(p -> p.detailType().equals("SessionEnded")
                                && p.detail().get("sessionId").asText().equals(id)))
                .as("SessionEnded once, for chat's status signal")
                .hasSize(1);
    }

    @Test
    void publicReadsCarryTheirCdnTtlsAndHostAndReminderAnswersAreNoStore() {
        String id = f.scheduled("cds-wool-scarf");
        assertThat(f.get(id).headers())
                .containsEntry("cache-control", "public, max-age=1, s-maxage=2, stale-while-revalidate=2");
        assertThat(f.list().headers())
                .containsEntry("cache-control", "public, max-age=5, s-maxage=5, stale-while-revalidate=10");
        assertThat(f.timeline(id).headers())
                .containsEntry("cache-control", "public, max-age=2, s-maxage=5, stale-while-revalidate=5");
        assertThat(f.calendar(id).headers())
                .containsEntry("cache-control", "public, max-age=300, s-maxage=300, stale-while-revalidate=600")
                .containsKey("content-disposition");
        // An unknown show is the same answer for everyone for a while; a bad id too.
        Response unknown = f.get("00000000-0000-4000-8000-000000000000");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.headers()).containsEntry("cache-control", "public, max-age=5, s-maxage=5");

        assertThat(f.ingest(id).headers()).containsEntry("cache-control", "no-store");
        assertThat(f.remind(id, "cdn@example.com").headers()).containsEntry("cache-control", "no-store");
        assertThat(f.remind(id, "not an email").headers()).containsEntry("cache-control", "no-store");
        assertThat(f.highlight(id, "cds-wool-scarf", null).headers())
                .as("SESSION_NOT_LIVE")
                .containsEntry("cache-control", "no-store");
        assertThat(f.end(id).headers()).containsEntry("cache-control", "no-store");
    }

    @Test
    void streamKeyNeverInPublicResponsesOrLogs() {
        try (LogCapture logs = new LogCapture()) {
            Response created = f.invoke(f.admin, SessionsFixture.sample("create-session.json"));
            String id = created.body().get("sessionId").asText();
            String key = created.body().at("/ingest/streamKey").asText();
            f.ingest(id);
            f.startStream(id, "st-logs", f.clock.instant());
            List<Response> publicResponses = List.of(
                    f.get(id),
                    f.list(),
                    f.timeline(id),
                    f.calendar(id),
                    f.remind(id, "someone@example.com"),
                    f.highlight(id, "cds-wool-scarf", null));
            for (Response r : publicResponses) {
                assertThat(r.rawBody()).as("public response").doesNotContain(key);
            }
            f.end(id);
            assertThat(logs.lines()).isNotEmpty();
            assertThat(String.join("\n", logs.lines())).doesNotContain(key).doesNotContain("someone@example.com");
        }
    }
}
