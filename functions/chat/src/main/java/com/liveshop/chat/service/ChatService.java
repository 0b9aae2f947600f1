package com.liveshop.chat.service;

import com.liveshop.shared.auth.HostTokenVerifier;
import com.liveshop.chat.repository.ChatRepository;
import com.liveshop.chat.repository.Connection;
import com.liveshop.chat.repository.ConnectionRepository;
import com.liveshop.chat.repository.Message;
import com.liveshop.chat.repository.SessionState;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side of chat: who may connect to a session (and as what), leaving it, and sending a message
 * (rate limit, bans, blocklist, store, broadcast). Refusals are {@link ApiException}s: on $connect their status
 * refuses the upgrade, on a message their code goes back to the sender as an error frame.
 */
public class ChatService {

    /** API Gateway closes a connection after 2 h; the items outlive it a little, then TTL collects them. */
    public static final Duration CONNECTION_TTL = Duration.ofHours(2).plusMinutes(10);
    public static final Duration MESSAGE_TTL = Duration.ofDays(30);
    public static final int MAX_NAME = 30;
    public static final int MAX_TEXT = 500;
    public static final int RATE_LIMIT_MESSAGES = 5;
    public static final long RATE_WINDOW_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConnectionRepository connections;
    private final ChatRepository chat;
    private final Broadcaster broadcaster;
    private final HostTokenVerifier hostTokens;
    private final ViewerSignal viewers;
    private final Clock clock;

    public ChatService(ConnectionRepository connections, ChatRepository chat, Broadcaster broadcaster,
                       HostTokenVerifier hostTokens, ViewerSignal viewers, Clock clock) {
        this.connections = connections;
        this.chat = chat;
        this.broadcaster = broadcaster;
        this.hostTokens = hostTokens;
        this.viewers = viewers;
        this.clock = clock;
    }

    /** $connect: validates and stores the connection; throws ApiException (its status refuses the upgrade). */
    public Connection connect(String connectionId, String rawSessionId, String rawName, String token) {
        String sessionId = Validation.requireUuid("sessionId", rawSessionId);
        String name = Validation.requireText("name", rawName, MAX_NAME);
        SessionState session = chat.session(sessionId)
                .orElseThrow(() -> ApiException.notFound("SESSION_NOT_FOUND", "No session " + sessionId));
        if (session.ended()) {
            throw ApiException.conflict("SESSION_ENDED", "The session has ended");
        }
        String role = Connection.VIEWER;
        if (token != null && !token.isBlank()) {
            try {
                hostTokens.verifyHost(token.strip());
                role = Connection.HOST;
            } catch (HostTokenVerifier.RejectedToken e) {
                throw e.forbidden() ? ApiException.forbidden(e.getMessage()) : ApiException.unauthorized(e.getMessage());
            }
        } else if (session.banned(name)) {
            throw new ApiException(403, "BANNED", "This name is banned from the session's chat");
        }
        Instant now = clock.instant();
        Connection c = new Connection(sessionId, connectionId, name, role, now.toString());
        long count = connections.add(c, now.plus(CONNECTION_TTL).getEpochSecond());
        viewers.changed(sessionId, count, connectionId);
        return c;
    }

    /** $disconnect: idempotent (the count moves once, whoever removes the connection first). */
    public void disconnect(String connectionId) {
        Optional<String> sessionId = connections.sessionOf(connectionId);
        if (sessionId.isEmpty()) {
            return;
        }
        connections.remove(sessionId.get(), connectionId)
                .filter(r -> r.viewerCount() != null)
                .ifPresent(r -> viewers.changed(sessionId.get(), r.viewerCount(), connectionId));
    }

    /** sendMessage: checks, stores and broadcasts; throws ApiException whose code goes back as an error frame. */
    public Message send(String connectionId, String rawText) {
        if (rawText == null || rawText.isBlank()) {
            throw ApiException.validation("Field 'text' is required (1-" + MAX_TEXT + " characters)");
        }
        String text = Validation.requireMultilineText("text", rawText, MAX_TEXT);
        String sessionId = connections.sessionOf(connectionId).orElseThrow(ChatService::notConnected);
        Instant now = clock.instant();
        ConnectionRepository.RateOutcome outcome = connections.countMessage(sessionId, connectionId,
                now.getEpochSecond() / RATE_WINDOW_SECONDS, RATE_LIMIT_MESSAGES);
        Connection sender;
        if (outcome instanceof ConnectionRepository.RateOutcome.Allowed allowed) {
            sender = allowed.connection();
        } else if (outcome instanceof ConnectionRepository.RateOutcome.Limited) {
            throw new ApiException(429, "RATE_LIMITED", "At most " + RATE_LIMIT_MESSAGES + " messages per "
                    + RATE_WINDOW_SECONDS + " seconds");
        } else {
            throw notConnected();
        }
        SessionState session = chat.session(sessionId).orElseThrow(ChatService::notConnected);
        if (session.ended()) {
            throw ApiException.conflict("SESSION_ENDED", "The session has ended");
        }
        if (!sender.host() && session.banned(sender.name())) {
            throw new ApiException(403, "BANNED", "You are banned from this chat");
        }
        if (!sender.host() && Blocklist.firstMatch(text, session.blocklist()).isPresent()) {
            throw ApiException.unprocessable("BLOCKED_WORD", "The message contains a word that is not allowed here");
        }
        Message message = new Message(newMessageId(now), sender.name(), sender.role(), text, now.toString());
        chat.putMessage(sessionId, message, connectionId, now.plus(MESSAGE_TTL).getEpochSecond());
        Broadcaster.Result result = broadcaster.broadcast(sessionId, Frames.json(new Frames.Chat(message)));
        LOG.debug("Message {} on session {} to {} connections", message.messageId(), sessionId, result.sent());
        return message;
    }

    /** {@code <13-digit epoch ms>-<12 hex>}: unique, sortable, and the storage key follows from it. */
    static String newMessageId(Instant at) {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return String.format("%013d", at.toEpochMilli()) + "-" + HexFormat.of().formatHex(random);
    }

    private static ApiException notConnected() {
        return new ApiException(410, "NOT_CONNECTED", "This connection is not in a session any more");
    }
}
