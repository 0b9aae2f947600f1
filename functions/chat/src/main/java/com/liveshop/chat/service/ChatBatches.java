package com.liveshop.chat.service;

import com.liveshop.chat.repository.StoredMessages.Stored;
import com.liveshop.shared.json.Json;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.Frames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code chatBatch} frames: the messages one Sessions table stream batch stored, grouped by show, go to
 * {@code /shows/{sessionId}} as one frame per show (more only when one would pass the event size limit), so a viewer's
 * chat frames per second are bounded by how often the stream is read, not by the chat rate.
 *
 * <ul>
 *   <li>Order: a show's messages share one partition key, hence one stream shard, and the shard is read in order
 *       (ParallelizationFactor 1): frames carry them in the order they were stored, and the frames of a show go in one
 *       publish call, in order. (DynamoDB promises stream order per item only: should it ever split a very hot show's
 *       key across partitions by sort key, each part stays in order; message ids start with their millisecond.)
 *   <li>Never dropped: a batch whose frames AppSync did not all accept fails the invocation ({@link NotPublished}), so
 *       the stream delivers the batch again (up to the mapping's retries). The retry publishes what was accepted the
 *       first time again: pages dedupe by {@code messageId}, so a duplicate is never shown twice (after a partial
 *       failure, a refused frame's messages can arrive after the later frames' ones).
 *   <li>A message deleted before its batch runs is still published: the pages keep the ids of deleted messages
 *       ({@code messageDeleted}) and do not show it. (Only INSERTs reach this function, so its delete is never in the
 *       same batch.)
 * </ul>
 */
public class ChatBatches {

    /**
     * The largest frame published, in UTF-8 bytes of the event JSON as the publish request carries it (a JSON string:
     * quotes and backslashes escaped, which is never less than the event itself). AppSync Events' limit is 240 KB per
     * event; the margin covers reading "KB" as 1,000 bytes rather than 1,024, and an envelope AppSync may count that we
     * do not see: 10,000 bytes, about six 500-character messages, is cheap next to a refused frame that fails the
     * batch.
     */
    public static final int MAX_FRAME_BYTES = 240_000 - 10_000;

    /** AppSync accepted fewer frames than were sent: the invocation fails and the stream retries the batch. */
    public static final class NotPublished extends RuntimeException {
        NotPublished(int refused, int sent) {
            super("AppSync Events accepted " + (sent - refused) + " of " + sent
                    + " chatBatch frames; the stream retries the batch");
        }
    }

    private static final int EMPTY_FRAME_BYTES = eventBytes(new Frames.ChatBatch(List.of()));

    private final ChannelPublisher publisher;

    public ChatBatches(ChannelPublisher publisher) {
        this.publisher = publisher;
    }

    /** Publishes {@code stored} (stream order) as chatBatch frames; returns how many frames were published. */
    public int publish(List<Stored> stored) {
        Map<String, List<Frames.Chat>> byShow = new LinkedHashMap<>();
        stored.forEach(s ->
                byShow.computeIfAbsent(s.sessionId(), id -> new ArrayList<>()).add(new Frames.Chat(s.message())));
        int sent = 0;
        int accepted = 0;
        // Every show is tried before failing: one show's refusal does not hold back the others' frames.
        for (Map.Entry<String, List<Frames.Chat>> show : byShow.entrySet()) {
            List<Frames.ChatBatch> frames = frames(show.getValue());
            sent += frames.size();
            accepted += publisher.publish(Channels.show(show.getKey()), frames);
        }
        if (accepted < sent) {
            throw new NotPublished(sent - accepted, sent);
        }
        return sent;
    }

    /** The messages in order, in as few frames as fit {@link #MAX_FRAME_BYTES} each. */
    static List<Frames.ChatBatch> frames(List<Frames.Chat> messages) {
        List<Frames.ChatBatch> frames = new ArrayList<>();
        List<Frames.Chat> current = new ArrayList<>();
        int bytes = EMPTY_FRAME_BYTES;
        for (Frames.Chat message : messages) {
            int size = eventBytes(message);
            if (!current.isEmpty() && bytes + 1 + size > MAX_FRAME_BYTES) {
                frames.add(new Frames.ChatBatch(current));
                current = new ArrayList<>();
                bytes = EMPTY_FRAME_BYTES;
            }
            bytes += (current.isEmpty() ? 0 : 1) + size; // a comma between elements
            current.add(message);
        }
        if (!current.isEmpty()) {
            frames.add(new Frames.ChatBatch(current));
        }
        return frames;
    }

    /**
     * UTF-8 bytes of {@code frame}'s JSON escaped as a JSON string, without the quotes. Escaping works character by
     * character, so a frame's size is its empty frame's plus its elements' plus the commas.
     */
    static int eventBytes(Object frame) {
        return Json.write(Json.write(frame)).getBytes(StandardCharsets.UTF_8).length - 2;
    }
}
