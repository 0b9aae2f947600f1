package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.chat.service.ChatBatches;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.ChatMessage;
import com.liveshop.testkit.DynamoDbLocalExtension;
import dev.samlocal.lambda.TestContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ChatBatchFunction on the Sessions table's real stream (DynamoDB Local): the messages a batch stored reach each show
 * as chatBatch frames, in the order they were stored, each exactly once, split below AppSync's event size limit; a
 * frame AppSync refuses fails the invocation so the stream retries the batch.
 */
class ChatBatchHandlerTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    private static ChatFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ChatFixture(DYNAMO);
    }

    /**
     * Our publisher interface, recording each call (channel and frames) and accepting all but {@code refuse} frames.
     */
    private static final class CallsPublisher implements ChannelPublisher {
        record Call(String channel, List<JsonNode> frames) {}

        final List<Call> calls = new CopyOnWriteArrayList<>();
        final int refuse;

        CallsPublisher(int refuse) {
            this.refuse = refuse;
        }

        @Override
        public int publish(String channel, List<?> frames) {
            calls.add(new Call(
                    channel,
                    frames.stream()
                            .map(frame -> ChatFixture.json(Json.write(frame)))
                            .toList()));
            return Math.max(0, frames.size() - refuse);
        }

        List<JsonNode> messagesOn(String channel) {
            List<JsonNode> messages = new ArrayList<>();
            calls.stream()
                    .filter(c -> c.channel().equals(channel))
                    .flatMap(c -> c.frames().stream())
                    .forEach(frame -> frame.path("messages").forEach(messages::add));
            return messages;
        }
    }

    private static int counter;

    /** A message stored as ChatSendFunction stores it; its id's millisecond is {@code ms}. */
    private static ChatMessage store(String sessionId, long ms, String name, String text) {
        String id = String.format("%013d-%012x", ms, ++counter);
        ChatMessage m = new ChatMessage(
                id,
                name,
                "viewer",
                text,
                Instant.ofEpochMilli(ms).toString(),
                UUID.randomUUID().toString());
        f.wiring.chat().putMessage(sessionId, m, Instant.now().plusSeconds(3600).getEpochSecond());
        return m;
    }

    /** Everything the table's stream holds since the last call, as one batch. */
    private static DynamodbEvent batch() {
        return f.sessionsStream.next();
    }

    private static void run(DynamodbEvent batch, CallsPublisher publisher) {
        new ChatBatchHandler(new ChatBatches(publisher)).handleRequest(batch, new TestContext("ChatBatchFunction"));
    }

    private static List<String> ids(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("messageId").asText()).toList();
    }

    @Test
    void aBatchIsOneFramePerShowInStoredOrderAndOtherRecordsAreLeftOut() {
        batch(); // what earlier tests left in the stream
        String a = f.session("LIVE");
        String b = f.session("LIVE");
        long ms = System.currentTimeMillis();
        // Stored in this order; within one millisecond their ids would sort the other way round: the stream's order
        // wins.
        ChatMessage a1 = store(a, ms + 5, "Ann", "first");
        ChatMessage b1 = store(b, ms, "Bob", "hello B");
        ChatMessage a2 = store(a, ms, "Cy", "second, stored later in an earlier millisecond");
        f.ticketFor(a, "Dee"); // a ticket item and its rate windows: not messages
        ChatMessage b2 = store(b, ms + 1, "Eve", "<b>bold</b> ✨");
        ChatMessage a3 = store(a, ms + 6, "Fay", "third");
        f.wiring
                .chat()
                .deleteMessage(a, a3.messageId()); // deleted before its batch ran: still published, pages drop it

        CallsPublisher publisher = new CallsPublisher(0);
        run(batch(), publisher);

        assertThat(publisher.calls)
                .extracting(CallsPublisher.Call::channel)
                .containsExactly(Channels.show(a), Channels.show(b));
        assertThat(publisher.calls)
                .allSatisfy(call -> assertThat(call.frames())
                        .singleElement()
                        .satisfies(
                                frame -> assertThat(frame.path("type").asText()).isEqualTo("chatBatch")));
        assertThat(ids(publisher.messagesOn(Channels.show(a))))
                .containsExactly(a1.messageId(), a2.messageId(), a3.messageId());
        assertThat(ids(publisher.messagesOn(Channels.show(b)))).containsExactly(b1.messageId(), b2.messageId());
        // Each element is exactly the chat frame.
        JsonNode element = publisher.messagesOn(Channels.show(b)).get(1);
        assertThat(Json.MAPPER.convertValue(element, Map.class))
                .isEqualTo(Map.of(
                        "type",
                        "chat",
                        "messageId",
                        b2.messageId(),
                        "name",
                        "Eve",
                        "role",
                        "viewer",
                        "text",
                        "<b>bold</b> ✨",
                        "at",
                        b2.at(),
                        "ticketId",
                        b2.ticketId()));
    }

    @Test
    void aBatchOverTheEventSizeLimitIsSplitInOrderNeverDropped() {
        batch();
        String show = f.session("LIVE");
        String text = "✨".repeat(500); // 1,500 UTF-8 bytes
        List<String> stored = new ArrayList<>();
        long ms = System.currentTimeMillis();
        for (int i = 0; i < 800; i++) {
            stored.add(store(show, ms + i, "Viewer " + i, text).messageId());
        }

        CallsPublisher publisher = new CallsPublisher(0);
        run(batch(), publisher);

        // One publish call with every frame, in order (the publisher sends them 5 per request).
        assertThat(publisher.calls).singleElement().satisfies(call -> {
            assertThat(call.channel()).isEqualTo(Channels.show(show));
            assertThat(call.frames()).hasSizeGreaterThan(5);
            assertThat(call.frames()).allSatisfy(frame -> {
                assertThat(frame.path("type").asText()).isEqualTo("chatBatch");
                String event = frame.toString();
                assertThat(event.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(240_000);
                assertThat(Json.write(event).getBytes(StandardCharsets.UTF_8).length - 2)
                        .isLessThanOrEqualTo(ChatBatches.MAX_FRAME_BYTES);
            });
        });
        assertThat(ids(publisher.messagesOn(Channels.show(show)))).containsExactlyElementsOf(stored);
    }

    @Test
    void aRefusedFrameFailsTheInvocationSoTheStreamRetriesTheBatch() {
        batch();
        String a = f.session("LIVE");
        String b = f.session("LIVE");
        long ms = System.currentTimeMillis();
        ChatMessage a1 = store(a, ms, "Ann", "one");
        ChatMessage b1 = store(b, ms + 1, "Bob", "two");
        DynamodbEvent stored = batch();

        CallsPublisher refusing = new CallsPublisher(1);
        assertThatThrownBy(() -> run(stored, refusing))
                .isInstanceOf(ChatBatches.NotPublished.class)
                .hasMessageContaining("accepted 0 of 2");
        // Every show was tried before failing.
        assertThat(refusing.calls)
                .extracting(CallsPublisher.Call::channel)
                .containsExactly(Channels.show(a), Channels.show(b));

        // The stream's retry of the same batch publishes every message again; pages keep one copy per messageId.
        CallsPublisher accepting = new CallsPublisher(0);
        run(stored, accepting);
        assertThat(ids(accepting.messagesOn(Channels.show(a)))).containsExactly(a1.messageId());
        assertThat(ids(accepting.messagesOn(Channels.show(b)))).containsExactly(b1.messageId());
    }

    @Test
    void aBatchWithoutMessagesPublishesNothing() {
        batch();
        f.session("LIVE");
        CallsPublisher publisher = new CallsPublisher(0);
        run(batch(), publisher);
        run(new DynamodbEvent(), publisher);
        assertThat(publisher.calls).isEmpty();
    }
}
