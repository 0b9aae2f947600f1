package com.liveshop.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.sessions.repository.Session;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StreamLifecycleTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static SessionsFixture f;

    @BeforeAll
    static void start() {
        f = new SessionsFixture(DYNAMO);
        f.product("cds-wool-scarf", "Wool Scarf", 3900, 10);
    }

    private Session session(String id) {
        return f.wiring.sessions().find(id).orElseThrow();
    }

    private long sessionLiveEvents(String id) {
        return f.published.stream()
                .filter(p -> p.detailType().equals("SessionLive")
                        && p.detail().get("sessionId").asText().equals(id))
                .count();
    }

    @Test
    void startGoesLiveOnceAndPublishesSessionLiveOnceEvenWhenDuplicated() {
        String id = f.scheduled("cds-wool-scarf");
        f.confirmedReminder(id, "a@example.com");
        f.confirmedReminder(id, "b@example.com");
        f.remind(id, "pending@example.com");
        String arn = f.channelOf(id);
        Instant t = Instant.parse("2026-11-29T18:00:05Z");
        Map<String, Object> start = f.ivsEvent("ivs-stream-start.json", arn, "st-A", t);
        f.deliver(f.ivsEvent("ivs-session-created.json", arn, "st-A", t.minusSeconds(2)));
        assertThat(session(id).status()).isEqualTo("SCHEDULED");
        f.deliver(start);
        f.deliver(start);
        Session s = session(id);
        assertThat(s.status()).isEqualTo("LIVE");
        assertThat(s.liveAt()).isEqualTo("2026-11-29T18:00:05Z");
        assertThat(s.streamId()).isEqualTo("st-A");
        assertThat(sessionLiveEvents(id)).isEqualTo(1);
        var detail = f.published.stream()
                .filter(p -> p.detail().get("sessionId").asText().equals(id))
                .findFirst()
                .orElseThrow()
                .detail();
        assertThat(detail.get("reminderCount").asLong())
                .as("confirmed reminders only")
                .isEqualTo(2);
        assertThat(detail.toString())
                .as("SessionLive carries the count, never an address")
                .doesNotContain("@example.com");
        f.deliver(f.ivsEvent("ivs-stream-failure.json", arn, "st-A", t.plusSeconds(60)));
        assertThat(session(id).status()).isEqualTo("LIVE");
        Map<String, Object> end = f.ivsEvent("ivs-stream-end.json", arn, "st-A", t.plusSeconds(3600));
        f.deliver(end);
        f.deliver(end);
        assertThat(session(id).status()).isEqualTo("ENDED");
        assertThat(f.published.stream()
                        .filter(p -> p.detailType().equals("SessionEnded")
                                && p.detail().get("sessionId").asText().equals(id)))
                .as("SessionEnded once")
                .hasSize(1);
    }

    @Test
    void lateEndOfAnOlderBroadcastDoesNotEndANewerOne() {
        String id = f.scheduled("cds-wool-scarf");
        String arn = f.channelOf(id);
        Instant t = Instant.parse("2026-11-29T18:00:00Z");
        f.deliver(f.ivsEvent("ivs-stream-start.json", arn, "st-1", t));
        f.deliver(f.ivsEvent("ivs-stream-start.json", arn, "st-2", t.plusSeconds(120)));
        f.deliver(f.ivsEvent("ivs-stream-end.json", arn, "st-1", t.plusSeconds(100)));
        f.deliver(f.ivsEvent("ivs-session-ended.json", arn, "st-1", t.plusSeconds(101)));
        Session s = session(id);
        assertThat(s.status()).isEqualTo("LIVE");
        assertThat(s.streamId()).isEqualTo("st-2");
        assertThat(s.liveAt()).isEqualTo(t.toString());
        // A late start of the older broadcast does not take over either.
        f.deliver(f.ivsEvent("ivs-stream-start.json", arn, "st-1", t));
        assertThat(session(id).streamId()).isEqualTo("st-2");
        f.deliver(f.ivsEvent("ivs-stream-end.json", arn, "st-2", t.plusSeconds(3600)));
        assertThat(session(id).status()).isEqualTo("ENDED");
        assertThat(session(id).endedAt()).isEqualTo(t.plusSeconds(3600).toString());
        assertThat(sessionLiveEvents(id)).isEqualTo(1);
    }

    @Test
    void neverMovesBackwardsAfterEnded() {
        String id = f.scheduled("cds-wool-scarf");
        String arn = f.channelOf(id);
        Instant t = Instant.parse("2026-11-29T18:00:00Z");
        f.deliver(f.ivsEvent("ivs-stream-start.json", arn, "st-x", t));
        f.deliver(f.ivsEvent("ivs-stream-end.json", arn, "st-x", t.plusSeconds(60)));
        f.deliver(f.ivsEvent("ivs-stream-start.json", arn, "st-y", t.plusSeconds(120)));
        f.deliver(f.ivsEvent("ivs-stream-start.json", arn, "st-x", t));
        assertThat(session(id).status()).isEqualTo("ENDED");
        assertThat(session(id).endedAt()).isEqualTo(t.plusSeconds(60).toString());
    }

    @Test
    void endArrivingBeforeItsStartStillEndsTheSession() {
        String id = f.scheduled("cds-wool-scarf");
        String arn = f.channelOf(id);
        Instant t = Instant.parse("2026-11-29T18:00:00Z");
        f.deliver(f.ivsEvent("ivs-stream-start.json", arn, "st-p", t));
        // st-q's end overtakes its start.
        f.deliver(f.ivsEvent("ivs-stream-end.json", arn, "st-q", t.plusSeconds(500)));
        assertThat(session(id).status()).isEqualTo("LIVE");
        f.deliver(f.ivsEvent("ivs-stream-start.json", arn, "st-q", t.plusSeconds(200)));
        assertThat(session(id).status()).isEqualTo("ENDED");
    }

    @Test
    void recordingEndSetsTheReplayOnceAndLaterRecordingsWin() {
        String id = f.scheduled("cds-wool-scarf");
        String arn = f.channelOf(id);
        Instant t = Instant.parse("2026-11-29T19:03:45Z");
        f.deliver(f.ivsEvent("ivs-recording-start.json", arn, null, t.minusSeconds(3700)));
        assertThat(session(id).replay()).isNull();
        Map<String, Object> end = f.ivsEvent("ivs-recording-end.json", arn, null, t);
        f.deliver(end);
        f.deliver(end);
        Session.Replay replay = session(id).replay();
        assertThat(replay.url())
                .isEqualTo(SessionsFixture.REPLAY_BASE
                        + "/ivs/v1/123456789012/AbCdef1G2hij/2026/11/29/18/0/k9Lm2Nop3QrS/media/hls/master.m3u8");
        assertThat(replay.durationMs()).isEqualTo(3756000);
        var view = f.get(id);
        assertThat(view.body().at("/replay/url").asText()).isEqualTo(replay.url());
        // An older recording arriving late does not replace it.
        @SuppressWarnings("unchecked")
        Map<String, Object> older = f.ivsEvent("ivs-recording-end.json", arn, null, t.minus(Duration.ofHours(2)));
        ((Map<String, Object>) older.get("detail")).put("recording_s3_key_prefix", "ivs/v1/old");
        f.deliver(older);
        assertThat(session(id).replay()).isEqualTo(replay);
    }

    @Test
    void eventsForUnknownChannelsOrUnreadableEventsAreLoggedAndIgnored() {
        var before = f.snapshot();
        try (LogCapture logs = new LogCapture()) {
            f.deliver(f.ivsEvent(
                    "ivs-stream-start.json",
                    "arn:aws:ivs:us-east-1:000000000000:channel/unknown",
                    "st-u",
                    Instant.parse("2026-11-29T18:00:00Z")));
            f.deliver(Map.of("source", "aws.ivs", "detail-type", "IVS Stream State Change"));
            f.deliver(Map.of("source", "aws.s3"));
            f.deliver(null);
            assertThat(logs.lines()).anyMatch(l -> l.contains("channel/unknown"));
        }
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void concurrentDuplicateStartsPublishSessionLiveExactlyOnce() throws Exception {
        String id = f.scheduled("cds-wool-scarf");
        String arn = f.channelOf(id);
        Map<String, Object> start =
                f.ivsEvent("ivs-stream-start.json", arn, "st-c", Instant.parse("2026-11-29T18:00:00Z"));
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread thread = new Thread(() -> f.deliver(start));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(session(id).status()).isEqualTo("LIVE");
        assertThat(sessionLiveEvents(id)).isEqualTo(1);
    }
}
