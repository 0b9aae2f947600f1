package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.testkit.DynamoDbLocalExtension;
import dev.samlocal.lambda.TestContext;
import dev.samlocal.template.SamTemplate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The chat samples in events-samples/chat (the same files `sam local invoke -e` takes) through their handlers. */
class ChatSamplesTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    private static ChatFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ChatFixture(DYNAMO);
    }

    /** The sample, pointed at {@code sessionId}, with {@code headers} replacing its placeholders. */
    private static APIGatewayV2HTTPResponse run(
            ApiHandler handler, String sample, String sessionId, Map<String, String> headers) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(
                SamTemplate.repoRoot().resolve("events-samples/chat/" + sample).toString());
        event.setPathParameters(Map.of("sessionId", sessionId));
        Map<String, String> h = new HashMap<>(event.getHeaders());
        h.putAll(headers);
        event.setHeaders(h);
        return handler.handleRequest(event, new TestContext("ChatFunction"));
    }

    @Test
    void theChatSamplesRunThroughTheirHandlers() {
        String session = f.session("LIVE");
        APIGatewayV2HTTPResponse ticket = run(f.chat, "chat-ticket.json", session, Map.of());
        assertThat(ticket.getStatusCode()).as(ticket.getBody()).isEqualTo(201);
        String signed = ChatFixture.json(ticket.getBody()).path("ticket").asText();
        assertThat(ticket.getBody())
                .as("a cart-bound ticket keeps its cart inside")
                .doesNotContain("7c9e6679-7425-40de-944b-e07fc1f90ae7");

        APIGatewayV2HTTPResponse sent = run(f.send, "send-message.json", session, Map.of("x-chat-ticket", signed));
        assertThat(sent.getStatusCode()).as(sent.getBody()).isEqualTo(202);
        APIGatewayV2HTTPResponse recent = run(f.chat, "recent-messages.json", session, Map.of());
        assertThat(ChatFixture.json(recent.getBody())
                        .path("messages")
                        .path(0)
                        .path("text")
                        .asText())
                .isEqualTo("Does the kettle come in green?");

        APIGatewayV2HTTPResponse settings = run(f.moderation, "chat-settings.json", session, Map.of());
        assertThat(settings.getStatusCode()).as(settings.getBody()).isEqualTo(200);
        assertThat(ChatFixture.json(settings.getBody()).path("buyKeyword").asText())
                .isEqualTo("SOLD");
        APIGatewayV2HTTPResponse ban = run(f.moderation, "ban.json", session, Map.of());
        assertThat(ban.getStatusCode()).as(ban.getBody()).isEqualTo(200);
        assertThat(run(f.chat, "chat-ticket.json", session, Map.of()).getStatusCode())
                .isEqualTo(201); // "Jane" is not "Troll"
        assertThat(f.chatOn(session)).hasSize(1);
    }

    @Test
    void theSessionsStreamSampleIsOneChatBatchFrameInStoredOrder() {
        var sample = EventLoader.loadDynamoDbEvent(SamTemplate.repoRoot()
                .resolve("events-samples/chat/chat-batch-stream.json")
                .toString());
        f.chatBatches.handleRequest(sample, new TestContext("ChatBatchFunction"));
        assertThat(f.publisher.show("4b9e2a7c-1f3d-4c5e-9a8b-7d6e5f4a3b2c", "chatBatch"))
                .singleElement()
                .satisfies(frame -> assertThat(frame.path("messages"))
                        .extracting(m ->
                                m.path("role").asText() + ": " + m.path("text").asText())
                        .containsExactly(
                                "viewer: Does the kettle come in green?",
                                "host: Yes! Green and steel, both in stock."));
    }
}
