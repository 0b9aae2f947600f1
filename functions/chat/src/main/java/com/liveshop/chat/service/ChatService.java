package com.liveshop.chat.service;

import com.liveshop.chat.ChatConfig;
import com.liveshop.chat.repository.ChatKeys;
import com.liveshop.chat.repository.ChatRepository;
import com.liveshop.chat.repository.SessionState;
import com.liveshop.shared.auth.HostTokenVerifier;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.shared.pow.ProofOfWork;
import com.liveshop.shared.realtime.ChatMessage;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Chat over HTTP: chat tickets (who may chat, under which name), sending a message (ticket, bans, blocklist, rate
 * limit, slow mode, store) and the recent messages for late joiners. A stored message reaches the viewers from the
 * Sessions table's stream, in a {@code chatBatch} frame ({@link ChatBatches}): sending publishes nothing itself. Every
 * refusal is an {@link ApiException}, raised before anything is written.
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
    private final ChatConfig config;
    private final Clock clock;
    private final ShowMetrics metrics;
    private final CommentToBuy commentToBuy;
    private final ProofOfWork proofOfWork;

    public ChatService(
            ChatRepository chat,
            ChatTickets tickets,
            HostTokenVerifier hostTokens,
            ChatConfig config,
            Clock clock,
            ShowMetrics metrics,
            CommentToBuy commentToBuy,
            ProofOfWork proofOfWork) {
        this.proofOfWork = proofOfWork;
        this.metrics = metrics;
        this.commentToBuy = commentToBuy;
        this.chat = chat;
        this.tickets = tickets;
        this.hostTokens = hostTokens;
        this.config = config;
        this.clock = clock;
    }

    /**
     * {@code POST /sessions/{id}/chat-tickets}: a signed ticket for {@code name} (NFKC-normalized) that carries the
     * fingerprint of {@code clientAddress}. Refused: 422 NAME_RESERVED (host, moderator, the brand… and look-alikes),
     * 403 BANNED (the name looks like a banned one, or this client was banned in this show), 400 CHALLENGE_INVALID when
     * proof of work is on and {@code challengeSolution} (the X-Altcha header) is not a solved challenge never used
     * before (a ticket costs a bot some work, and so does every comment-to-buy hold it places), 429 RATE_LIMITED
     * (tickets per client address per minute, and per show), 409 SESSION_ENDED.
     */
    public IssuedTicket issueTicket(
            String rawSessionId, TicketRequest request, String clientAddress, String challengeSolution) {
        String sessionId = Validation.requireUuid("sessionId", rawSessionId);
        String name = ChatNames.displayName(request == null ? null : request.name());
        String cartId = request == null || request.cartId() == null
                ? null
                : Validation.requireRandomUuid("cartId", request.cartId());
        SessionState session = openSession(sessionId);
        if (ChatNames.reserved(name, config.brandNames())) {
            throw ApiException.unprocessable(
                    "NAME_RESERVED", "This name is reserved for the show's hosts and brand; choose another");
        }
        String client = tickets.fingerprint(clientAddress == null ? "" : clientAddress);
        if (session.bannedClients().contains(client) || bannedName(session, name)) {
            throw new ApiException(403, "BANNED", "You are banned from this show's chat");
        }
        // The first write: a refused solution changes nothing.
        proofOfWork.redeem(challengeSolution);
        Instant now = clock.instant();
        long minute = now.getEpochSecond() / 60;
        if (!chat.tryCount(
                ChatKeys.limitPk(sessionId, "ip", client, minute), config.ticketsPerIpPerMinute(), (minute + 2) * 60)) {
            throw ApiException.tooManyRequests(
                    "RATE_LIMITED",
                    "Too many chat tickets from this network; try again in a minute",
                    (minute + 1) * 60 - now.getEpochSecond());
        }
        // Per show, not per window: a client keeps the tickets it has. The count outlives the show's tickets by a day.
        if (!chat.tryCount(
                ChatKeys.limitPk(sessionId, "client", client, 0),
                config.ticketsPerClientPerShow(),
                now.plus(TICKET_LIFETIME).plus(Duration.ofDays(1)).getEpochSecond())) {
            throw ApiException.tooManyRequests(
                    "RATE_LIMITED",
                    "This network already has " + config.ticketsPerClientPerShow()
                            + " chat tickets for this show; keep using one of them",
                    TICKET_LIFETIME.toSeconds());
        }
        String ticketId = UUID.randomUUID().toString();
        Instant expiresAt = now.plus(TICKET_LIFETIME);
        chat.putTicket(
                sessionId,
                ticketId,
                name,
                client,
                now.toString(),
                expiresAt.plus(Duration.ofDays(1)).getEpochSecond());
        String ticket = tickets.sign(new ChatTickets.Ticket(sessionId, ticketId, name, expiresAt, client, cartId));
        return new IssuedTicket(ticketId, ticket, name, expiresAt.toString());
    }

    private static boolean bannedName(SessionState session, String name) {
        return !session.bannedNames().isEmpty()
                && ChatNames.keys(name).stream().anyMatch(session.bannedNames()::contains);
    }

    /**
     * {@code POST /sessions/{id}/messages}: from a ticket holder ({@code ticket}) or a host ({@code hostToken}, a
     * hosts-group JWT). Checks in order: text (no bidi controls), sender, session open, bans (the ticket, the client
     * that obtained it, its name's look-alikes), blocklist, the ticket's rate (5 per 10 s), the client's fair share and
     * the show's budget per second, and slow mode (429 SLOW_MODE with Retry-After). Then stores it (202 with its
     * {@code messageId}); ChatBatchFunction publishes it from the table's stream. A message from a cart-bound ticket
     * that is the show's buy keyword then places a hold ({@link CommentToBuy}).
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
        ChatNames.requireNoBidiControls("text", text);
        Instant now = clock.instant();
        boolean host = hostToken != null && (ticket == null || ticket.isBlank());
        ChatTickets.Ticket sender = host ? null : tickets.verify(ticket, sessionId, now);
        if (host) {
            verifyHost(hostToken);
        }
        SessionState session = openSession(sessionId);
        if (!host) {
            if (session.bannedTickets().contains(sender.ticketId())
                    || session.bannedClients().contains(sender.client())
                    || bannedName(session, sender.name())) {
                throw new ApiException(403, "BANNED", "You are banned from this show's chat");
            }
            if (Blocklist.firstMatch(text, session.blocklist()).isPresent()) {
                throw ApiException.unprocessable(
                        "BLOCKED_WORD", "The message contains a word that is not allowed here");
            }
            limit(sessionId, sender, session, now);
        }
        ChatMessage message = new ChatMessage(
                newMessageId(now),
                host ? HOST_NAME : sender.name(),
                host ? HOST : VIEWER,
                text,
                now.toString(),
                host ? null : sender.ticketId());
        chat.putMessage(sessionId, message, now.plus(MESSAGE_TTL).getEpochSecond());
        if (!host && sender.cartId() != null) {
            commentToBuy.onMessage(session, sender, text);
        }
        return new Sent(message.messageId());
    }

    /**
     * The ticket's own rate, then the client's share of the show's budget, the show's budget, then slow mode: each one
     * conditional write.
     *
     * <p>Fair share: the clients (addresses that obtained the tickets) that sent in this or the previous 10-second
     * window are counted ({@code n}); in any second a client may send at most {@code max(1, budget / max(2, n))}, so
     * one client, whatever its tickets, never has more than half the show's budget, and while the same {@code n}
     * clients chat each finds its share left. A client is counted from its first message in a window (one marker item
     * per client and window, one counter per window), read back with one batch read; a burst of clients new in this
     * window is counted as they arrive, so until then they may take more than budget / n between them.
     */
    private void limit(String sessionId, ChatTickets.Ticket sender, SessionState session, Instant now) {
        long second = now.getEpochSecond();
        long window = second / TICKET_WINDOW_SECONDS;
        if (!chat.tryCount(
                ChatKeys.limitPk(sessionId, "ticket", sender.ticketId(), window),
                config.messagesPerTicketPer10s(),
                second + 2 * TICKET_WINDOW_SECONDS)) {
            throw ApiException.tooManyRequests(
                    "RATE_LIMITED",
                    "At most " + config.messagesPerTicketPer10s() + " messages per " + TICKET_WINDOW_SECONDS
                            + " seconds",
                    (window + 1) * TICKET_WINDOW_SECONDS - second);
        }
        int perSecond =
                session.messagesPerSecond() != null ? session.messagesPerSecond() : config.defaultMessagesPerSecond();
        long ttl = second + 3 * TICKET_WINDOW_SECONDS;
        long active = chat.maxCount(List.of(
                ChatKeys.limitPk(sessionId, "senders", "all", window),
                ChatKeys.limitPk(sessionId, "senders", "all", window - 1)));
        int share = (int) Math.max(1, perSecond / Math.max(2, active));
        long sent = chat.countIn(ChatKeys.limitPk(sessionId, "share", sender.client(), second), share, second + 60);
        if (sent == 0) {
            throw ApiException.tooManyRequests(
                    "SLOW_MODE",
                    "The chat is busy: each viewer may send " + share + " message(s) per second now; try again",
                    1);
        }
        if (sent == 1 && chat.mark(ChatKeys.limitPk(sessionId, "sender", sender.client(), window), ttl)) {
            chat.tryCount(ChatKeys.limitPk(sessionId, "senders", "all", window), Integer.MAX_VALUE, ttl);
        }
        if (!chat.tryCount(ChatKeys.limitPk(sessionId, "show", "all", second), perSecond, second + 60)) {
            throw ApiException.tooManyRequests(
                    "SLOW_MODE", "The chat is busy (" + perSecond + " messages per second); try again", 1);
        }
        if (session.slowModeSeconds() > 0) {
            long gapMs = session.slowModeSeconds() * 1000L;
            OptionalLong last = chat.tooSoonAfter(
                    ChatKeys.limitPk(sessionId, "slow", sender.ticketId(), 0),
                    now.toEpochMilli(),
                    gapMs,
                    second + session.slowModeSeconds() + 60);
            if (last.isPresent()) {
                long waitMs = last.getAsLong() + gapMs - now.toEpochMilli();
                throw ApiException.tooManyRequests(
                        "SLOW_MODE",
                        "Slow mode: one message every " + session.slowModeSeconds() + " seconds",
                        (waitMs + 999) / 1000);
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
