package com.liveshop.chat.repository;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.liveshop.shared.realtime.ChatMessage;
import com.liveshop.shared.sessions.SessionKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The chat messages a Sessions table stream batch stored ({@code INSERT}s of {@code MSG#} items, as
 * {@link ChatRepository#putMessage} writes them), in stream order. Other items, changes and deletes are left out: a
 * message is published when it is stored, and a later delete reaches the pages as its own {@code messageDeleted}.
 */
public final class StoredMessages {

    /** A message as stored in the show {@code sessionId}. */
    public record Stored(String sessionId, ChatMessage message) {}

    private static final String SESSION_PREFIX = SessionKeys.sessionPk("");

    private StoredMessages() {}

    public static List<Stored> of(DynamodbEvent event) {
        List<Stored> stored = new ArrayList<>();
        if (event == null || event.getRecords() == null) {
            return stored;
        }
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            if (!"INSERT".equals(record.getEventName())
                    || record.getDynamodb() == null
                    || record.getDynamodb().getNewImage() == null) {
                continue;
            }
            Map<String, AttributeValue> item = record.getDynamodb().getNewImage();
            String pk = text(item, SessionKeys.PK);
            String sk = text(item, SessionKeys.SK);
            if (pk != null && pk.startsWith(SESSION_PREFIX) && sk != null && sk.startsWith(ChatKeys.MSG_PREFIX)) {
                stored.add(new Stored(
                        pk.substring(SESSION_PREFIX.length()),
                        new ChatMessage(
                                text(item, "messageId"),
                                text(item, "name"),
                                text(item, "role"),
                                text(item, "text"),
                                text(item, "at"),
                                text(item, "ticketId"))));
            }
        }
        return stored;
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.getS();
    }
}
