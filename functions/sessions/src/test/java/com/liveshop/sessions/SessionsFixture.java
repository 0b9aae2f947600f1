package com.liveshop.sessions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.liveshop.sessions.service.ReminderEmails;
import com.liveshop.sessions.service.ReminderMessage;
import com.liveshop.shared.catalog.Product;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.events.EventPublisher;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.json.Json;
import com.liveshop.testkit.DynamoDbLocalExtension;
import com.liveshop.testkit.RecordingMetrics;
import com.liveshop.testkit.TableSnapshot;
import dev.samlocal.lambda.TestContext;
import dev.samlocal.template.SamTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The real sessions handlers on the test's DynamoDB Local ({@link DynamoDbLocalExtension}) with a fake
 * {@link com.liveshop.sessions.ivs.LiveVideo}, a movable clock, a recording publisher, and the events-samples.
 */
final class SessionsFixture {

    static final String CATALOG = "CatalogTable";
    static final String SESSIONS = "SessionsTable";
    static final String RESERVATIONS = "ReservationsTable";
    static final String REPLAY_BASE = "https://replay.example.com";
    static final String PUBLIC_BASE = "https://shop.example.com";
    private static final Pattern CONFIRM_LINK = Pattern.compile("/reminders/confirm\\?token=([A-Za-z0-9._-]+)");
    private static final Pattern UNSUBSCRIBE_LINK = Pattern.compile("/reminders/unsubscribe\\?token=([A-Za-z0-9._-]+)");

    record Response(int status, JsonNode body, String rawBody, Map<String, String> headers) {
        String errorCode() {
            return body.path("error").path("code").asText(null);
        }
    }

    record Published(String detailType, JsonNode detail) {}

    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static final String FINGERPRINT_SECRET_ARN =
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:ChatTicketSecret-AbCdEf";
    final com.liveshop.testkit.TestSecrets secrets;
    final DynamoDbLocalExtension dynamo;
    final DynamoDbClient client;
    final AppConfig app;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T17:00:00Z"));
    final FakeLiveVideo video = new FakeLiveVideo();
    final List<Published> published = new CopyOnWriteArrayList<>();
    final List<Duration> pauses = new CopyOnWriteArrayList<>();
    /** Every business metric the sessions services recorded (the wiring's ShowMetrics). */
    final RecordingMetrics metrics = new RecordingMetrics();

    final SessionsWiring wiring;
    final ProductRepository products;
    final SessionAdminHandler admin;
    final SessionReadHandler read;
    final ReminderHandler reminders;
    final ReminderDispatchHandler reminderDispatch;
    final ReminderSendHandler reminderSender;
    /** What the reminder functions put on the queue, in order (the tests deliver it with {@link #deliverQueued}). */
    final List<ReminderMessage> queued = new CopyOnWriteArrayList<>();

    final RecordingEmails mailbox = new RecordingEmails();
    private final java.util.concurrent.atomic.AtomicInteger signUps = new java.util.concurrent.atomic.AtomicInteger();
    final HighlightHandler highlights;
    final StreamLifecycleHandler lifecycle;

    SessionsFixture(DynamoDbLocalExtension dynamo) {
        this.dynamo = dynamo;
        secrets = dynamo.closeWith(new com.liveshop.testkit.TestSecrets());
        client = dynamo.client();
        Map<String, String> settings = new HashMap<>(dynamo.functionSettings());
        settings.put("EVENT_BUS_NAME", "liveshop-orders");
        settings.put("REPLAY_BASE_URL", REPLAY_BASE);
        // The per-address limits' key, read at run time from (test) Secrets Manager as the template wires it.
        settings.putAll(
                secrets.settings("FINGERPRINT_SECRET_ARN", FINGERPRINT_SECRET_ARN, "testFingerprintSecret0123456789"));
        settings.put("SITE_URL", PUBLIC_BASE);
        settings.put("SES_MAX_SEND_RATE", "10000");
        app = new AppConfig(settings);
        wiring = new SessionsWiring(app, metrics, () -> "test-reminder-link-secret-0123456789");
        products = wiring.products();
        EventPublisher events = e -> published.add(new Published(e.detailType(), Json.MAPPER.valueToTree(e)));
        admin = new SessionAdminHandler(wiring.sessionService(video, clock, events));
        read = new SessionReadHandler(wiring.sessionService(SessionsWiring.noVideo(), clock));
        reminders = new ReminderHandler(wiring.reminderService(clock, queued::addAll));
        reminderDispatch = new ReminderDispatchHandler(wiring.reminderDispatchService(queued::addAll));
        reminderSender = new ReminderSendHandler(wiring.reminderSendService(mailbox, clock), queued::addAll);
        highlights = new HighlightHandler(wiring.highlightService(video, clock, pauses::add, events));
        lifecycle = new StreamLifecycleHandler(wiring.lifecycleService(events));
    }

    // ------------------------------------------------------------------ data

    void product(String sku, String title, long priceCents, long stock) {
        product(sku, title, priceCents, stock, null);
    }

    void product(String sku, String title, long priceCents, long stock, String imageUrl) {
        Product p = Product.of(sku);
        p.setTitle(title);
        p.setPriceCents(priceCents);
        p.setCurrency("USD");
        p.setImageUrl(imageUrl);
        p.setCreatedAt(clock.instant().toString());
        p.setUpdatedAt(clock.instant().toString());
        products.createOrUpdate(p, stock);
    }

    /** Every item of the three tables in key order: equal snapshots mean nothing was written. */
    List<Map<String, AttributeValue>> snapshot() {
        return TableSnapshot.of(client, CATALOG, SESSIONS, RESERVATIONS);
    }

    // ------------------------------------------------------------------ HTTP events from events-samples/sessions

    static APIGatewayV2HTTPEvent sample(String name) {
        return EventLoader.loadApiGatewayHttpEvent(samplePath(name).toString());
    }

    static Path samplePath(String name) {
        return SamTemplate.repoRoot().resolve("events-samples/sessions/" + name);
    }

    static APIGatewayV2HTTPEvent withSession(APIGatewayV2HTTPEvent e, String sessionId) {
        e.setPathParameters(Map.of("sessionId", sessionId));
        e.setRawPath(e.getRawPath().replaceAll("/sessions/[^/]+", "/sessions/" + sessionId));
        return e;
    }

    static APIGatewayV2HTTPEvent withBody(APIGatewayV2HTTPEvent e, String body) {
        e.setBody(body);
        return e;
    }

    static String createBody(String title, String startsAt, String... skus) {
        return Json.write(Map.of("title", title, "startsAt", startsAt, "lineup", List.of(skus)));
    }

    Response invoke(ApiHandler handler, APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, new TestContext("sessions-test"));
        String body = response.getBody();
        Map<String, String> headers = response.getHeaders() == null ? Map.of() : response.getHeaders();
        String type = headers.getOrDefault("content-type", "");
        try {
            JsonNode node = body == null || body.isEmpty() || !type.startsWith("application/json")
                    ? NullNode.getInstance()
                    : Json.MAPPER.readTree(body);
            return new Response(response.getStatusCode(), node, body, headers);
        } catch (JsonProcessingException e) {
            throw new AssertionError("Response body is not JSON: " + body, e);
        }
    }

    Response createSession(String body) {
        return invoke(admin, withBody(sample("create-session.json"), body));
    }

    /** A scheduled session with the given lineup; returns its id. */
    String scheduled(String... skus) {
        Response r = createSession(createBody(
                "Cyber Deals Sunday", clock.instant().plus(Duration.ofHours(1)).toString(), skus));
        if (r.status() != 201) {
            throw new AssertionError("create failed: " + r.rawBody());
        }
        return r.body().get("sessionId").asText();
    }

    String channelOf(String sessionId) {
        return wiring.sessions().find(sessionId).orElseThrow().channelArn();
    }

    Response get(String sessionId) {
        return invoke(read, withSession(sample("get-session.json"), sessionId));
    }

    Response list() {
        return invoke(read, sample("list-sessions.json"));
    }

    Response timeline(String sessionId) {
        return invoke(read, withSession(sample("get-timeline.json"), sessionId));
    }

    Response calendar(String sessionId) {
        return invoke(read, withSession(sample("get-calendar.json"), sessionId));
    }

    Response ingest(String sessionId) {
        return invoke(admin, withSession(sample("get-ingest.json"), sessionId));
    }

    Response end(String sessionId) {
        return invoke(admin, withSession(sample("end-session.json"), sessionId));
    }

    Response remind(String sessionId, String email) {
        return invoke(
                reminders,
                withBody(withSession(sample("add-reminder.json"), sessionId), Json.write(Map.of("email", email))));
    }

    /** A sign-up from the source address {@code sourceIp}, as API Gateway reports it. */
    Response remind(String sessionId, String email, String sourceIp) {
        APIGatewayV2HTTPEvent e =
                withBody(withSession(sample("add-reminder.json"), sessionId), Json.write(Map.of("email", email)));
        e.getRequestContext().getHttp().setSourceIp(sourceIp);
        return invoke(reminders, e);
    }

    /** A reminder link from the page's view: GET /reminders/confirm, GET or POST /reminders/unsubscribe. */
    Response confirm(String token) {
        return invoke(reminders, withToken(sample("confirm-reminder.json"), token));
    }

    Response unsubscribePage(String token) {
        return invoke(reminders, withToken(sample("unsubscribe-reminder-page.json"), token));
    }

    /** RFC 8058 one-click: what a mail client POSTs. */
    Response unsubscribe(String token) {
        return invoke(reminders, withToken(sample("unsubscribe-reminder.json"), token));
    }

    private static APIGatewayV2HTTPEvent withToken(APIGatewayV2HTTPEvent e, String token) {
        e.setQueryStringParameters(token == null ? null : Map.of("token", token));
        e.setRawQueryString(token == null ? "" : "token=" + token);
        return e;
    }

    /** SessionLive of the session, as the bus delivers it to ReminderDispatchFunction; returns how many were queued. */
    int dispatchLive(String sessionId) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> event =
                    Json.MAPPER.readValue(Files.readString(samplePath("session-live.json")), Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> detail = new HashMap<>((Map<String, Object>) event.get("detail"));
            detail.put("sessionId", sessionId);
            event.put("detail", detail);
            return reminderDispatch.handleRequest(event, new TestContext("reminder-dispatch"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Delivers the queued messages to the sender, one per SQS event as BatchSize 1 does, until the queue is empty or
     * {@code maxReceives} rounds; a message reported as a batch item failure goes back on the queue (redelivery).
     * Returns how many deliveries failed.
     */
    int deliverQueued(int maxReceives) {
        int failures = 0;
        for (int round = 0; round < maxReceives && !queued.isEmpty(); round++) {
            List<ReminderMessage> batch = new java.util.ArrayList<>(queued);
            queued.clear();
            for (ReminderMessage message : batch) {
                SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
                record.setMessageId(java.util.UUID.randomUUID().toString());
                record.setBody(Json.write(message));
                SQSEvent event = new SQSEvent();
                event.setRecords(List.of(record));
                SQSBatchResponse response = reminderSender.handleRequest(event, new TestContext("reminder-send"));
                if (!response.getBatchItemFailures().isEmpty()) {
                    failures++;
                    queued.add(message);
                }
            }
        }
        return failures;
    }

    int deliverQueued() {
        return deliverQueued(5);
    }

    /** The token of the newest confirmation email to {@code email}. */
    String confirmToken(String email) {
        return linkToken(email, CONFIRM_LINK);
    }

    /** The unsubscribe token of the newest email to {@code email}. */
    String unsubscribeToken(String email) {
        return linkToken(email, UNSUBSCRIBE_LINK);
    }

    private String linkToken(String email, Pattern link) {
        List<ReminderEmails.Email> emails = mailbox.to(email);
        if (emails.isEmpty()) {
            throw new AssertionError("No email to " + email);
        }
        Matcher m = link.matcher(emails.get(emails.size() - 1).text());
        if (!m.find()) {
            throw new AssertionError("No such link in the email to " + email);
        }
        return m.group(1);
    }

    /** Signs up, delivers the confirmation, follows its link: a confirmed reminder. */
    void confirmedReminder(String sessionId, String email) {
        // Each from its own address (198.18.0.0/15, the benchmarking range): the per-address limit is not under test.
        int n = signUps.incrementAndGet();
        Response r = remind(sessionId, email, "198.18." + (n / 250) + "." + (n % 250));
        if (r.status() != 202) {
            throw new AssertionError("sign-up failed: " + r.rawBody());
        }
        deliverQueued();
        Response c = confirm(confirmToken(email));
        if (c.status() != 200) {
            throw new AssertionError("confirm failed: " + c.status() + " " + c.rawBody());
        }
    }

    Response highlight(String sessionId, String body) {
        return invoke(highlights, withBody(withSession(sample("highlight.json"), sessionId), body));
    }

    Response highlight(String sessionId, String sku, Long deal) {
        Map<String, Object> body = new HashMap<>();
        body.put("sku", sku);
        if (deal != null) {
            body.put("dealPriceCents", deal);
        }
        return highlight(sessionId, Json.write(body));
    }

    // ------------------------------------------------------------------ IVS EventBridge events

    /** An events-samples IVS event, re-pointed at {@code channelArn}, with stream id and time replaced. */
    @SuppressWarnings("unchecked")
    Map<String, Object> ivsEvent(String sample, String channelArn, String streamId, Instant time) {
        try {
            Map<String, Object> event = Json.MAPPER.readValue(Files.readString(samplePath(sample)), Map.class);
            event.put("resources", List.of(channelArn));
            event.put("time", time.toString());
            Map<String, Object> detail = (Map<String, Object>) event.get("detail");
            if (streamId != null) {
                detail.put("stream_id", streamId);
            }
            return event;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void deliver(Map<String, Object> event) {
        lifecycle.handleRequest(event, new TestContext("stream-lifecycle-test"));
    }

    /** Delivers a Stream Start and marks the fake channel broadcasting. */
    void startStream(String sessionId, String streamId, Instant at) {
        String arn = channelOf(sessionId);
        video.broadcasting.add(arn);
        deliver(ivsEvent("ivs-stream-start.json", arn, streamId, at));
    }

    String status(String sessionId) {
        return wiring.sessions().find(sessionId).orElseThrow().status();
    }
}
