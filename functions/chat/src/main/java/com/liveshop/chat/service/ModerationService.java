package com.liveshop.chat.service;

import com.liveshop.chat.repository.ChatNames;
import com.liveshop.chat.repository.ChatRepository;
import com.liveshop.chat.repository.Connection;
import com.liveshop.chat.repository.ConnectionRepository;
import com.liveshop.chat.repository.Message;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/** Host moderation: delete and pin messages, ban viewers, set the blocklist. Each change is broadcast. */
public class ModerationService {

    public record BanRequest(String connectionId, String name) {}

    public record BlocklistRequest(List<String> words) {}

    public record PinRequest(String messageId) {}

    public record Banned(String sessionId, String name, int closedConnections) {}

    public record BlocklistView(String sessionId, List<String> words) {}

    public record PinnedView(String sessionId, Message pinned) {}

    public static final int MAX_WORDS = 200;
    public static final int MAX_WORD = 40;
    private static final Pattern MESSAGE_ID = Pattern.compile("^\\d{13}-[0-9a-f]{12}$");
    private static final Pattern CONNECTION_ID = Pattern.compile("^[A-Za-z0-9_=+/-]{1,128}$");

    private final ChatRepository chat;
    private final ConnectionRepository connections;
    private final Broadcaster broadcaster;
    private final ConnectionGateway gateway;
    private final Clock clock;

    public ModerationService(ChatRepository chat, ConnectionRepository connections, Broadcaster broadcaster,
                             ConnectionGateway gateway, Clock clock) {
        this.chat = chat;
        this.connections = connections;
        this.broadcaster = broadcaster;
        this.gateway = gateway;
        this.clock = clock;
    }

    public void deleteMessage(String rawSessionId, String rawMessageId) {
        String sessionId = requireSession(rawSessionId);
        String messageId = requireMessageId(rawMessageId);
        if (!chat.deleteMessage(sessionId, messageId)) {
            throw messageNotFound(messageId);
        }
        broadcaster.broadcast(sessionId, Frames.json(new Frames.MessageDeleted(messageId)));
    }

    public PinnedView pin(String rawSessionId, PinRequest request) {
        String sessionId = requireSession(rawSessionId);
        String messageId = requireMessageId(Validation.requirePresent("messageId", request.messageId()));
        Message message = chat.findMessage(sessionId, messageId).orElseThrow(() -> messageNotFound(messageId));
        chat.pin(sessionId, message, clock.instant().toString());
        broadcaster.broadcast(sessionId, Frames.json(new Frames.Pinned(message)));
        return new PinnedView(sessionId, message);
    }

    public BlocklistView setBlocklist(String rawSessionId, BlocklistRequest request) {
        String sessionId = requireSession(rawSessionId);
        List<String> raw = Validation.requirePresent("words", request.words());
        if (raw.size() > MAX_WORDS) {
            throw ApiException.validation("Field 'words' has at most " + MAX_WORDS + " entries");
        }
        List<String> words = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String word = Validation.requireText("words[" + i + "]", raw.get(i), MAX_WORD).toLowerCase(Locale.ROOT);
            words.add(word);
        }
        words = ChatRepository.distinct(words);
        chat.setBlocklist(sessionId, words);
        return new BlocklistView(sessionId, words);
    }

    /**
     * Bans a viewer by connection or by name: the name is refused from then on (connect and messages), and every
     * open viewer connection with that name is closed through @connections. Hosts cannot be banned.
     */
    public Banned ban(String rawSessionId, BanRequest request) {
        String sessionId = requireSession(rawSessionId);
        boolean byConnection = request.connectionId() != null;
        if (byConnection == (request.name() != null)) {
            throw ApiException.validation("Give exactly one of 'connectionId' or 'name'");
        }
        String name;
        if (byConnection) {
            if (!CONNECTION_ID.matcher(request.connectionId()).matches()) {
                throw ApiException.validation("Field 'connectionId' is not a connection id");
            }
            Connection c = connections.find(sessionId, request.connectionId()).orElseThrow(() ->
                    ApiException.notFound("CONNECTION_NOT_FOUND", "No connection " + request.connectionId() + " in this session"));
            if (c.host()) {
                throw ApiException.unprocessable("CANNOT_BAN_HOST", "Hosts cannot be banned");
            }
            name = c.name();
        } else {
            name = Validation.requireText("name", request.name(), ChatService.MAX_NAME);
        }
        chat.ban(sessionId, name);
        String key = ChatNames.normalize(name);
        List<Connection> toClose = new ArrayList<>();
        connections.forEachPage(sessionId, page -> page.stream()
                .filter(c -> !c.host() && ChatNames.normalize(c.name()).equals(key)).forEach(toClose::add));
        AtomicInteger closed = new AtomicInteger();
        for (Connection c : toClose) {
            gateway.close(c.connectionId());
            // Removed here too, so the count is right even before its $disconnect runs (that one then changes nothing).
            connections.remove(sessionId, c.connectionId());
            closed.incrementAndGet();
        }
        return new Banned(sessionId, name, closed.get());
    }

    private String requireSession(String rawSessionId) {
        String sessionId = Validation.requireUuid("sessionId", rawSessionId);
        chat.session(sessionId).orElseThrow(() -> ApiException.notFound("SESSION_NOT_FOUND", "No session " + sessionId));
        return sessionId;
    }

    private static String requireMessageId(String value) {
        if (value == null || !MESSAGE_ID.matcher(value).matches()) {
            throw ApiException.validation("'messageId' is not a message id");
        }
        return value;
    }

    private static ApiException messageNotFound(String messageId) {
        return ApiException.notFound("MESSAGE_NOT_FOUND", "No message " + messageId + " in this session");
    }
}
