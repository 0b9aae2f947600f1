package com.liveshop.chat.service;

import com.liveshop.chat.ChatConfig;
import com.liveshop.chat.repository.ChatKeys;
import com.liveshop.chat.repository.ChatRepository;
import com.liveshop.chat.repository.SessionState;
import com.liveshop.shared.auth.HostTokenVerifier;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.shared.http.Validation;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.ChatMessage;
import com.liveshop.shared.realtime.Frames;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Chat over HTTP: chat tickets (who may chat, under which name), sending a message (ticket, bans, blocklist,
 * rate limit, slow mode, store, one publish to the show's channel) and the recent messages for late joiners.
 * Every refusal is an {@link ApiException}, raised before anything is written.
 */
public class ChatService {

    /** {@code cartId} (optional, the viewer's cart id, a version-4 UUID) lets the ticket buy from the chat. */
    public record TicketRequest(String name, String cartId) {
        public TicketRequest(String name) {
            this(name, null);
        }
    }

    /** The cart a ticket is bound to stays inside the signed ticket: the answer does not repeat it. */
    public record IssuedTicket(String ticketId, String ticket, String name, String expiresAt) {}

    public record MessageRequest(String text) {}

    public record Sent(String messageId) {}

    public record RecentMessages(String sessionId, List<ChatMessage> messages) {}

    /** A ticket lasts the rest of the show: sending stops when the session ends, and at the latest after this. */
    public static final Duration TICKET_LIFETIME = Duration.ofHours(12);
    public static final Duration MESSAGE_TTL = Duration.ofDays(30);
    public static final int MAX_TEXT = 500;
    public static final long TICKET_WINDOW_SECONDS = 10;
    public static final int DEFAULT_RECENT = 50;
    public static final int MAX_RECENT = 100;
    public static final String HOST_NAME = "Host";
    public static final String VIEWER = "viewer";
    public static final String HOST = "host";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ChatRepository chat;
    private final ChatTickets tickets;
    private final HostTokenVerifier hostTokens;
    private final ChannelPublisher publisher;
    private final ChatConfig config;
    private final Clock clock;
    private final ShowMetrics metrics;
    private final CommentToBuy commentToBuy;

    public ChatService(ChatRepository chat, ChatTickets tickets, HostTokenVerifier hostTokens, ChannelPublisher publisher,
                       ChatConfig config, Clock clock, ShowMetrics metrics, CommentToBuy commentToBuy) {
        this.metrics = metrics;
        this.commentToBuy = commentToBuy;
        this.chat = chat;
        this.tickets = tickets;
        this.hostTokens = hostTokens;
        this.publisher = publisher;
        this.config = config;
        this.clock = clock;
    }

    /**
     * {@code POST /sessions/{id}/chat-tickets}: a signed ticket for {@code name} (NFKC-normalized). Refused: 422
     * NAME_RESERVED (host, moderator, the brand… and look-alikes), 403 BANNED (the name's skeleton is banned here),
     * 429 RATE_LIMITED (tickets per source IP per minute), 409 SESSION_ENDED.
     */
    public IssuedTicket issueTicket(String rawSessionId, TicketRequest request, String sourceIp) {
        String sessionId = Validation.requireUuid("sessionId", rawSessionId);
        String name = ChatNames.displayName(request == null ? null : request.name());
        String cartId = request == null || request.cartId() == null ? null : Validation.requireRandomUuid("cartId", request.cartId());
        SessionState session = openSession(sessionId);
        if (ChatNames.reserved(name, config.brandNames())) {
            throw ApiException.unprocessable("NAME_RESERVED", "This name is reserved for the show's hosts and brand; choose another");
        }
        if (session.bannedSkeletons().contains(ChatNames.skeleton(name))) {
            throw new ApiException(403, "BANNED", "This name is banned from the show's chat");
        }
        Instant now = clock.instant();
        long minute = now.getEpochSecond() / 60;
        String ip = tickets.fingerprint(sourceIp == null ? "" : sourceIp);
        if (!chat.tryCount(ChatKeys.limitPk(sessionId, "ip", ip, minute), config.ticketsPerIpPerMinute(), (minute + 2) * 60)) {
            throw ApiException.tooManyRequests("RATE_LIMITED", "Too many chat tickets from this network; try again in a minute",
                    (minute + 1) * 60 - now.getEpochSecond());
        }
        String ticketId = UUID.randomUUID().toString();
        Instant expiresAt = now.plus(TICKET_LIFETIME);
        chat.putTicket(sessionId, ticketId, name, now.toString(), expiresAt.plus(Duration.ofDays(1)).getEpochSecond());
        String ticket = tickets.sign(new ChatTickets.Ticket(sessionId, ticketId, name, expiresAt, ip, cartId));
        return new IssuedTicket(ticketId, ticket, name, expiresAt.toString());
    }

    /**
     * {@code POST /sessions/{id}/messages}: from a ticket holder ({@code ticket}) or a host ({@code hostToken}, a
     * hosts-group JWT). Checks in order: text, sender, session open, bans, blocklist, the ticket's rate (5 per 10 s),
     * the show's budget per second and slow mode (429 SLOW_MODE with Retry-After). Then stores it and publishes one
     * {@code chat} frame to {@code /shows/{sessionId}}; a failed publish does not fail the send. A message from a
     * cart-bound ticket that is the show's buy keyword then places a hold ({@link CommentToBuy}).
     */
    public Sent send(String rawSessionId, MessageRequest request, String ticket, String hostToken) {
        try {
            Sent sent = post(rawSessionId, request, ticket, hostToken);
            metrics.chatAccepted();
            return sent;
        } catch (ApiException e) {
            metrics.chatRefused(e.code());
            throw e;
        }
    }

    private Sent post(String rawSessionId, MessageRequest request, String ticket, String hostToken) {
        String sessionId = Validation.requireUuid("sessionId", rawSessionId);
        String rawText = request == null ? null : request.text();
        if (rawText == null || rawText.isBlank()) {
            throw ApiException.validation("Field 'text' is required (1-" + MAX_TEXT + " characters)");
        }
        String text = Validation.requireMultilineText("text", rawText, MAX_TEXT);
        Instant now = clock.instant();
        boolean host = hostToken != null && (ticket == null || ticket.isBlank());
        ChatTickets.Ticket sender = host ? null : tickets.verify(ticket, sessionId, now);
        if (host) {
            verifyHost(hostToken);
        }
        SessionState session = openSession(sessionId);
        if (!host) {
            if (session.bannedTickets().contains(sender.ticketId()) || session.bannedSkeletons().contains(ChatNames.skeleton(sender.name()))) {
                throw new ApiException(403, "BANNED", "You are banned from this show's chat");
            }
            if (Blocklist.firstMatch(text, session.blocklist()).isPresent()) {
                throw ApiException.unprocessable("BLOCKED_WORD", "The message contains a word that is not allowed here");
            }
            limit(sessionId, sender.ticketId(), session, now);
        }
        ChatMessage message = new ChatMessage(newMessageId(now), host ? HOST_NAME : sender.name(), host ? HOST : VIEWER, text,
                now.toString(), host ? null : sender.ticketId());
        chat.putMessage(sessionId, message, now.plus(MESSAGE_TTL).getEpochSecond());
        publisher.publish(Channels.show(sessionId), new Frames.Chat(message));
        if (!host && sender.cartId() != null) {
            commentToBuy.onMessage(session, sender, text);
        }
        return new Sent(message.messageId());
    }

    /** The ticket's own rate, then the show's budget, then slow mode: each one conditional write. */
    private void limit(String sessionId, String ticketId, SessionState session, Instant now) {
        long second = now.getEpochSecond();
        long window = second / TICKET_WINDOW_SECONDS;
        if (!chat.tryCount(ChatKeys.limitPk(sessionId, "ticket", ticketId, window), config.messagesPerTicketPer10s(),
                second + 2 * TICKET_WINDOW_SECONDS)) {
            throw ApiException.tooManyRequests("RATE_LIMITED", "At most " + config.messagesPerTicketPer10s() + " messages per "
                    + TICKET_WINDOW_SECONDS + " seconds", (window + 1) * TICKET_WINDOW_SECONDS - second);
        }
        int perSecond = session.messagesPerSecond() != null ? session.messagesPerSecond() : config.defaultMessagesPerSecond();
        if (!chat.tryCount(ChatKeys.limitPk(sessionId, "show", "all", second), perSecond, second + 60)) {
            throw ApiException.tooManyRequests("SLOW_MODE", "The chat is busy (" + perSecond + " messages per second); try again", 1);
        }
        if (session.slowModeSeconds() > 0) {
            long gapMs = session.slowModeSeconds() * 1000L;
            OptionalLong last = chat.tooSoonAfter(ChatKeys.limitPk(sessionId, "slow", ticketId, 0), now.toEpochMilli(), gapMs,
                    second + session.slowModeSeconds() + 60);
            if (last.isPresent()) {
                long waitMs = last.getAsLong() + gapMs - now.toEpochMilli();
                throw ApiException.tooManyRequests("SLOW_MODE", "Slow mode: one message every " + session.slowModeSeconds()
                        + " seconds", (waitMs + 999) / 1000);
            }
        }
    }

    /** {@code GET /sessions/{id}/messages?limit=50}: the latest messages, newest last (1-100). */
    public RecentMessages recent(String rawSessionId, String rawLimit) {
        String sessionId = Validation.requireUuid("sessionId", rawSessionId);
        int limit = DEFAULT_RECENT;
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                throw ApiException.validation("Query parameter 'limit' must be a whole number from 1 to " + MAX_RECENT);
            }
            if (limit < 1 || limit > MAX_RECENT) {
                throw ApiException.validation("Query parameter 'limit' must be from 1 to " + MAX_RECENT);
            }
        }
        chat.session(sessionId).orElseThrow(() -> sessionNotFound(sessionId));
        return new RecentMessages(sessionId, chat.recentMessages(sessionId, limit));
    }

    private void verifyHost(String token) {
        try {
            hostTokens.verifyHost(token);
        } catch (HostTokenVerifier.RejectedToken e) {
            throw e.forbidden() ? ApiException.forbidden(e.getMessage()) : ApiException.unauthorized(e.getMessage());
        }
    }

    private SessionState openSession(String sessionId) {
        SessionState session = chat.session(sessionId).orElseThrow(() -> sessionNotFound(sessionId));
        if (session.ended()) {
            throw ApiException.conflict("SESSION_ENDED", "The show has ended");
        }
        return session;
    }

    private static ApiException sessionNotFound(String sessionId) {
        return ApiException.notFound("SESSION_NOT_FOUND", "No session " + sessionId);
    }

    /** {@code <13-digit epoch ms>-<12 hex>}: unique, sortable, and the storage key follows from it. */
    static String newMessageId(Instant at) {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return String.format("%013d", at.toEpochMilli()) + "-" + HexFormat.of().formatHex(random);
    }
}
