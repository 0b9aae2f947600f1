package com.liveshop.shared.realtime;

import com.liveshop.shared.events.HighlightFeatured;
import java.time.Instant;
import java.util.List;

/**
 * The frames published on the real-time channels ({@link Channels}); each is one event whose JSON has a {@code type}.
 * Producers publish these records; the pages read the same field names.
 */
public final class Frames {

    private Frames() {}

    /** One chat message: an element of {@link ChatBatch}. */
    public record Chat(
            String type, String messageId, String name, String role, String text, String at, String ticketId) {
        public Chat(ChatMessage m) {
            this("chat", m.messageId(), m.name(), m.role(), m.text(), m.at(), m.ticketId());
        }
    }

    /**
     * The chat messages of one Sessions-stream batch for one show, in the order they were stored (ChatBatchFunction);
     * the viewer channel's only chat frame. A retried batch publishes its messages again: pages dedupe by
     * {@code messageId}.
     */
    public record ChatBatch(String type, List<Chat> messages) {
        public ChatBatch(List<Chat> messages) {
            this("chatBatch", List.copyOf(messages));
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

    /**
     * "This product now" on {@code /shows}, from the sessions module's {@link HighlightFeatured} (for clients without
     * the IVS player; players get the same highlight as timed metadata): the event's fields under {@code type}.
     */
    public record Highlight(
            String type,
            String sessionId,
            String highlightId,
            String sku,
            String title,
            long priceCents,
            String currency,
            Long dealPriceCents,
            Instant dealEndsAt,
            String imageUrl,
            long offsetMs,
            Instant at) {
        public Highlight(HighlightFeatured e) {
            this(
                    "highlight",
                    e.sessionId(),
                    e.highlightId(),
                    e.sku(),
                    e.title(),
                    e.priceCents(),
                    e.currency(),
                    e.dealPriceCents(),
                    e.dealEndsAt(),
                    e.imageUrl(),
                    e.offsetMs(),
                    e.at());
        }
    }

    /** The show's chat settings changed (slow mode, the buy keyword); on {@code /shows}, so pages can tell viewers. */
    public record ChatSettings(String type, int messagesPerSecond, int slowModeSeconds, String buyKeyword) {
        public ChatSettings(int messagesPerSecond, int slowModeSeconds, String buyKeyword) {
            this("chatSettings", messagesPerSecond, slowModeSeconds, buyKeyword);
        }
    }

    /**
     * Buyer-only ({@code /carts/{cartId}}): a chat "SOLD" placed a hold. {@code quantity} is the units this claim just
     * added, {@code priceCents} what each of them costs (the deal price while a deal runs).
     */
    public record Held(String type, String sku, int quantity, long priceCents, String currency, String expiresAt) {
        public Held(String sku, int quantity, long priceCents, String currency, String expiresAt) {
            this("held", sku, quantity, priceCents, currency, expiresAt);
        }
    }

    /** Buyer-only ({@code /carts/{cartId}}): a chat "SOLD" placed nothing, and why (the cart route's error code). */
    public record HoldRefused(String type, String sku, String code) {
        public HoldRefused(String sku, String code) {
            this("holdRefused", sku, code);
        }
    }

    /**
     * Buyer-only ({@code /carts/{cartId}}): returned units reached this cart from the waitlist, as a hold of
     * {@code quantity} units at {@code priceCents} each (the price in force when the hold was placed).
     */
    public record WaitlistHeld(
            String type, String sku, int quantity, long priceCents, String currency, String expiresAt) {
        public WaitlistHeld(String sku, int quantity, long priceCents, String currency, String expiresAt) {
            this("waitlistHeld", sku, quantity, priceCents, currency, expiresAt);
        }
    }

    /** Social proof on {@code /shows}: someone claimed the product on screen from the chat (at most one a second). */
    public record Claimed(String type, String name, String sku) {
        public Claimed(String name, String sku) {
            this("claimed", name, sku);
        }
    }

    /** Host-only ({@code /hosts}): a ban took effect. */
    public record Banned(String type, String name, String ticketId) {
        public Banned(String name, String ticketId) {
            this("banned", name, ticketId);
        }
    }
}
