package com.liveshop.chat.service;

import com.liveshop.chat.repository.Message;
import com.liveshop.shared.json.Json;
import java.util.List;

/** The JSON frames the server sends on a session's WebSockets (each has a {@code type}). */
public final class Frames {

    private Frames() {}

    public record Chat(String type, String messageId, String name, String role, String text, String at) {
        public Chat(Message m) {
            this("chat", m.messageId(), m.name(), m.role(), m.text(), m.at());
        }
    }

    public record Error(String type, String code, String message, List<String> validActions) {
        public Error(String code, String message) {
            this("error", code, message, null);
        }
    }

    public record MessageDeleted(String type, String messageId) {
        public MessageDeleted(String messageId) {
            this("messageDeleted", messageId);
        }
    }

    public record Pinned(String type, Message message) {
        public Pinned(Message message) {
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

    public static String json(Object frame) {
        return Json.write(frame);
    }
}
