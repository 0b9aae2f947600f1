package dev.samlocal.sesv2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.core.Json;
import dev.samlocal.core.LocalService;
import dev.samlocal.protocol.AwsError;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Amazon SES (API v2) for the local stack: the real {@code SesV2Client} and the AWS CLI ({@code aws sesv2 …
 * --endpoint-url}) send here, and every email is kept instead of delivered, to be read at {@code GET /_local/emails} or
 * on the {@code /_local/mailbox} page. REST-JSON as SES v2 speaks it: {@code POST /v2/email/outbound-emails}
 * (SendEmail: Simple content with its Headers, or a Template with inline TemplateContent and TemplateData) and
 * {@code POST /v2/email/outbound-bulk-emails} (SendBulkEmail: DefaultContent's template, one email per BulkEmailEntry
 * with its ReplacementTemplateData, which replaces the default TemplateData as a whole, as the API reference describes
 * the default, and its ReplacementHeaders). Limits and errors as the service has them: at most 50 recipients per
 * SendEmail and 50 entries per SendBulkEmail, a sender and a subject required; refusals are 400
 * {@code BadRequestException} (header {@code x-amzn-ErrorType}, body {@code {"message"}}). Raw content and stored
 * templates are not emulated (BadRequestException says so). Addresses and bodies never reach a log line.
 */
public final class LocalSesV2 implements LocalService {

    /** Where the SDK's endpoint override points (AWS_ENDPOINT_URL_SESV2 = base URL + this). */
    public static final String PATH = "/_local/aws/sesv2";

    static final int MAX_RECIPIENTS = 50;
    static final int MAX_BULK_ENTRIES = 50;
    private static final int MAX_KEPT = 10_000;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");

    /**
     * One email as it would have left: its recipients, sender, subject, both parts and the headers it was sent with.
     */
    public record Email(
            String messageId,
            List<String> to,
            List<String> cc,
            List<String> bcc,
            String from,
            String subject,
            String text,
            String html,
            Map<String, String> headers,
            Instant at) {}

    /** SES v2's answer to bad input: 400 {@code BadRequestException}. */
    private static AwsError badRequest(String message) {
        return new AwsError(400, "BadRequestException", message);
    }

    private final String baseUrl;
    private final Clock clock;
    private final List<Email> emails = new ArrayList<>();
    /** Throttling on demand: the next N send requests answer 429 TooManyRequestsException (the SDK's retries count). */
    private final java.util.concurrent.atomic.AtomicInteger throttleRequests =
            new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.concurrent.atomic.AtomicLong throttledRequests =
            new java.util.concurrent.atomic.AtomicLong();
    /** Addresses whose next bulk entry answers ACCOUNT_THROTTLED (kept nowhere), once each. */
    private final java.util.Set<String> throttleEntries = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public LocalSesV2(String baseUrl, Clock clock) {
        this.baseUrl = baseUrl;
        this.clock = clock;
    }

    public String endpoint() {
        return baseUrl + PATH;
    }

    @Override
    public Map<String, String> functionSettings() {
        return Map.of("AWS_ENDPOINT_URL_SESV2", endpoint());
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(PATH + "/v2/email/outbound-emails", ctx -> answer(ctx, () -> sendEmail(body(ctx))));
        routes.post(PATH + "/v2/email/outbound-bulk-emails", ctx -> answer(ctx, () -> sendBulkEmail(body(ctx))));
        routes.get(
                "/_local/emails",
                ctx -> ctx.contentType("application/json").result(Json.write(emails(ctx.queryParam("to")))));
        routes.get("/_local/emails/{messageId}/html", this::htmlPart);
        routes.get(
                "/_local/mailbox",
                ctx -> ctx.contentType("text/html; charset=utf-8")
                        .header(
                                "content-security-policy",
                                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
                        .result(Mailbox.page(emails(ctx.queryParam("to")))));
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(
                "POST " + PATH + "/v2/email/outbound-emails",
                "SES v2 SendEmail (AWS_ENDPOINT_URL_SESV2; aws sesv2 … --endpoint-url " + PATH
                        + "): kept, not delivered");
        d.put("POST " + PATH + "/v2/email/outbound-bulk-emails", "SES v2 SendBulkEmail: one kept email per entry");
        d.put(
                "GET /_local/emails?to=",
                "the emails sent, oldest first: [{to, from, subject, text, html, headers, at}]");
        d.put("GET /_local/mailbox?to=", "a page to read them");
        return d;
    }

    /** The emails kept so far (to {@code to} only, when given: in To, Cc or Bcc), oldest first. */
    public synchronized List<Email> emails(String to) {
        if (to == null || to.isBlank()) {
            return List.copyOf(emails);
        }
        String wanted = to.strip().toLowerCase(Locale.ROOT);
        return emails.stream()
                .filter(e -> recipients(e).stream()
                        .anyMatch(a -> a.toLowerCase(Locale.ROOT).equals(wanted)))
                .toList();
    }

    private static List<String> recipients(Email e) {
        List<String> all = new ArrayList<>(e.to());
        all.addAll(e.cc());
        all.addAll(e.bcc());
        return all;
    }

    private void htmlPart(Context ctx) {
        String id = ctx.pathParam("messageId");
        Email email;
        synchronized (this) {
            email = emails.stream()
                    .filter(e -> e.messageId().equals(id))
                    .findFirst()
                    .orElse(null);
        }
        if (email == null || email.html() == null) {
            ctx.status(404)
                    .contentType("application/json")
                    .result(Json.write(
                            Map.of("error", Map.of("code", "EMAIL_NOT_FOUND", "message", "No HTML part for " + id))));
            return;
        }
        // The email's own HTML, as a mail client shows it: no script runs, nothing is fetched.
        ctx.contentType("text/html; charset=utf-8")
                .header("content-security-policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'")
                .result(email.html());
    }

    // ------------------------------------------------------------------ the API

    private Map<String, Object> sendEmail(JsonNode request) {
        String from = requireText(request, "FromEmailAddress");
        JsonNode destination = request.path("Destination");
        List<String> to = addresses(destination.path("ToAddresses"));
        List<String> cc = addresses(destination.path("CcAddresses"));
        List<String> bcc = addresses(destination.path("BccAddresses"));
        if (to.size() + cc.size() + bcc.size() == 0) {
            throw badRequest("Missing required field Destination: at least one recipient.");
        }
        if (to.size() + cc.size() + bcc.size() > MAX_RECIPIENTS) {
            throw badRequest("Recipient count exceeds " + MAX_RECIPIENTS + ".");
        }
        JsonNode content = request.path("Content");
        Email email;
        if (content.has("Simple")) {
            JsonNode simple = content.get("Simple");
            String subject = requireText(simple.path("Subject"), "Data", "Content.Simple.Subject.Data");
            String text = simple.path("Body").path("Text").path("Data").asText(null);
            String html = simple.path("Body").path("Html").path("Data").asText(null);
            if (text == null && html == null) {
                throw badRequest("Content.Simple.Body needs Text or Html.");
            }
            email = new Email(
                    newId(), to, cc, bcc, from, subject, text, html, headers(simple.path("Headers")), clock.instant());
        } else if (content.has("Template")) {
            JsonNode template = content.get("Template");
            email = fromTemplate(
                    template,
                    template.path("TemplateData").asText("{}"),
                    headers(template.path("Headers")),
                    from,
                    to,
                    cc,
                    bcc);
        } else if (content.has("Raw")) {
            throw badRequest("Raw content is not emulated by the local stack; send Simple or Template content.");
        } else {
            throw badRequest("Missing required field Content.");
        }
        keep(email);
        return Map.of("MessageId", email.messageId());
    }

    private Map<String, Object> sendBulkEmail(JsonNode request) {
        String from = requireText(request, "FromEmailAddress");
        JsonNode template = request.path("DefaultContent").path("Template");
        if (template.isMissingNode()) {
            throw badRequest("Missing required field DefaultContent.Template.");
        }
        JsonNode entries = request.path("BulkEmailEntries");
        if (!entries.isArray() || entries.isEmpty()) {
            throw badRequest("Missing required field BulkEmailEntries.");
        }
        if (entries.size() > MAX_BULK_ENTRIES) {
            throw badRequest("BulkEmailEntries exceeds " + MAX_BULK_ENTRIES + ".");
        }
        String defaultData = template.path("TemplateData").asText("{}");
        Map<String, String> defaultHeaders = headers(template.path("Headers"));
        List<Email> prepared = new ArrayList<>();
        for (JsonNode entry : entries) {
            JsonNode destination = entry.path("Destination");
            List<String> to = addresses(destination.path("ToAddresses"));
            List<String> cc = addresses(destination.path("CcAddresses"));
            List<String> bcc = addresses(destination.path("BccAddresses"));
            if (to.size() + cc.size() + bcc.size() == 0 || to.size() + cc.size() + bcc.size() > MAX_RECIPIENTS) {
                throw badRequest("Each BulkEmailEntry needs 1 to " + MAX_RECIPIENTS + " recipients.");
            }
            String data = entry.path("ReplacementEmailContent")
                    .path("ReplacementTemplate")
                    .path("ReplacementTemplateData")
                    .asText(defaultData);
            Map<String, String> headers = new LinkedHashMap<>(defaultHeaders);
            headers.putAll(headers(entry.path("ReplacementHeaders")));
            prepared.add(fromTemplate(template, data, headers, from, to, cc, bcc));
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (Email email : prepared) {
            if (email.to().stream().anyMatch(a -> throttleEntries.remove(a.toLowerCase(Locale.ROOT)))) {
                results.add(Map.of("Status", "ACCOUNT_THROTTLED", "Error", "Maximum sending rate exceeded."));
                continue;
            }
            keep(email);
            results.add(Map.of("Status", "SUCCESS", "MessageId", email.messageId()));
        }
        return Map.of("BulkEmailEntryResults", results);
    }

    /** An email from inline TemplateContent, its {{placeholders}} filled from the JSON object {@code data}. */
    private Email fromTemplate(
            JsonNode template,
            String data,
            Map<String, String> headers,
            String from,
            List<String> to,
            List<String> cc,
            List<String> bcc) {
        if (!template.has("TemplateContent")) {
            throw badRequest("Stored templates (TemplateName / TemplateArn) are not emulated by the local stack; "
                    + "send TemplateContent.");
        }
        JsonNode values;
        try {
            values = Json.MAPPER.readTree(data);
        } catch (Exception e) {
            throw badRequest("TemplateData is not valid JSON.");
        }
        if (values == null || !values.isObject()) {
            throw badRequest("TemplateData must be a JSON object.");
        }
        JsonNode content = template.get("TemplateContent");
        String subject = fill(requireText(content, "Subject"), values);
        String text = content.hasNonNull("Text") ? fill(content.get("Text").asText(), values) : null;
        String html = content.hasNonNull("Html") ? fill(content.get("Html").asText(), values) : null;
        if (text == null && html == null) {
            throw badRequest("TemplateContent needs Text or Html.");
        }
        return new Email(newId(), to, cc, bcc, from, subject, text, html, headers, clock.instant());
    }

    /**
     * {{name}} → the value of {@code name} in {@code values} (SES's own templates are Handlebars; this is their
     * simplest form).
     */
    private static String fill(String template, JsonNode values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode v = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null || v.isNull() ? "" : v.asText()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private synchronized void keep(Email email) {
        emails.add(email);
        if (emails.size() > MAX_KEPT) {
            emails.remove(0);
        }
    }

    private String newId() {
        return "local-" + UUID.randomUUID();
    }

    private static List<String> addresses(JsonNode list) {
        List<String> out = new ArrayList<>();
        if (list.isArray()) {
            list.forEach(a -> {
                String address = a.asText("").strip();
                if (!address.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                    throw badRequest("Invalid email address: the address is not well formed.");
                }
                out.add(address);
            });
        }
        return out;
    }

    private static Map<String, String> headers(JsonNode list) {
        Map<String, String> out = new LinkedHashMap<>();
        if (list.isArray()) {
            list.forEach(h -> out.put(h.path("Name").asText(), h.path("Value").asText()));
        }
        return out;
    }

    private static String requireText(JsonNode node, String field) {
        return requireText(node, field, field);
    }

    private static String requireText(JsonNode node, String field, String name) {
        String value = node.path(field).asText("");
        if (value.isBlank()) {
            throw badRequest("Missing required field " + name + ".");
        }
        return value;
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode node = Json.MAPPER.readTree(ctx.body());
            if (node == null || !node.isObject()) {
                throw badRequest("The request body is not a JSON object.");
            }
            return node;
        } catch (AwsError e) {
            throw e;
        } catch (Exception e) {
            throw badRequest("The request body is not valid JSON.");
        }
    }

    private interface Call {
        Map<String, Object> run();
    }

    // ------------------------------------------------------------------ faults on demand (tests)

    /**
     * The next {@code requests} SendEmail / SendBulkEmail requests answer 429 TooManyRequestsException; nothing is
     * kept.
     */
    public void throttleNextRequests(int requests) {
        throttleRequests.set(requests);
    }

    /**
     * The next bulk entry to each of these addresses answers {@code ACCOUNT_THROTTLED} (not kept), once per address.
     */
    public void throttleNextEntries(java.util.Collection<String> addresses) {
        addresses.forEach(a -> throttleEntries.add(a.toLowerCase(Locale.ROOT)));
    }

    /** Requests answered 429 so far. */
    public long throttledRequests() {
        return throttledRequests.get();
    }

    private void answer(Context ctx, Call call) {
        try {
            if (throttleRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throttledRequests.incrementAndGet();
                throw new AwsError(429, "TooManyRequestsException", "Maximum sending rate exceeded.");
            }
            ctx.status(200).contentType("application/json").result(Json.write(call.run()));
        } catch (AwsError e) {
            e.writeRestJson(ctx);
        }
    }
}
