package com.liveshop.chat.service;

import com.liveshop.chat.repository.ChatRepository;
import com.liveshop.chat.repository.SessionState;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.ChatMessage;
import com.liveshop.shared.realtime.Frames;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host moderation: delete and pin messages, ban a name or a ticket (and the client that obtained it), set the blocklist
 * and the chat's limits (slow mode). What viewers must see is published to {@code /shows/{id}}; a ban goes to
 * {@code /hosts/{id}} only.
 */
public class ModerationService {

    public record BanRequest(String name, String ticketId) {}

    public record BlocklistRequest(List<String> words) {}

    public record PinRequest(String messageId) {}

    /** Each field optional (absent: unchanged), at least one given. */
    public record ChatSettingsRequest(Integer messagesPerSecond, Integer slowModeSeconds, String buyKeyword) {}

    public record Banned(String sessionId, String name, String ticketId) {}

    public record BlocklistView(String sessionId, List<String> words) {}

    public record PinnedView(String sessionId, ChatMessage pinned) {}

    public record ChatSettingsView(String sessionId, int messagesPerSecond, int slowModeSeconds, String buyKeyword) {}

    public static final int MAX_WORDS = 200;
    public static final int MAX_WORD = 40;
    private static final Pattern MESSAGE_ID = Pattern.compile("^\\d{13}-[0-9a-f]{12}$");
    /** One word of letters and digits (any script): what a viewer can type alone on a phone. */
    private static final Pattern BUY_KEYWORD = Pattern.compile("^[\\p{L}\\p{N}]{1,20}$");

    private final ChatRepository chat;
    private final ChannelPublisher publisher;
    private final Clock clock;
    private final int defaultMessagesPerSecond;

    public ModerationService(
            ChatRepository chat, ChannelPublisher publisher, Clock clock, int defaultMessagesPerSecond) {
        this.defaultMessagesPerSecond = defaultMessagesPerSecond;
        this.chat = chat;
        this.publisher = publisher;
        this.clock = clock;
    }

    public void deleteMessage(String rawSessionId, String rawMessageId) {
        String sessionId = requireSession(rawSessionId);
        String messageId = requireMessageId(rawMessageId);
        if (!chat.deleteMessage(sessionId, messageId)) {
            throw messageNotFound(messageId);
        }
        publisher.publish(Channels.show(sessionId), new Frames.MessageDeleted(messageId));
    }

    public PinnedView pin(String rawSessionId, PinRequest request) {
        String sessionId = requireSession(rawSessionId);
        String messageId = requireMessageId(Validation.requirePresent("messageId", request.messageId()));
        ChatMessage message = chat.findMessage(sessionId, messageId).orElseThrow(() -> messageNotFound(messageId));
        chat.pin(sessionId, message, clock.instant().toString());
        publisher.publish(Channels.show(sessionId), new Frames.Pinned(message));
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
            words.add(Validation.requireText("words[" + i + "]", raw.get(i), MAX_WORD)
                    .toLowerCase(Locale.ROOT));
        }
        words = ChatRepository.distinct(words);
        chat.setBlocklist(sessionId, words);
        return new BlocklistView(sessionId, words);
    }

    /**
     * Bans by name or by ticket id (exactly one). By name: the name and its look-alikes get no ticket and cannot send.
     * By ticket: that ticket, and the client address that obtained it, for this show (no new ticket from that address,
     * and none of its other tickets can send); another viewer who happens to use the same name still chats.
     */
    public Banned ban(String rawSessionId, BanRequest request) {
        String sessionId = requireSession(rawSessionId);
        if ((request.ticketId() != null) == (request.name() != null)) {
            throw ApiException.validation("Give exactly one of 'name' or 'ticketId'");
        }
        if (request.ticketId() != null) {
            String ticketId = Validation.requireRandomUuid("ticketId", request.ticketId());
            ChatRepository.StoredTicket ticket = chat.ticket(sessionId, ticketId)
                    .orElseThrow(() -> ApiException.notFound(
                            "TICKET_NOT_FOUND", "No chat ticket " + ticketId + " in this session"));
            chat.banTicket(sessionId, ticketId, ticket.client());
            publisher.publish(Channels.hosts(sessionId), new Frames.Banned(ticket.name(), ticketId));
            return new Banned(sessionId, ticket.name(), ticketId);
        }
        String name = Validation.requireText("name", request.name(), ChatNames.MAX_NAME);
        if (name.codePoints().noneMatch(Character::isLetterOrDigit)) {
            throw ApiException.validation("Field 'name' has no letters or digits to ban");
        }
        chat.banNames(sessionId, List.copyOf(ChatNames.keys(name)));
        publisher.publish(Channels.hosts(sessionId), new Frames.Banned(name, null));
        return new Banned(sessionId, name, null);
    }

    /**
     * The show's chat settings, each optional: messages per second (1-100), seconds between one viewer's messages
     * (0-300), the buy keyword of comment-to-buy (one word of 1-20 letters or digits, matched case-insensitively).
     * Answers and publishes all three as they now are.
     */
    public ChatSettingsView setChatSettings(String rawSessionId, ChatSettingsRequest request) {
        String sessionId = Validation.requireUuid("sessionId", rawSessionId);
        if (request == null
                || (request.messagesPerSecond() == null
                        && request.slowModeSeconds() == null
                        && request.buyKeyword() == null)) {
            throw ApiException.validation("Give at least one of 'messagesPerSecond', 'slowModeSeconds', 'buyKeyword'");
        }
        Integer perSecond = request.messagesPerSecond() == null
                ? null
                : Validation.requireRange("messagesPerSecond", request.messagesPerSecond(), 1, 100);
        Integer slow = request.slowModeSeconds() == null
                ? null
                : Validation.requireRange("slowModeSeconds", request.slowModeSeconds(), 0, 300);
        String keyword =
                request.buyKeyword() == null ? null : request.buyKeyword().strip();
        if (keyword != null && !BUY_KEYWORD.matcher(keyword).matches()) {
            throw ApiException.validation("'buyKeyword' must be one word of 1-20 letters or digits");
        }
        requireSession(sessionId);
        if (!chat.setChatSettings(sessionId, perSecond, slow, keyword)) {
            throw ApiException.notFound("SESSION_NOT_FOUND", "No session " + sessionId);
        }
        SessionState now = chat.session(sessionId).orElseThrow();
        int mps = now.messagesPerSecond() != null ? now.messagesPerSecond() : defaultMessagesPerSecond;
        publisher.publish(
                Channels.show(sessionId), new Frames.ChatSettings(mps, now.slowModeSeconds(), now.buyKeyword()));
        return new ChatSettingsView(sessionId, mps, now.slowModeSeconds(), now.buyKeyword());
    }

    private String requireSession(String rawSessionId) {
        String sessionId = Validation.requireUuid("sessionId", rawSessionId);
        chat.session(sessionId)
                .orElseThrow(() -> ApiException.notFound("SESSION_NOT_FOUND", "No session " + sessionId));
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
