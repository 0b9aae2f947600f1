package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.liveshop.testkit.TestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The viewers signal: at most one push per 2 s per session, only on change; the schedule pushes the trailing count. */
class ViewerSignalTest {

    private static ChatFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ChatFixture();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static List<Long> counts(String connectionId) {
        return f.gateway.frames(connectionId).stream().filter(j -> j.path("type").asText().equals("viewers"))
                .map(j -> j.path("count").asLong()).toList();
    }

    /** A LIVE session in the byStart index, as the sessions module keeps it. */
    private static String activeLiveSession() {
        String id = f.session("LIVE");
        f.client.updateItem(u -> u.tableName(ChatFixture.SESSIONS).key(Map.of("pk", AttributeValue.fromS("SESSION#" + id),
                        "sk", AttributeValue.fromS("META")))
                .updateExpression("SET gsi1pk = :a, gsi1sk = :s")
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("ACTIVE"), ":s", AttributeValue.fromS("2026-11-29T17:00:00Z#" + id))));
        return id;
    }

    @Test
    void burstsAreCoalescedAndTheScheduleSendsTheTrailingCount() {
        String session = activeLiveSession();
        String first = f.connectViewer(session, "First");   // count 1: takes the lease, but its own $connect is running
        String second = f.connectViewer(session, "Second"); // count 2 within 2 s: not pushed
        f.connectViewer(session, "Third");                  // count 3 within 2 s (on a normal machine): not pushed
        ViewerCountHandler later = new ViewerCountHandler(f.wiring, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(3)));
        later.handleRequest(new ScheduledEvent(), new TestContext("ViewerCountFunction"));
        assertThat(counts(first)).last().isEqualTo(3L);
        assertThat(counts(second)).last().isEqualTo(3L);
        int before = counts(first).size();
        ViewerCountHandler evenLater = new ViewerCountHandler(f.wiring, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10)));
        assertThat(evenLater.handleRequest(new ScheduledEvent(), new TestContext("ViewerCountFunction")))
                .as("unchanged: nothing to push").isEqualTo("pushed 0");
        assertThat(counts(first)).hasSize(before);
    }

    @Test
    void atMostOnePushPerTwoSecondsAndOnlyWhenChanged() {
        String session = activeLiveSession();
        String viewer = f.connectViewer(session, "Watcher");
        java.time.Instant t = java.time.Instant.now().plusSeconds(60);
        int before = counts(viewer).size();
        f.wiring.viewerSignal(Clock.fixed(t, java.time.ZoneOffset.UTC)).changed(session, 7, "");
        f.wiring.viewerSignal(Clock.fixed(t.plusMillis(1_000), java.time.ZoneOffset.UTC)).changed(session, 8, "");
        f.wiring.viewerSignal(Clock.fixed(t.plusMillis(2_500), java.time.ZoneOffset.UTC)).changed(session, 8, "");
        f.wiring.viewerSignal(Clock.fixed(t.plusMillis(4_000), java.time.ZoneOffset.UTC)).changed(session, 8, ""); // same count: nothing
        f.wiring.viewerSignal(Clock.fixed(t.plusMillis(4_100), java.time.ZoneOffset.UTC)).changed(session, 9, ""); // 1.6 s after the last push
        assertThat(counts(viewer).subList(before, counts(viewer).size())).containsExactly(7L, 8L);
    }
}
