package com.liveshop.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Chat's business metrics on DynamoDB Local: every message sent is counted accepted, or refused with its code. */
class ChatMetricsTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    private static ChatFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ChatFixture(DYNAMO);
    }

    @Test
    void anAcceptedMessageCountsAcceptedAndARefusedOneCountsRefusedWithItsErrorCode() {
        String session = f.session("LIVE");
        f.admin("PUT", "/sessions/{sessionId}/blocklist", Map.of("sessionId", session), "{\"words\":[\"scam\"]}", true);
        String ticket = f.ticketFor(session, "Ann").path("ticket").asText();
        f.metrics.clear();

        assertThat(f.say(session, ticket, "hello").status()).isEqualTo(202);
        assertThat(f.say(session, ticket, "this is a SCAM!").errorCode()).isEqualTo("BLOCKED_WORD");
        assertThat(f.say(session, "not-a-ticket", "hi").status()).isEqualTo(401);

        assertThat(f.metrics.sum(ShowMetrics.CHAT_ACCEPTED)).isEqualTo(1.0);
        assertThat(f.metrics.sum(ShowMetrics.CHAT_REFUSED, Map.of(ShowMetrics.CODE, "BLOCKED_WORD")))
                .isEqualTo(1.0);
        assertThat(f.metrics.named(ShowMetrics.CHAT_REFUSED)).hasSize(2);
        assertThat(f.metrics.points())
                .allSatisfy(p -> assertThat(p.dimensions().toString()).doesNotContain(session));
    }
}
