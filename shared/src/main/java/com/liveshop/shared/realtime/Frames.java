package com.liveshop.shared.realtime;

import com.liveshop.shared.json.Json;

/**
 * The frames published on the real-time channels ({@link Channels}); each is one event whose JSON has a
 * {@code type}. Producers publish these records; the pages read the same field names.
 */
public final class Frames {

    private Frames() {}

    public record Chat(String type, String messageId, String name, String role, String text, String at, String ticketId) {
        public Chat(ChatMessage m) {
            this("chat", m.messageId(), m.name(), m.role(), m.text(), m.at(), m.ticketId());
        }
    }

    public record MessageDeleted(String type, String messageId) {
        public MessageDeleted(String messageId) {
            this("messageDeleted", messageId);
        }
    }

    public record Pinned(String type, ChatMessage message) {
        public Pinned(ChatMessage message) {
            this("pinned", message);
        }
    }

    public record Viewers(String type, long count) {
        public Viewers(long count) {
            this("viewers", count);
        }
    }

    public record Status(String type, String sessionId, String status) {
        public Status(String sessionId, String status) {
            this("status", sessionId, status);
        }
    }

    /** Units left of a featured product (from the Catalog table's stream). */
    public record Stock(String type, String sku, long available) {
        public Stock(String sku, long available) {
            this("stock", sku, available);
        }
    }

    /** The show's chat limits changed (slow mode); on {@code /shows}, so pages can tell viewers. */
    public record ChatSettings(String type, int messagesPerSecond, int slowModeSeconds) {
        public ChatSettings(int messagesPerSecond, int slowModeSeconds) {
            this("chatSettings", messagesPerSecond, slowModeSeconds);
        }
    }

    /** Host-only ({@code /hosts}): a ban took effect. */
    public record Banned(String type, String name, String ticketId) {
        public Banned(String name, String ticketId) {
            this("banned", name, ticketId);
        }
    }

    public static String json(Object frame) {
        return Json.write(frame);
    }
}
