package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.chat.service.AudienceSignals;
import com.liveshop.shared.json.Json;
import com.liveshop.testkit.DynamoDbLocalExtension;
import dev.samlocal.lambda.TestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bus events of the sessions module → status and highlight frames on the show's channel only. */
class AudienceSignalHandlerTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    private static ChatFixture f;
    private static AudienceSignalHandler handler;

    @BeforeAll
    static void start() throws Exception {
        f = new ChatFixture(DYNAMO);
        handler = new AudienceSignalHandler(new AudienceSignals(f.publisher));
    }

    private static Map<String, Object> event(String detailType, Map<String, Object> detail) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "0");
        event.put("source", "liveshop");
        event.put("detail-type", detailType);
        event.put("detail", detail);
        return event;
    }

    @Test
    void statusAndHighlightArePublishedToTheShowsChannelOnly() {
        String session = f.session("LIVE");
        String other = f.session("LIVE");
        handler.handleRequest(
                event("SessionLive", Map.of("sessionId", session, "title", "Show", "reminderCount", 0)),
                new TestContext("AudienceSignalFunction"));
        handler.handleRequest(
                event(
                        "HighlightFeatured",
                        Map.of(
                                "sessionId",
                                session,
                                "highlightId",
                                "h1",
                                "sku",
                                "cds-lamp",
                                "title",
                                "Lamp",
                                "priceCents",
                                1999,
                                "currency",
                                "USD",
                                "dealPriceCents",
                                1499,
                                "offsetMs",
                                1200)),
                new TestContext("AudienceSignalFunction"));
        handler.handleRequest(
                event("SessionEnded", Map.of("sessionId", session)), new TestContext("AudienceSignalFunction"));
        handler.handleRequest(
                event("OrderPlaced", Map.of("sessionId", session)), new TestContext("AudienceSignalFunction"));
        handler.handleRequest(
                event("SessionLive", Map.of("title", "no id")), new TestContext("AudienceSignalFunction"));

        var frames = f.publisher.on(com.liveshop.shared.realtime.Channels.show(session));
        assertThat(frames).extracting(j -> j.path("type").asText()).containsExactly("status", "highlight", "status");
        assertThat(frames.get(0).path("status").asText()).isEqualTo("LIVE");
        JsonNode highlight = frames.get(1);
        assertThat(highlight.path("sku").asText()).isEqualTo("cds-lamp");
        assertThat(highlight.path("dealPriceCents").asLong()).isEqualTo(1499);
        assertThat(frames.get(2).path("status").asText()).isEqualTo("ENDED");
        assertThat(f.publisher.on(com.liveshop.shared.realtime.Channels.show(other)))
                .isEmpty();
    }

    @Test
    void theSampleEventIsHandled() throws Exception {
        Map<?, ?> event = Json.MAPPER.readValue(
                java.nio.file.Files.readString(
                        java.nio.file.Path.of("../../events-samples/chat/highlight-featured.json")),
                Map.class);
        assertThat(event.get("detail-type")).isEqualTo("HighlightFeatured");
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) event;
        assertThat(handler.handleRequest(typed, new TestContext("AudienceSignalFunction")))
                .isNull();
        assertThat(EventLoader.class).isNotNull();
        // The frame is the event's detail under type "highlight", field for field.
        JsonNode detail = Json.MAPPER.valueToTree(event.get("detail"));
        JsonNode expected = Json.MAPPER
                .createObjectNode()
                .put("type", "highlight")
                .setAll((com.fasterxml.jackson.databind.node.ObjectNode) detail);
        assertThat(f.publisher.on(com.liveshop.shared.realtime.Channels.show(
                        detail.path("sessionId").asText())))
                .containsExactly(expected);
    }
}
