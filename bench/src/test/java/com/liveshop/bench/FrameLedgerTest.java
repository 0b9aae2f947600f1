package com.liveshop.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.ChatMessage;
import com.liveshop.shared.realtime.Frames;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rehearsal's accounting of what viewers received: chat messages unpacked from chatBatch frames and counted once
 * per viewer however often a retried stream batch delivers them, AppSync deliveries by frame type (every frame, as
 * billed) in the counting window, and the chat's time from POST to the last subscriber.
 */
class FrameLedgerTest {

    static final long MS = 1_000_000;
    /** The bench's clock at which each message's POST was sent, by the nonce in its text. */
    static final Map<String, Long> SENT = Map.of("m1", 1_000 * MS, "m2", 1_050 * MS, "m3", 1_100 * MS);

    final FrameLedger ledger = new FrameLedger((type, frame) -> {
        String text = frame.path("text").asText("");
        return type.equals("chat") && text.contains("nonce=")
                ? SENT.getOrDefault(text.substring(text.indexOf("nonce=") + 6), 0L)
                : 0;
    });

    static String batch(String... ids) {
        return Json.write(new Frames.ChatBatch(Arrays.stream(ids)
                .map(id -> new Frames.Chat(new ChatMessage(
                        id, "Viewer", "viewer", "Love it! nonce=" + id, "2026-12-07T20:00:00Z", "t-" + id)))
                .toList()));
    }

    static long[] subscribedAt(long... at) {
        long[] sorted = at.clone();
        Arrays.sort(sorted);
        return sorted;
    }

    @Test
    void aRetriedChatBatchCountsEachMessageOncePerViewerButEveryFrameAsADelivery() {
        ledger.counting(true);
        // Viewer 0 gets the batch, then the stream's retry of it, then the retry split differently; viewer 1 once.
        ledger.received(0, 0, batch("m1", "m2"), 1_200 * MS);
        ledger.received(0, 0, batch("m1", "m2"), 1_400 * MS);
        ledger.received(0, 0, batch("m2", "m3"), 1_500 * MS);
        ledger.received(1, 0, batch("m1", "m2", "m3"), 1_300 * MS);

        FrameLedger.Figures f = ledger.figures(subscribedAt(0, 0));

        RehearsalReport.FrameFigures chat = f.byType().get("chat");
        assertThat(chat.distinct()).isEqualTo(3);
        assertThat(chat.due()).isEqualTo(6);
        assertThat(chat.delivered()).isEqualTo(6);
        assertThat(100.0 * f.delivered() / f.expected()).isEqualTo(100.0);
        // One latency sample per message and viewer, not per copy.
        assertThat(chat.latencySamples()).isEqualTo(6);
        assertThat(f.byType()).doesNotContainKey("chatBatch");
        // Billed: four chatBatch frames to two viewers over half a minute.
        assertThat(ledger.deliveriesPerViewerPerMinute(2, 0.5)).containsExactly(Map.entry("chatBatch", 4.0));
    }

    @Test
    void aMessageOnlySomeDueViewersGotIsNotDeliveredToAll() {
        ledger.received(0, 0, batch("m1"), 1_200 * MS);
        // Viewer 1 subscribed before the POST but never got it; viewer 2 subscribed after it was sent: not due.
        ledger.received(2, 1_010 * MS, batch("m1"), 1_250 * MS);

        FrameLedger.Figures f = ledger.figures(subscribedAt(0, 10 * MS, 1_010 * MS));

        assertThat(f.byType().get("chat").due()).isEqualTo(2);
        assertThat(f.byType().get("chat").delivered()).isEqualTo(1);
        assertThat(100.0 * f.delivered() / f.expected()).isEqualTo(50.0);
    }

    @Test
    void deliveriesPerViewerMinuteAreSplitByFrameTypeWithinTheWindowOnly() {
        String viewers = Json.write(new Frames.Viewers(3));
        String stock = Json.write(new Frames.Stock("a", 4));
        ledger.received(0, 0, viewers, 900 * MS); // before the window: not counted as a delivery
        ledger.counting(true);
        for (int v = 0; v < 3; v++) {
            ledger.received(v, 0, viewers, 1_000 * MS);
            ledger.received(v, 0, stock, 1_000 * MS);
            ledger.received(v, 0, batch("m1"), 1_200 * MS);
            ledger.received(v, 0, batch("m2", "m3"), 1_400 * MS);
        }
        ledger.counting(false);
        ledger.received(0, 0, stock, 2_000 * MS); // after the window

        Map<String, Double> perViewerMinute = ledger.deliveriesPerViewerPerMinute(3, 2);

        assertThat(perViewerMinute).containsOnlyKeys("chatBatch", "stock", "viewers");
        assertThat(perViewerMinute.get("chatBatch")).isCloseTo(1.0, within(1e-9)); // 6 frames / 3 viewers / 2 minutes
        assertThat(perViewerMinute.get("viewers")).isCloseTo(0.5, within(1e-9));
        assertThat(perViewerMinute.get("stock")).isCloseTo(0.5, within(1e-9));
        assertThat(ledger.figures(subscribedAt(0, 0, 0)).byType()).containsKeys("chat", "stock", "viewers");
    }

    @Test
    void chatTimeToTheLastSubscriberIsPerMessageFromItsPost() {
        // m1: POST at 1,000 ms, viewers at +100 and +200 ms; m2: POST at 1,050 ms, both at +150 ms.
        ledger.received(0, 0, batch("m1"), 1_100 * MS);
        ledger.received(0, 0, batch("m2"), 1_200 * MS);
        ledger.received(1, 0, batch("m1", "m2"), 1_200 * MS);
        ledger.received(1, 0, batch("m1"), 1_300 * MS); // a retry: not a later first receipt

        FrameLedger.Figures f = ledger.figures(subscribedAt(0, 0));

        assertThat(f.chatToLastSamples()).isEqualTo(2);
        assertThat(f.chatToLastP50Ms()).isEqualTo(150.0);
        assertThat(f.chatToLastP99Ms()).isEqualTo(200.0);
        assertThat(Stream.of(
                        f.byType().get("chat").p50Ms(), f.byType().get("chat").p99Ms()))
                .doesNotContainNull();
        assertThat(List.copyOf(f.byType().keySet())).containsExactly("chat");
    }
}
