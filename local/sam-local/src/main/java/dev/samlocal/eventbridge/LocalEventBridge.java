package dev.samlocal.eventbridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.Json;
import dev.samlocal.core.LocalAws;
import dev.samlocal.core.LocalService;
import dev.samlocal.lambda.LocalFunction;
import dev.samlocal.lambda.TemplateFunctions;
import dev.samlocal.protocol.AwsError;
import dev.samlocal.protocol.LocalJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge for the local stack. The real {@code EventBridgeClient} reaches {@link #handle(Context)} through its
 * endpoint override (AWS JSON 1.1, {@code X-Amz-Target: AWSEvents.PutEvents}); PutEvents is validated with
 * EventBridge's limits, every accepted entry becomes the event envelope EventBridge delivers, is recorded (see
 * {@code GET /_local/events}) and is routed through the template's rules to their functions, asynchronously as
 * EventBridge invokes Lambda. Local emulators of other services (IVS) put their events here with
 * {@link #putEvent(String, ObjectNode)}.
 *
 * <p>Outages can be injected ({@link #failNextPutEvents(int)}, {@link #failPutEventsUntilRecovered()}, {@code POST
 * /_local/eventbridge/faults}): a failed PutEvents request answers 500 {@code InternalException}, as EventBridge does
 * when it cannot take events, and records and routes nothing, so a test can prove that events kept in an outbox are
 * still delivered once the bus is back. Faults count HTTP requests, not SDK calls: the SDK retries a 500 by itself, and
 * every attempt uses one up. Events that local services emit themselves ({@link #putEvent(String, ObjectNode)}, e.g.
 * IVS state changes) are AWS's own and not affected.
 */
public final class LocalEventBridge implements LocalService {

    /** A rule: events on {@code busName} matching {@code pattern} go to {@code target} (or {@code input} if fixed). */
    public record Rule(String name, String busName, EventFilter pattern, LocalFunction target, String input) {}

    /** A failure EventBridge answers for the whole request, in the AWS JSON error shape. */
    public record AwsResult(int status, String body) {}

    /**
     * The injected fault in force.
     *
     * @param failing every PutEvents request fails until {@link #recover()}
     * @param failNextRequests how many of the next PutEvents requests fail (when not {@code failing})
     * @param failedRequests PutEvents requests failed by injection since the start
     */
    public record FaultState(boolean failing, int failNextRequests, long failedRequests) {}

    /** Body of {@code POST /_local/eventbridge/faults}: exactly one of the two. */
    record FaultRequest(Integer failNextRequests, Boolean failing) {}

    /** Where the SDK's endpoint override points (AWS_ENDPOINT_URL_EVENTBRIDGE = base URL + this). */
    public static final String PATH = "/_local/aws/events";

    public static final String FAULTS_PATH = "/_local/eventbridge/faults";
    public static final int MAX_ENTRIES = 10;
    public static final int MAX_REQUEST_BYTES = 256 * 1024;
    private static final int RECORD_LIMIT = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(LocalEventBridge.class);

    private final java.util.concurrent.atomic.LongAdder putEventsRequests = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder putEventsEntries = new java.util.concurrent.atomic.LongAdder();

    private final String baseUrl;
    private final Set<String> buses;
    private final Clock clock;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Deque<ObjectNode> recorded = new ArrayDeque<>();
    private final ExecutorService deliveries = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "local-eventbridge-delivery");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger pending = new AtomicInteger();
    /** Guards the three fault fields: a request checks and uses up a failure in one step. */
    private final Object faultLock = new Object();

    private boolean failing;
    private int failNextRequests;
    private long failedRequests;

    public LocalEventBridge(String baseUrl, Set<String> buses, Clock clock) {
        this.baseUrl = baseUrl;
        this.buses = Set.copyOf(buses);
        this.clock = clock;
    }

    public String endpoint() {
        return baseUrl + PATH;
    }

    @Override
    public Map<String, String> functionSettings() {
        return Map.of("AWS_ENDPOINT_URL_EVENTBRIDGE", endpoint());
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(PATH, this::handle);
        routes.post(PATH + "/", this::handle);
        routes.get("/_local/events", ctx -> LocalJson.write(ctx, 200, events(ctx.queryParam("detailType"))));
        routes.get(FAULTS_PATH, ctx -> LocalJson.write(ctx, 200, faults()));
        routes.post(FAULTS_PATH, this::setFaults);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(
                "POST " + PATH,
                "EventBridge PutEvents (AWS_ENDPOINT_URL_EVENTBRIDGE); buses: " + String.join(", ", buses));
        d.put("GET /_local/events?detailType=", "events put on the buses, oldest first");
        d.put(
                "POST " + FAULTS_PATH,
                "{\"failNextRequests\": N} or {\"failing\": true|false}: the next N PutEvents requests, or all "
                        + "until {\"failing\": false}, answer 500 InternalException and record nothing; "
                        + "answers the fault state (GET too)");
        return d;
    }

    /** The next {@code requests} PutEvents HTTP requests fail (SDK retries included); 0 clears a pending count. */
    public void failNextPutEvents(int requests) {
        if (requests < 0) {
            throw new IllegalArgumentException("requests must be >= 0, got " + requests);
        }
        synchronized (faultLock) {
            failNextRequests = requests;
        }
        LOG.warn("Injected fault: the next {} PutEvents requests fail with InternalException", requests);
    }

    /** Every PutEvents request fails until {@link #recover()}. */
    public void failPutEventsUntilRecovered() {
        synchronized (faultLock) {
            failing = true;
        }
        LOG.warn("Injected fault: every PutEvents request fails with InternalException until recovered");
    }

    /** Ends every injected fault: PutEvents records and routes events again. */
    public void recover() {
        synchronized (faultLock) {
            failing = false;
            failNextRequests = 0;
        }
        LOG.info("Injected PutEvents faults cleared");
    }

    public FaultState faults() {
        synchronized (faultLock) {
            return new FaultState(failing, failNextRequests, failedRequests);
        }
    }

    /** True if this request is to fail; uses up one of the counted failures. */
    private boolean injectedFault() {
        synchronized (faultLock) {
            if (!failing && failNextRequests == 0) {
                return false;
            }
            if (!failing) {
                failNextRequests--;
            }
            failedRequests++;
            return true;
        }
    }

    private void setFaults(Context ctx) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            LocalJson.error(ctx, 400, "INVALID_JSON", "The body is not valid JSON");
            return;
        }
        FaultRequest request;
        try {
            request = json == null || !json.isObject() ? null : Json.MAPPER.treeToValue(json, FaultRequest.class);
        } catch (JsonProcessingException e) {
            request = null;
        }
        if (request == null
                || (request.failNextRequests() == null) == (request.failing() == null)
                || (request.failNextRequests() != null && request.failNextRequests() < 0)) {
            LocalJson.error(
                    ctx,
                    400,
                    "VALIDATION_FAILED",
                    "Body must be {\"failNextRequests\": <integer >= 0>} or {\"failing\": true|false}");
            return;
        }
        if (request.failNextRequests() != null) {
            failNextPutEvents(request.failNextRequests());
        } else if (request.failing()) {
            failPutEventsUntilRecovered();
        } else {
            recover();
        }
        LocalJson.write(ctx, 200, faults());
    }

    public void addRule(Rule rule) {
        rules.add(rule);
    }

    public List<Rule> rules() {
        return List.copyOf(rules);
    }

    public Set<String> buses() {
        return buses;
    }

    /** Javalin entry point of the AWS JSON 1.1 endpoint. */
    public void handle(Context ctx) {
        AwsResult result = handle(ctx.header("X-Amz-Target"), ctx.body());
        ctx.status(result.status()).contentType("application/x-amz-json-1.1").result(result.body());
    }

    /** PutEvents requests since the start (refused and fault-injected ones included: each is a billed call). */
    public long putEventsRequests() {
        return putEventsRequests.sum();
    }

    /** Entries of the PutEvents requests that were well-formed (EventBridge bills per 64 KB chunk of an entry). */
    public long putEventsEntries() {
        return putEventsEntries.sum();
    }

    public AwsResult handle(String target, String body) {
        putEventsRequests.increment();
        if (!"AWSEvents.PutEvents".equals(target)) {
            return error(
                    400, "UnknownOperationException", "The local EventBridge supports PutEvents only, not " + target);
        }
        if (injectedFault()) {
            return error(
                    500,
                    "InternalException",
                    "Injected fault: the local EventBridge is failing PutEvents (POST " + FAULTS_PATH
                            + " {\"failing\": false} ends it)");
        }
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return error(400, "SerializationException", "The request body is not valid JSON");
        }
        JsonNode entries = request == null ? null : request.get("Entries");
        if (entries == null || !entries.isArray() || entries.isEmpty()) {
            return error(
                    400,
                    "ValidationException",
                    "1 validation error detected: Value null at 'entries' "
                            + "failed to satisfy constraint: Member must not be null");
        }
        if (entries.size() > MAX_ENTRIES) {
            return error(
                    400,
                    "ValidationException",
                    "1 validation error detected: Value at 'entries' failed to satisfy constraint: "
                            + "Member must have length less than or equal to " + MAX_ENTRIES);
        }
        putEventsEntries.add(entries.size());
        long size = 0;
        for (JsonNode entry : entries) {
            size += entrySize(entry);
        }
        if (size > MAX_REQUEST_BYTES) {
            return error(
                    400,
                    "ValidationException",
                    "Total size of the entries in the request is over the limit (" + MAX_REQUEST_BYTES + " bytes).");
        }
        for (JsonNode entry : entries) {
            String bus = busName(entry.path("EventBusName").asText(TemplateFunctions.DEFAULT_BUS));
            if (!buses.contains(bus)) {
                return error(400, "ResourceNotFoundException", "Event bus " + bus + " does not exist.");
            }
        }
        ArrayNode results = Json.MAPPER.createArrayNode();
        int failed = 0;
        for (JsonNode entry : entries) {
            String problem = validate(entry);
            ObjectNode result = results.addObject();
            if (problem != null) {
                failed++;
                result.put("ErrorCode", "InvalidArgument");
                result.put("ErrorMessage", problem);
                continue;
            }
            ObjectNode envelope = envelope(entry);
            putEvent(busName(entry.path("EventBusName").asText(TemplateFunctions.DEFAULT_BUS)), envelope);
            result.put("EventId", envelope.get("id").asText());
        }
        ObjectNode response = Json.MAPPER.createObjectNode();
        response.set("Entries", results);
        response.put("FailedEntryCount", failed);
        return new AwsResult(200, Json.write(response));
    }

    /**
     * Records an event envelope and routes it through the rules of {@code busName}: the entry point for local AWS
     * services that emit events themselves (IVS state changes arrive on the default bus).
     */
    public void putEvent(String busName, ObjectNode envelope) {
        ObjectNode record = envelope.deepCopy();
        record.put("eventBusName", busName);
        synchronized (recorded) {
            recorded.addLast(record);
            if (recorded.size() > RECORD_LIMIT) {
                recorded.removeFirst();
            }
        }
        for (Rule rule : rules) {
            if (rule.busName().equals(busName) && rule.pattern().matches(envelope)) {
                deliver(rule, rule.input() != null ? rule.input() : Json.write(envelope));
            }
        }
    }

    /** {@link #putEvent(String, ObjectNode)} with the envelope as JSON. */
    public void putEvent(String busName, String envelopeJson) {
        try {
            putEvent(busName, (ObjectNode) Json.MAPPER.readTree(envelopeJson));
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalArgumentException("Not an event envelope: " + e.getMessage(), e);
        }
    }

    /** Events put so far, oldest first; {@code detailType} null = all. */
    public List<ObjectNode> events(String detailType) {
        synchronized (recorded) {
            List<ObjectNode> out = new ArrayList<>();
            for (ObjectNode event : recorded) {
                if (detailType == null
                        || detailType.equals(event.path("detail-type").asText())) {
                    out.add(event);
                }
            }
            return out;
        }
    }

    /** Waits until no rule delivery is running (tests); false if still busy after {@code timeoutMillis}. */
    public boolean awaitDeliveries(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (pending.get() > 0) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private void deliver(Rule rule, String payload) {
        pending.incrementAndGet();
        deliveries.submit(() -> {
            try {
                rule.target().invoke(payload);
            } catch (RuntimeException e) {
                LOG.error(
                        "Rule {} could not deliver to {}: {}",
                        rule.name(),
                        rule.target().logicalId(),
                        e.toString(),
                        e.getCause());
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    /** The envelope EventBridge delivers for one PutEvents entry. */
    private ObjectNode envelope(JsonNode entry) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", entry.get("DetailType").asText());
        event.put("source", entry.get("Source").asText());
        event.put("account", TemplateFunctions.ACCOUNT_ID);
        Instant time = entry.hasNonNull("Time")
                ? Instant.ofEpochMilli((long) (entry.get("Time").asDouble() * 1000))
                : clock.instant();
        event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", LocalAws.REGION);
        ArrayNode resources = event.putArray("resources");
        entry.path("Resources").forEach(r -> resources.add(r.asText()));
        try {
            event.set("detail", Json.MAPPER.readTree(entry.get("Detail").asText()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("validated before", e);
        }
        return event;
    }

    /** Why EventBridge would fail this entry, or null. */
    private static String validate(JsonNode entry) {
        for (String field : List.of("Source", "DetailType", "Detail")) {
            if (!entry.hasNonNull(field) || entry.get(field).asText().isBlank()) {
                return "Parameter " + field + " is not valid. Reason: " + field + " is a required argument.";
            }
        }
        try {
            JsonNode detail = Json.MAPPER.readTree(entry.get("Detail").asText());
            if (detail == null || !detail.isObject()) {
                return "Detail is malformed.";
            }
        } catch (JsonProcessingException e) {
            return "Detail is malformed.";
        }
        if (entry.get("Source").asText().startsWith("aws.")) {
            return "Parameter Source is not valid. Reason: Source cannot start with 'aws.'.";
        }
        return null;
    }

    /** How EventBridge counts an entry against the 256 KB limit. */
    static long entrySize(JsonNode entry) {
        long size = entry.hasNonNull("Time") ? 14 : 0;
        size += utf8(entry.path("Source").asText(""));
        size += utf8(entry.path("DetailType").asText(""));
        size += utf8(entry.path("Detail").asText(""));
        for (JsonNode resource : entry.path("Resources")) {
            size += utf8(resource.asText());
        }
        return size;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** A bus given by name or ARN, as a name. */
    public static String busName(String nameOrArn) {
        int slash = nameOrArn.lastIndexOf("event-bus/");
        return nameOrArn.startsWith("arn:") && slash >= 0
                ? nameOrArn.substring(slash + "event-bus/".length())
                : nameOrArn;
    }

    private static AwsResult error(int status, String type, String message) {
        return new AwsResult(status, new AwsError(status, type, message).awsJsonBody());
    }

    @Override
    public void close() {
        deliveries.shutdownNow();
        try {
            deliveries.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
