package com.liveshop.checkout.repository;

import static com.liveshop.shared.dynamo.Attrs.key;
import static com.liveshop.shared.dynamo.Attrs.str;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.checkout.service.ShowLookup;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.sessions.SessionKeys;
import com.liveshop.shared.stats.ShowOrigin;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads a show's META item (an eventually consistent GetItem of four attributes): a LIVE show whose lineup lists the
 * sku is the origin, with the session's {@code currentHighlight} as the highlight on screen; any other show is none.
 */
public final class SessionShowLookup implements ShowLookup {

    private final DynamoDbClient client;
    private final String table;

    public SessionShowLookup(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    @Override
    public Optional<ShowOrigin> originNow(String sessionId, String sku) {
        Map<String, AttributeValue> item = client.getItem(g -> g.tableName(table)
                        .key(key(SessionKeys.sessionPk(sessionId), SessionKeys.META))
                        .projectionExpression("sessionId, #status, currentHighlight, lineup")
                        .expressionAttributeNames(Map.of("#status", "status")))
                .item();
        if (item == null
                || item.isEmpty()
                || str(item, "sessionId") == null
                || !"LIVE".equals(str(item, "status"))
                || !item.containsKey("lineup")
                || item.get("lineup").l().stream().noneMatch(v -> sku.equals(v.s()))) {
            return Optional.empty();
        }
        String current = str(item, "currentHighlight");
        if (current == null) {
            return Optional.of(ShowOrigin.of(sessionId));
        }
        try {
            JsonNode h = Json.MAPPER.readTree(current);
            return Optional.of(new ShowOrigin(
                    sessionId,
                    h.path("highlightId").asText(null),
                    h.path("sku").asText(null),
                    h.path("offsetMs").asLong(0)));
        } catch (IOException e) {
            // The sessions module writes it; an unreadable one loses the highlight, never the hold.
            return Optional.of(ShowOrigin.of(sessionId));
        }
    }
}
