package com.liveshop.local.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalService;
import com.liveshop.shared.json.Json;
import com.liveshop.testkit.UsageCounter;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Amazon SQS (standard queues) for the local stack, in the AWS JSON 1.0 protocol that SDK v2 and AWS CLI v1 speak:
 * {@code POST /_local/aws/sqs} with {@code X-Amz-Target: AmazonSQS.<Operation>}. Queues come from the template only
 * (no CreateQueue); the QueueUrl is a body field. Operations: SendMessage(Batch), ReceiveMessage (long poll up to
 * 20 s, 1–10 messages, VisibilityTimeout override, ApproximateReceiveCount / SentTimestamp / SenderId /
 * ApproximateFirstReceiveTimestamp attributes), DeleteMessage(Batch), ChangeMessageVisibility, GetQueueUrl,
 * GetQueueAttributes, ListQueues, PurgeQueue. Limits as the service has them: body 1 byte–256 KiB, batch 1–10 entries
 * and ≤ 256 KiB in total, distinct entry ids of {@code [A-Za-z0-9_-]{1,80}}, DelaySeconds 0–900, VisibilityTimeout
 * 0–43,200, WaitTimeSeconds 0–20. A message received more than the RedrivePolicy's maxReceiveCount times moves to
 * its dead-letter queue on the next receive, as SQS does. Errors are HTTP 400 with
 * {@code {"__type":"com.amazonaws.sqs#<Code>","message"}} and {@code x-amzn-query-error: <Code>;Sender}.
 * MessageAttributes and MessageSystemAttributes are refused with InvalidParameterValue (their MD5 digest is not
 * emulated); a FIFO queue of the template is served as a standard one (with a warning at start). Bodies never reach a
 * log line. One lock guards every queue; one
 * condition wakes long polls.
 */
public final class LocalSqs implements LocalService {

    public static final String PATH = "/_local/aws/sqs";
    public static final String ACCOUNT_ID = "000000000000";
    public static final String REGION = "us-east-1";
    static final int MAX_BODY_BYTES = 262_144;
    static final int MAX_BATCH_ENTRIES = 10;
    private static final int MAX_WAIT_SECONDS = 20;
    private static final int MAX_VISIBILITY_SECONDS = 43_200;
    private static final int MAX_DELAY_SECONDS = 900;
    private static final Pattern ENTRY_ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final String SENDER_ID = "AIDALOCALSQSSENDER0000";

    /**
     * A queue as the template declares it: VisibilityTimeout, MessageRetentionPeriod, DelaySeconds (the default delay of
     * a message that gives none), ReceiveMessageWaitTimeSeconds (the default long poll) and its RedrivePolicy
     * ({@code deadLetterTargetArn} null = none).
     */
    public record QueueDefinition(String name, int visibilityTimeoutSeconds, int retentionSeconds, int delaySeconds,
                                  int receiveWaitSeconds, String deadLetterTargetArn, int maxReceiveCount) {}

    /** A queue as {@link #queues()} lists it: messages waiting or in flight in {@code depth}. */
    public record QueueInfo(String name, String url, String arn, int depth) {}

    /** One message handed out by a receive. */
    public record Received(String messageId, String receiptHandle, String body, String md5OfBody, int receiveCount,
                           long sentTimestamp, long firstReceiveTimestamp, String senderId) {}

    /** A request SQS refuses: its error code (the model's shape name) and message. */
    static final class SqsError extends RuntimeException {
        final String code;

        SqsError(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    private static final class Message {
        final String id;
        final String body;
        final String md5;
        final long sentAt;
        long visibleAt;
        int receiveCount;
        long firstReceiveAt;
        String receiptHandle;

        Message(String id, String body, String md5, long sentAt, long visibleAt) {
            this.id = id;
            this.body = body;
            this.md5 = md5;
            this.sentAt = sentAt;
            this.visibleAt = visibleAt;
        }
    }

    private static final class Queue {
        final QueueDefinition definition;
        final String url;
        final String arn;
        final List<Message> messages = new ArrayList<>();

        Queue(QueueDefinition definition, String url, String arn) {
            this.definition = definition;
            this.url = url;
            this.arn = arn;
        }
    }

    private final String baseUrl;
    private final Clock clock;
    private final Map<String, Queue> byUrl = new LinkedHashMap<>();
    private final Map<String, Queue> byArn = new LinkedHashMap<>();
    private final Map<String, Queue> byName = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final UsageCounter requests = new UsageCounter();
    private final List<SqsPoller> pollers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public LocalSqs(String baseUrl, List<QueueDefinition> queues, Clock clock) {
        this.baseUrl = baseUrl;
        this.clock = clock;
        for (QueueDefinition definition : queues) {
            Queue queue = new Queue(definition, queueUrl(baseUrl, definition.name()), queueArn(definition.name()));
            byUrl.put(queue.url, queue);
            byArn.put(queue.arn, queue);
            byName.put(definition.name(), queue);
        }
    }

    public static String queueUrl(String baseUrl, String name) {
        return baseUrl + PATH + "/" + ACCOUNT_ID + "/" + name;
    }

    public static String queueArn(String name) {
        return "arn:aws:sqs:" + REGION + ":" + ACCOUNT_ID + ":" + name;
    }

    public String endpoint() {
        return baseUrl + PATH;
    }

    @Override
    public Map<String, String> functionSettings() {
        return Map.of("AWS_ENDPOINT_URL_SQS", endpoint());
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(PATH, this::handle);
        routes.post(PATH + "/", this::handle);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("POST " + PATH, "SQS (AWS JSON 1.0, X-Amz-Target: AmazonSQS.<Operation>; AWS_ENDPOINT_URL_SQS; aws sqs … "
                + "--endpoint-url " + PATH + "): the template's queues " + queues().stream().map(QueueInfo::name).toList()
                + ", Send/Receive/Delete(Batch), ChangeMessageVisibility, GetQueueUrl, GetQueueAttributes, ListQueues, PurgeQueue");
        return d;
    }

    /** SQS requests by operation since the start (each is a billed request). */
    public Map<String, Long> requestsByOperation() {
        return requests.snapshot();
    }

    // ------------------------------------------------------------------ control and test helpers

    /** Every queue: name, URL, ARN and its messages (waiting, delayed or in flight). */
    public List<QueueInfo> queues() {
        lock.lock();
        try {
            return byUrl.values().stream().map(q -> new QueueInfo(q.definition.name(), q.url, q.arn, q.messages.size())).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Messages in the queue, visible or not. */
    public int depth(String queueArn) {
        lock.lock();
        try {
            return queueByArn(queueArn).messages.size();
        } finally {
            lock.unlock();
        }
    }

    /** The bodies of the queue's messages, oldest first. */
    public List<String> bodies(String queueArn) {
        lock.lock();
        try {
            return queueByArn(queueArn).messages.stream().map(m -> m.body).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts the event source mappings (one poller each). As Lambda does, a mapping is refused when its queue's
     * visibility timeout is shorter than the function's timeout (messages would come back while still being handled).
     */
    public void start(List<SqsEventSource> sources) {
        for (SqsEventSource source : sources) {
            Queue queue = queueByArn(source.queueArn());
            if (queue.definition.visibilityTimeoutSeconds() < source.function().timeoutSeconds()) {
                throw new IllegalArgumentException(source.id() + ": Queue visibility timeout: " + queue.definition.visibilityTimeoutSeconds()
                        + " seconds is less than Function timeout: " + source.function().timeoutSeconds() + " seconds");
            }
            if (!source.function().available()) {
                continue;
            }
            pollers.add(new SqsPoller(source, this));
        }
    }

    public List<SqsEventSource> sources() {
        return pollers.stream().map(SqsPoller::source).toList();
    }

    /**
     * Waits until every mapped queue is empty (nothing waiting, delayed or in flight) and no poller is invoking its
     * function; throws if that takes longer than {@code timeout}.
     */
    public void awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!idle()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("SQS event sources still busy after " + timeout);
            }
            Thread.sleep(20);
        }
    }

    private boolean idle() {
        for (SqsPoller poller : pollers) {
            if (poller.busy() || depth(poller.source().queueArn()) > 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        pollers.forEach(SqsPoller::close);
    }

    boolean closed() {
        return closed;
    }

    // ------------------------------------------------------------------ the queue model

    /** Sends one message; returns its id. */
    public String send(String queueArn, String body, int delaySeconds) {
        lock.lock();
        try {
            return send(queueByArn(queueArn), body, delaySeconds);
        } finally {
            lock.unlock();
        }
    }

    private String send(Queue queue, String body, int delaySeconds) {
        long now = clock.millis();
        Message message = new Message(UUID.randomUUID().toString(), body, md5(body), now, now + delaySeconds * 1000L);
        queue.messages.add(message);
        changed.signalAll();
        return message.id;
    }

    /**
     * Receives up to {@code max} visible messages, waiting up to {@code waitSeconds} for the first; a message past its
     * queue's maxReceiveCount moves to the dead-letter queue instead of being returned.
     *
     * @param visibilityTimeout seconds the messages stay invisible; null = the queue's own
     */
    public List<Received> receive(String queueArn, int max, int waitSeconds, Integer visibilityTimeout) throws InterruptedException {
        lock.lock();
        try {
            return receive(queueByArn(queueArn), max, waitSeconds, visibilityTimeout);
        } finally {
            lock.unlock();
        }
    }

    private List<Received> receive(Queue queue, int max, int waitSeconds, Integer visibilityTimeout) throws InterruptedException {
        long deadline = clock.millis() + waitSeconds * 1000L;
        while (true) {
            List<Received> received = takeVisible(queue, max, visibilityTimeout == null ? queue.definition.visibilityTimeoutSeconds() : visibilityTimeout);
            long now = clock.millis();
            if (!received.isEmpty() || now >= deadline || closed) {
                return received;
            }
            long wake = deadline;
            for (Message m : queue.messages) {
                wake = Math.min(wake, Math.max(m.visibleAt, now + 1));
            }
            changed.await(wake - now, TimeUnit.MILLISECONDS);
        }
    }

    private List<Received> takeVisible(Queue queue, int max, int visibilityTimeout) {
        long now = clock.millis();
        dropExpired(queue, now);
        List<Received> out = new ArrayList<>();
        Iterator<Message> it = queue.messages.iterator();
        while (it.hasNext() && out.size() < max) {
            Message m = it.next();
            if (m.visibleAt > now) {
                continue;
            }
            Queue dlq = deadLetterQueue(queue);
            if (dlq != null && m.receiveCount >= queue.definition.maxReceiveCount()) {
                it.remove();
                Message moved = new Message(m.id, m.body, m.md5, m.sentAt, now);
                dlq.messages.add(moved);
                changed.signalAll();
                continue;
            }
            m.receiveCount++;
            if (m.firstReceiveAt == 0) {
                m.firstReceiveAt = now;
            }
            m.receiptHandle = receiptHandle(queue, m);
            m.visibleAt = now + visibilityTimeout * 1000L;
            out.add(new Received(m.id, m.receiptHandle, m.body, m.md5, m.receiveCount, m.sentAt, m.firstReceiveAt, SENDER_ID));
        }
        return out;
    }

    private void dropExpired(Queue queue, long now) {
        long oldest = now - queue.definition.retentionSeconds() * 1000L;
        queue.messages.removeIf(m -> m.sentAt < oldest);
    }

    private Queue deadLetterQueue(Queue queue) {
        String arn = queue.definition.deadLetterTargetArn();
        return arn == null ? null : byArn.get(arn);
    }

    /** Deletes the message if {@code receiptHandle} is its latest one (an older handle is accepted and does nothing, as in SQS). */
    public void delete(String queueArn, String receiptHandle) {
        lock.lock();
        try {
            delete(queueByArn(queueArn), receiptHandle);
        } finally {
            lock.unlock();
        }
    }

    private void delete(Queue queue, String receiptHandle) {
        String messageId = messageIdOf(queue, receiptHandle);
        queue.messages.removeIf(m -> m.id.equals(messageId) && receiptHandle.equals(m.receiptHandle));
        changed.signalAll();
    }

    private void changeVisibility(Queue queue, String receiptHandle, int seconds) {
        String messageId = messageIdOf(queue, receiptHandle);
        long now = clock.millis();
        Message message = queue.messages.stream().filter(m -> m.id.equals(messageId) && receiptHandle.equals(m.receiptHandle))
                .findFirst().orElse(null);
        if (message == null || message.visibleAt <= now) {
            throw new SqsError("MessageNotInflight", "The message referred to isn't in flight.");
        }
        message.visibleAt = now + seconds * 1000L;
        changed.signalAll();
    }

    private static String receiptHandle(Queue queue, Message m) {
        String raw = queue.definition.name() + " " + m.id + " " + UUID.randomUUID();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The message id a receipt handle of this queue names; ReceiptHandleIsInvalid for anything else. */
    private static String messageIdOf(Queue queue, String receiptHandle) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(receiptHandle), StandardCharsets.UTF_8).split(" ");
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 3 || !parts[0].equals(queue.definition.name())) {
            throw new SqsError("ReceiptHandleIsInvalid", "The input receipt handle \"" + receiptHandle + "\" is not a valid receipt handle.");
        }
        return parts[1];
    }

    private Queue queueByArn(String arn) {
        Queue queue = byArn.get(arn);
        if (queue == null) {
            throw new IllegalArgumentException("No queue of the template has the ARN " + arn);
        }
        return queue;
    }

    static String md5(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ the JSON protocol

    private void handle(Context ctx) {
        String target = ctx.header("X-Amz-Target");
        String operation = target != null && target.startsWith("AmazonSQS.") ? target.substring("AmazonSQS.".length()) : "";
        try {
            JsonNode request = body(ctx);
            requests.increment(operation.isEmpty() ? "(none)" : operation);
            Map<String, Object> response;
            lock.lock();
            try {
                response = switch (operation) {
                    case "SendMessage" -> sendMessage(request);
                    case "SendMessageBatch" -> sendMessageBatch(request);
                    case "ReceiveMessage" -> receiveMessage(request);
                    case "DeleteMessage" -> {
                        delete(queue(request), requireText(request, "ReceiptHandle"));
                        yield Map.of();
                    }
                    case "DeleteMessageBatch" -> deleteMessageBatch(request);
                    case "ChangeMessageVisibility" -> {
                        Queue queue = queue(request);
                        changeVisibility(queue, requireText(request, "ReceiptHandle"),
                                intIn(request, "VisibilityTimeout", null, 0, MAX_VISIBILITY_SECONDS));
                        yield Map.of();
                    }
                    case "GetQueueUrl" -> getQueueUrl(request);
                    case "GetQueueAttributes" -> getQueueAttributes(request);
                    case "ListQueues" -> listQueues(request);
                    case "PurgeQueue" -> {
                        queue(request).messages.clear();
                        yield Map.of();
                    }
                    default -> throw new SqsError("UnsupportedOperation", "The local SQS does not emulate the operation '"
                            + operation + "'; queues come from the template.");
                };
            } finally {
                lock.unlock();
            }
            ctx.status(200).contentType("application/x-amz-json-1.0").result(Json.write(response).getBytes(StandardCharsets.UTF_8));
        } catch (SqsError e) {
            ctx.status(400).contentType("application/x-amz-json-1.0").header("x-amzn-query-error", e.code + ";Sender")
                    .result(Json.write(Map.of("__type", "com.amazonaws.sqs#" + e.code, "message", e.getMessage())).getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.status(500).contentType("application/x-amz-json-1.0")
                    .result(Json.write(Map.of("__type", "com.amazonaws.sqs#InternalError", "message", "Interrupted")));
        }
    }

    private Map<String, Object> sendMessage(JsonNode request) {
        Queue queue = queue(request);
        refuseAttributes(request);
        String body = validBody(request.path("MessageBody"));
        if (bytes(body) > MAX_BODY_BYTES) {
            throw invalid("One or more parameters are invalid. Reason: Message must be shorter than " + MAX_BODY_BYTES + " bytes.");
        }
        int delay = intIn(request, "DelaySeconds", queue.definition.delaySeconds(), 0, MAX_DELAY_SECONDS);
        String id = send(queue, body, delay);
        return Map.of("MessageId", id, "MD5OfMessageBody", md5(body));
    }

    private Map<String, Object> sendMessageBatch(JsonNode request) {
        Queue queue = queue(request);
        JsonNode entries = entries(request);
        long total = 0;
        for (JsonNode entry : entries) {
            total += bytes(entry.path("MessageBody").asText(""));
        }
        if (total > MAX_BODY_BYTES) {
            throw new SqsError("BatchRequestTooLong", "Batch requests cannot be longer than " + MAX_BODY_BYTES + " bytes. You have sent "
                    + total + " bytes.");
        }
        List<Map<String, Object>> successful = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (JsonNode entry : entries) {
            String id = entry.path("Id").asText();
            try {
                refuseAttributes(entry);
                String body = validBody(entry.path("MessageBody"));
                int delay = intIn(entry, "DelaySeconds", queue.definition.delaySeconds(), 0, MAX_DELAY_SECONDS);
                successful.add(Map.of("Id", id, "MessageId", send(queue, body, delay), "MD5OfMessageBody", md5(body)));
            } catch (SqsError e) {
                failed.add(Map.of("Id", id, "SenderFault", true, "Code", e.code, "Message", e.getMessage()));
            }
        }
        return Map.of("Successful", successful, "Failed", failed);
    }

    private Map<String, Object> receiveMessage(JsonNode request) throws InterruptedException {
        Queue queue = queue(request);
        int max = intIn(request, "MaxNumberOfMessages", 1, 1, MAX_BATCH_ENTRIES);
        int wait = intIn(request, "WaitTimeSeconds", queue.definition.receiveWaitSeconds(), 0, MAX_WAIT_SECONDS);
        Integer visibility = request.has("VisibilityTimeout") ? intIn(request, "VisibilityTimeout", null, 0, MAX_VISIBILITY_SECONDS) : null;
        Set<String> names = new HashSet<>();
        request.path("AttributeNames").forEach(n -> names.add(n.asText()));
        request.path("MessageSystemAttributeNames").forEach(n -> names.add(n.asText()));
        boolean all = names.contains("All");
        List<Map<String, Object>> messages = new ArrayList<>();
        for (Received r : receive(queue, max, wait, visibility)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("MessageId", r.messageId());
            m.put("ReceiptHandle", r.receiptHandle());
            m.put("MD5OfBody", r.md5OfBody());
            m.put("Body", r.body());
            Map<String, String> attributes = new LinkedHashMap<>();
            Map<String, String> known = Map.of("ApproximateReceiveCount", String.valueOf(r.receiveCount()),
                    "SentTimestamp", String.valueOf(r.sentTimestamp()), "SenderId", r.senderId(),
                    "ApproximateFirstReceiveTimestamp", String.valueOf(r.firstReceiveTimestamp()));
            known.forEach((name, value) -> {
                if (all || names.contains(name)) {
                    attributes.put(name, value);
                }
            });
            if (!attributes.isEmpty()) {
                m.put("Attributes", attributes);
            }
            messages.add(m);
        }
        return messages.isEmpty() ? Map.of() : Map.of("Messages", messages);
    }

    private Map<String, Object> deleteMessageBatch(JsonNode request) {
        Queue queue = queue(request);
        JsonNode entries = entries(request);
        List<Map<String, Object>> successful = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (JsonNode entry : entries) {
            String id = entry.path("Id").asText();
            try {
                delete(queue, requireText(entry, "ReceiptHandle"));
                successful.add(Map.of("Id", id));
            } catch (SqsError e) {
                failed.add(Map.of("Id", id, "SenderFault", true, "Code", e.code, "Message", e.getMessage()));
            }
        }
        return Map.of("Successful", successful, "Failed", failed);
    }

    private Map<String, Object> getQueueUrl(JsonNode request) {
        Queue queue = byName.get(requireText(request, "QueueName"));
        if (queue == null) {
            throw queueDoesNotExist();
        }
        return Map.of("QueueUrl", queue.url);
    }

    private Map<String, Object> getQueueAttributes(JsonNode request) {
        Queue queue = queue(request);
        long now = clock.millis();
        dropExpired(queue, now);
        Map<String, String> all = new LinkedHashMap<>();
        all.put("QueueArn", queue.arn);
        all.put("ApproximateNumberOfMessages", String.valueOf(queue.messages.stream().filter(m -> m.visibleAt <= now).count()));
        all.put("ApproximateNumberOfMessagesNotVisible", String.valueOf(queue.messages.stream()
                .filter(m -> m.visibleAt > now && m.receiveCount > 0).count()));
        all.put("ApproximateNumberOfMessagesDelayed", String.valueOf(queue.messages.stream()
                .filter(m -> m.visibleAt > now && m.receiveCount == 0).count()));
        all.put("VisibilityTimeout", String.valueOf(queue.definition.visibilityTimeoutSeconds()));
        all.put("MessageRetentionPeriod", String.valueOf(queue.definition.retentionSeconds()));
        all.put("MaximumMessageSize", String.valueOf(MAX_BODY_BYTES));
        all.put("DelaySeconds", String.valueOf(queue.definition.delaySeconds()));
        all.put("ReceiveMessageWaitTimeSeconds", String.valueOf(queue.definition.receiveWaitSeconds()));
        if (queue.definition.deadLetterTargetArn() != null) {
            all.put("RedrivePolicy", Json.write(Map.of("deadLetterTargetArn", queue.definition.deadLetterTargetArn(),
                    "maxReceiveCount", queue.definition.maxReceiveCount())));
        }
        Set<String> wanted = new HashSet<>();
        request.path("AttributeNames").forEach(n -> wanted.add(n.asText()));
        Map<String, String> out = new LinkedHashMap<>();
        all.forEach((name, value) -> {
            if (wanted.contains("All") || wanted.contains(name)) {
                out.put(name, value);
            }
        });
        for (String name : wanted) {
            if (!name.equals("All") && !all.containsKey(name) && !KNOWN_ATTRIBUTES.contains(name)) {
                throw new SqsError("InvalidAttributeName", "Unknown Attribute " + name + ".");
            }
        }
        return out.isEmpty() ? Map.of() : Map.of("Attributes", out);
    }

    /** Attributes of the model that these queues have no value for (FIFO, KMS, policies): accepted, not returned. */
    private static final Set<String> KNOWN_ATTRIBUTES = Set.of("Policy", "CreatedTimestamp", "LastModifiedTimestamp",
            "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope",
            "FifoThroughputLimit", "RedriveAllowPolicy", "SqsManagedSseEnabled");

    private Map<String, Object> listQueues(JsonNode request) {
        String prefix = request.path("QueueNamePrefix").asText("");
        int max = intIn(request, "MaxResults", 1000, 1, 1000);
        List<String> urls = byName.values().stream().filter(q -> q.definition.name().startsWith(prefix)).map(q -> q.url)
                .limit(max).toList();
        return urls.isEmpty() ? Map.of() : Map.of("QueueUrls", urls);
    }

    // ------------------------------------------------------------------ validation

    private Queue queue(JsonNode request) {
        Queue queue = byUrl.get(requireText(request, "QueueUrl"));
        if (queue == null) {
            throw queueDoesNotExist();
        }
        return queue;
    }

    private static SqsError queueDoesNotExist() {
        return new SqsError("QueueDoesNotExist", "The specified queue does not exist.");
    }

    private static SqsError invalid(String message) {
        return new SqsError("InvalidParameterValue", message);
    }

    private static JsonNode entries(JsonNode request) {
        JsonNode entries = request.path("Entries");
        if (!entries.isArray() || entries.isEmpty()) {
            throw new SqsError("EmptyBatchRequest", "There should be at least one entry in the request.");
        }
        if (entries.size() > MAX_BATCH_ENTRIES) {
            throw new SqsError("TooManyEntriesInBatchRequest", "Maximum number of entries per request are " + MAX_BATCH_ENTRIES
                    + ". You have sent " + entries.size() + ".");
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode entry : entries) {
            String id = entry.path("Id").asText("");
            if (!ENTRY_ID.matcher(id).matches()) {
                throw new SqsError("InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and "
                        + "underscores. It can be at most 80 letters long.");
            }
            if (!ids.add(id)) {
                throw new SqsError("BatchEntryIdsNotDistinct", "Id " + id + " repeated.");
            }
        }
        return entries;
    }

    private static void refuseAttributes(JsonNode request) {
        if (!request.path("MessageAttributes").isEmpty() || !request.path("MessageSystemAttributes").isEmpty()) {
            throw invalid("The local SQS does not emulate MessageAttributes or MessageSystemAttributes (nor their MD5 digest).");
        }
    }

    private static String validBody(JsonNode value) {
        String body = value.isTextual() ? value.asText() : "";
        if (body.isEmpty()) {
            throw invalid("The request must contain the parameter MessageBody.");
        }
        if (bytes(body) > MAX_BODY_BYTES) {
            throw invalid("One or more parameters are invalid. Reason: Message must be shorter than " + MAX_BODY_BYTES + " bytes.");
        }
        return body;
    }

    private static long bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int intIn(JsonNode request, String field, Integer fallback, int min, int max) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw invalid("The request must contain the parameter " + field + ".");
            }
            return fallback;
        }
        if (!value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw invalid("Value " + value.asText() + " for parameter " + field + " is invalid. Reason: must be between " + min
                    + " and " + max + ".");
        }
        return value.asInt();
    }

    private static String requireText(JsonNode request, String field) {
        String value = request.path(field).asText("");
        if (value.isEmpty()) {
            throw invalid("The request must contain the parameter " + field + ".");
        }
        return value;
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode node = Json.MAPPER.readTree(ctx.bodyAsBytes());
            if (node == null || !node.isObject()) {
                throw invalid("The request body is not a JSON object.");
            }
            return node;
        } catch (SqsError e) {
            throw e;
        } catch (Exception e) {
            throw invalid("The request body is not valid JSON.");
        }
    }
}
