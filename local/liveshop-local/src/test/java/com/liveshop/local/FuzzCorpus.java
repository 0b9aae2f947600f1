package com.liveshop.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.liveshop.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The malformed-request corpus of {@link FuzzCorpusTest}: for every route of the template, requests that a correct
 * server must refuse (bad JSON, duplicate keys, huge numbers, wrong types, control characters, overlong strings, path
 * tricks, wrong content types, oversized bodies and headers, bad query parameters, missing or wrong credentials).
 * Deterministic: no randomness, the same corpus on every run.
 *
 * <p>Each variant is malformed for sure: a body variant goes to a route that reads the body with everything else valid
 * (fixture ids, host token, required headers), so only the body can be refused; a path, header or auth variant carries
 * a valid body, so only that part can be. Routes that read no body get no body variants (a bad body on {@code POST
 * /sessions/{id}/end} would be ignored and the session ended: not malformed).
 */
final class FuzzCorpus {

    /** One request of the corpus. {@code rawTarget} set means it goes over a raw socket (not a valid {@code URI}). */
    record Case(
            String route,
            String variant,
            String method,
            String target,
            boolean rawTarget,
            String contentType,
            byte[] body,
            List<String> headers) {

        String describe() {
            return route + " [" + variant + "] " + method + " "
                    + (target.length() > 120 ? target.substring(0, 120) + "…" : target);
        }
    }

    /** What the routes need: fixture ids, tokens and the headers a route requires besides the body. */
    record Fixtures(
            String sku,
            String sessionId,
            String cartId,
            String ticket,
            String ticketId,
            String hostToken,
            String nonHostToken,
            String webhookSecret) {}

    /** The body a route reads, valid with the fixtures: the corpus mutates it field by field. */
    static Map<String, String> validBodies(Fixtures f) {
        // Times the services accept: a show starts within a year, a deal ends within 24 hours.
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String startsAt = now.plus(java.time.Duration.ofDays(1)).toString();
        String dealEndsAt = now.plus(java.time.Duration.ofHours(1)).toString();
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put(
                "PUT /products/{sku}",
                "{\"title\":\"Fuzz kettle\",\"description\":\"Steel\",\"priceCents\":2500,"
                        + "\"currency\":\"USD\",\"imageUrl\":\"https://example.com/k.png\",\"stock\":5,\"stockShards\":1}");
        bodies.put("POST /products/{sku}/restock", "{\"quantity\":3}");
        bodies.put("POST /carts/{cartId}/items", "{\"sku\":\"" + f.sku() + "\",\"quantity\":1}");
        bodies.put("POST /orders", "{\"cartId\":\"" + f.cartId() + "\",\"email\":\"fuzz@example.com\"}");
        bodies.put(
                "POST /payments/webhook",
                "{\"orderId\":\"6f1c2a9e-1b1d-4c8e-9a51-0d2b3c4d5e6f\",\"status\":\"PAID\","
                        + "\"paymentId\":\"pay_1\",\"amountCents\":2500,\"currency\":\"USD\"}");
        bodies.put(
                "POST /sessions",
                "{\"title\":\"Fuzz show\",\"startsAt\":\"" + startsAt + "\",\"lineup\":[\"" + f.sku()
                        + "\"],\"description\":\"A show\"}");
        bodies.put("POST /sessions/{sessionId}/reminders", "{\"email\":\"fuzz@example.com\"}");
        bodies.put(
                "POST /sessions/{sessionId}/highlights",
                "{\"sku\":\"" + f.sku() + "\",\"dealPriceCents\":1999," + "\"dealEndsAt\":\"" + dealEndsAt + "\"}");
        bodies.put("POST /sessions/{sessionId}/chat-tickets", "{\"name\":\"Fuzzy\",\"cartId\":\"" + f.cartId() + "\"}");
        bodies.put("POST /sessions/{sessionId}/messages", "{\"text\":\"hello\"}");
        bodies.put("POST /sessions/{sessionId}/bans", "{\"ticketId\":\"" + f.ticketId() + "\"}");
        bodies.put("PUT /sessions/{sessionId}/blocklist", "{\"words\":[\"spoiler\",\"scam\"]}");
        bodies.put("POST /sessions/{sessionId}/pin", "{\"messageId\":\"6f1c2a9e-1b1d-4c8e-9a51-0d2b3c4d5e6f\"}");
        bodies.put(
                "PUT /sessions/{sessionId}/chat-settings",
                "{\"messagesPerSecond\":5,\"slowModeSeconds\":0,\"buyKeyword\":\"SOLD\"}");
        // The fixture's sku is in stock, so even the valid join is refused (409 IN_STOCK): nothing is written.
        bodies.put("POST /products/{sku}/waitlist", "{\"cartId\":\"" + f.cartId() + "\",\"quantity\":1}");
        return bodies;
    }

    /** Routes that read no body: path, query, header and auth variants only. */
    static final List<String> BODYLESS = List.of(
            "GET /products/{sku}",
            "GET /products",
            "GET /products/{sku}/stock",
            "DELETE /carts/{cartId}/items/{sku}",
            "GET /carts/{cartId}",
            "GET /orders/{orderId}",
            "GET /sessions/{sessionId}/ingest",
            "GET /sessions/{sessionId}/stats",
            "POST /sessions/{sessionId}/end",
            "GET /sessions",
            "GET /sessions/{sessionId}",
            "GET /sessions/{sessionId}/timeline",
            "GET /sessions/{sessionId}/calendar.ics",
            "GET /sessions/{sessionId}/messages",
            "DELETE /sessions/{sessionId}/messages/{messageId}",
            "GET /products/{sku}/waitlist/{cartId}",
            "DELETE /products/{sku}/waitlist/{cartId}",
            "GET /reminders/confirm",
            "GET /reminders/unsubscribe",
            "POST /reminders/unsubscribe",
            "GET /challenges");

    /** Reminder link tokens no route may accept: malformed, unsigned, or signed by someone else. */
    private static final List<String> BAD_TOKENS = List.of(
            "token=",
            "token=x",
            "token=c.a.b.c",
            "token=c.%00.b.c",
            "token=c.6f1c2a9e-1b1d-4c8e-9a51-0d2b3c4d5e6f.AAAAAAAAAAAAAAAAAAAAAA.AAAA",
            "token=" + "c.".repeat(200),
            "token=u.6f1c2a9e-1b1d-4c8e-9a51-0d2b3c4d5e6f.AAAAAAAAAAAAAAAAAAAAAA." + "A".repeat(43),
            "token=%E2%9C%A8",
            "token=a&token=b");

    /** Query parameters a route reads, with values it must refuse. */
    static final Map<String, List<String>> BAD_QUERIES = Map.of(
            "GET /products",
            List.of(
                    "limit=-1",
                    "limit=abc",
                    "limit=1e400",
                    "limit=99999999999999999999",
                    "limit=1.5",
                    "limit=%00",
                    "limit=0x10",
                    "limit=1%2C2",
                    "limit=1&limit=2",
                    "cursor=not-a-cursor",
                    "cursor=%00%01",
                    "cursor=" + "A".repeat(3000),
                    "cursor=eyJwayI6IngifQ",
                    "limit=%E2%9C%A8"),
            "GET /sessions",
            List.of(
                    "limit=-1",
                    "limit=abc",
                    "limit=1e400",
                    "limit=99999999999999999999",
                    "limit=1.5",
                    "limit=%00",
                    "limit=0x10",
                    "limit=1&limit=2",
                    "limit=%E2%9C%A8"),
            "GET /sessions/{sessionId}/messages",
            List.of(
                    "limit=-1",
                    "limit=abc",
                    "limit=1e400",
                    "limit=99999999999999999999",
                    "limit=1.5",
                    "limit=%00",
                    "limit=0x10",
                    "limit=1&limit=2",
                    "limit=%E2%9C%A8"),
            "GET /reminders/confirm",
            BAD_TOKENS,
            "GET /reminders/unsubscribe",
            BAD_TOKENS,
            "POST /reminders/unsubscribe",
            BAD_TOKENS);

    /** Path parameter values no route may accept (encoded as they go on the wire), for every kind of id. */
    static final List<String> PATH_TRICKS = List.of(
            "..%2F..%2Fsessions",
            "%2e%2e",
            "..",
            "%00",
            "abc%00def",
            "%C0%AF",
            "%FF%FE",
            "%E2%9C%A8",
            "%F0%9F%98%80",
            "a%20b",
            "%0D%0AX-Injected:%201",
            "%3Cscript%3E",
            "'%20OR%20'1'%3D'1",
            "%2F",
            "%5C..%5C",
            "x".repeat(1000),
            "%7B%7D",
            "-",
            "_a",
            ".hidden");
    /** Extra tricks for ids that are UUIDs (a valid sku, so not used where a sku goes). */
    static final List<String> UUID_TRICKS = List.of(
            "not-a-uuid",
            "00000000-0000-0000-0000-000000000000",
            "6f1c2a9e-1b1d-4c8e-9a51-0d2b3c4d5e6",
            "6f1c2a9e1b1d4c8e9a510d2b3c4d5e6f0",
            "6f1c2a9e-1b1d-4c8e-9a51-0d2b3c4d5e6fz",
            "{6f1c2a9e-1b1d-4c8e-9a51-0d2b3c4d5e6f}");
    /** Targets java.net.URI refuses (bad percent escapes, raw spaces and controls): sent over a raw socket. */
    static final List<String> RAW_TRICKS = List.of("%", "%ZZ", "%G0", "a b", "a\tb", "%u002e");

    /** Fields a blank value leaves out (so {@code ""} there is valid). */
    static final java.util.Set<String> OPTIONAL = java.util.Set.of("description", "imageUrl", "dealEndsAt");

    static final List<String> CONTROLS = List.of(
            "\\u0000",
            "\\u0001",
            "\\u0007",
            "\\u001b",
            "\\u001f",
            "\\u007f",
            "\\u0085",
            "\\u009f",
            "\\ud800",
            "\\udfff",
            "\\ud800x",
            "x\\udc00");

    /** Bidi controls (embeddings, overrides, isolates, marks): they reorder what the chat shows around them. */
    static final List<String> BIDI = List.of(
            "\\u202a", "\\u202b", "\\u202c", "\\u202d", "\\u202e", "\\u2066", "\\u2067", "\\u2068", "\\u2069",
            "\\u200e", "\\u200f", "\\u061c");

    /** Look-alikes of reserved chat names (small capitals, Cherokee, Cyrillic, Greek, digits, "rn" for "m"). */
    static final List<String> LOOK_ALIKE_NAMES = List.of(
            "ʜᴏsᴛ", "Ꮋost", "Hоst", "ΗΟST", "H0ST", "ᴍᴏᴅᴇʀᴀᴛᴏʀ", "rnoderator", "Аdmin", "adm\\u200bin", "ꜱupport");

    /** Chat fields: a ticket's display name and a message's text. */
    static final java.util.Set<String> CHAT_TEXT = java.util.Set.of(
            "POST /sessions/{sessionId}/chat-tickets name", "POST /sessions/{sessionId}/messages text");

    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z]+)}");

    private final Fixtures f;
    private final Map<String, String> bodies;
    private final List<Case> cases = new ArrayList<>();
    private int sequence;

    FuzzCorpus(Fixtures fixtures) {
        this.f = fixtures;
        this.bodies = validBodies(fixtures);
    }

    /**
     * The corpus for these routes ({@code routeKey → auth}, "none" or an authorizer), or an error naming a route with
     * no fuzz spec (a new route must be added to {@link #validBodies} or {@link #BODYLESS}).
     */
    List<Case> generate(Map<String, String> routes) {
        for (Map.Entry<String, String> r : routes.entrySet()) {
            String routeKey = r.getKey();
            boolean auth = !"none".equals(r.getValue());
            if (!bodies.containsKey(routeKey) && !BODYLESS.contains(routeKey)) {
                throw new IllegalStateException("No fuzz spec for route " + routeKey + ": add it to FuzzCorpus");
            }
            String method = routeKey.substring(0, routeKey.indexOf(' '));
            String template = routeKey.substring(routeKey.indexOf(' ') + 1);
            String body = bodies.get(routeKey);
            String path = fill(template, Map.of());

            if (body != null) {
                bodyVariants(routeKey, method, path, body, auth);
            }
            pathVariants(routeKey, method, template, body, auth);
            for (String q : BAD_QUERIES.getOrDefault(routeKey, List.of())) {
                add(routeKey, "query " + q, method, path + "?" + q, body, auth);
            }
            headerVariants(routeKey, method, path, body, auth);
            if (auth) {
                authVariants(routeKey, method, path, body);
            }
            // A method the route's path does not have: the gateway's 404, whatever the body.
            add(routeKey, "method PATCH", "PATCH", path, body, auth);
        }
        return cases;
    }

    /**
     * The valid request of each body route that can be sent once before the snapshot without spoiling the fixtures (not
     * an order, a payment, a ban or a pin): each must be accepted, which shows the corpus's body variants reach the
     * body checks instead of being refused for another reason (a stale date, a missing header).
     */
    List<Case> baseline() {
        List<Case> out = new ArrayList<>();
        for (String route : List.of(
                "PUT /products/{sku}",
                "POST /products/{sku}/restock",
                "POST /carts/{cartId}/items",
                "POST /sessions",
                "POST /sessions/{sessionId}/reminders",
                "POST /sessions/{sessionId}/highlights",
                "POST /sessions/{sessionId}/chat-tickets",
                "POST /sessions/{sessionId}/messages",
                "PUT /sessions/{sessionId}/blocklist",
                "PUT /sessions/{sessionId}/chat-settings")) {
            String method = route.substring(0, route.indexOf(' '));
            String path = fill(route.substring(route.indexOf(' ') + 1), Map.of());
            boolean auth = route.startsWith("PUT")
                    || route.equals("POST /products/{sku}/restock")
                    || route.equals("POST /sessions")
                    || route.endsWith("/highlights");
            out.add(new Case(
                    route,
                    "valid",
                    method,
                    path,
                    false,
                    "application/json",
                    bytes(bodies.get(route)),
                    headers(route, bodies.get(route), auth)));
        }
        return out;
    }

    // ------------------------------------------------------------------ bodies

    private void bodyVariants(String route, String method, String path, String valid, boolean auth) {
        ObjectNode object = (ObjectNode) read(valid);
        List<String> raw = new ArrayList<>(List.of(
                "",
                " ",
                "\n",
                "{",
                "}",
                "{]",
                "{\"a\":}",
                "{'title':'x'}",
                "nul",
                "tru",
                "{\"a\" 1}",
                "}{",
                "<xml/>",
                "{\"a\":1,}",
                "[1,2",
                "{}{}",
                "{\"x\":NaN}",
                "{\"x\":Infinity}",
                "/* c */{}",
                "{\"x\":01}",
                "{\"x\":+1}",
                "{\"x\":.5}",
                "{\"x\":\"\\q\"}",
                "{\"x\":\"\\u12\"}",
                "{x:1}",
                "{\"x\":\"a\nb\"}",
                "{\"x\":\"a\u0000b\"}",
                "\u0000",
                "\uFFFF",
                "[]",
                "[" + valid + "]",
                "1",
                "-1",
                "1e400",
                "\"text\"",
                "true",
                "null",
                "[".repeat(200) + "]".repeat(200),
                "{\"a\":".repeat(100) + "1" + "}".repeat(100),
                valid + " x",
                valid + valid,
                valid + "}",
                valid + ",",
                "{" + valid,
                valid.substring(1),
                "\"" + valid.replace("\"", "\\\"") + "\""));
        for (int cut : new int[] {1, valid.length() / 4, valid.length() / 2, valid.length() - 1}) {
            raw.add(valid.substring(0, cut));
        }
        int i = 0;
        for (String r : raw) {
            add(
                    route,
                    "json#" + i++,
                    method,
                    path,
                    "application/json",
                    r.getBytes(StandardCharsets.UTF_8),
                    auth,
                    List.of());
        }
        // Not UTF-8 at all, and UTF-16.
        add(
                route,
                "latin1",
                method,
                path,
                "application/json",
                new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1'},
                auth,
                List.of());
        add(
                route,
                "utf16",
                method,
                path,
                "application/json",
                "{\"x\":1".getBytes(StandardCharsets.UTF_16),
                auth,
                List.of());

        List<String> fields = new ArrayList<>();
        object.fieldNames().forEachRemaining(fields::add);
        for (String field : fields) {
            JsonNode value = object.get(field);
            // Duplicate keys, with the same and with another value.
            String copy = Json.write(value);
            add(
                    route,
                    "duplicate " + field,
                    method,
                    path,
                    valid.replaceFirst("}$", ",\"" + field + "\":" + copy + "}"),
                    auth);
            add(
                    route,
                    "duplicate " + field + " other",
                    method,
                    path,
                    valid.replaceFirst("^\\{", "{\"" + field + "\":" + (value.isNumber() ? "99" : "\"zz\"") + ","),
                    auth);
            // Wrong types.
            List<String> wrong = new ArrayList<>(List.of("true", "{}", "{\"$gt\":\"\"}", "[[]]"));
            if (!value.isTextual()) {
                wrong.add("\"5\"");
            }
            if (!value.isNumber()) {
                wrong.add("7");
                wrong.add("7.5");
            }
            if (!value.isArray()) {
                wrong.add("[]");
                wrong.add("[" + copy + "]");
            } else {
                wrong.add("[1]");
                wrong.add("[{}]");
                wrong.add("[true]");
                wrong.add("\"spoiler\"");
            }
            if (value.isIntegralNumber()) {
                wrong.add("1.5");
                wrong.add("1e2");
                wrong.add("1.0");
            }
            for (String w : wrong) {
                add(route, "type " + field + "=" + w, method, path, replace(object, field, w), auth);
            }
            if (value.isNumber()) {
                for (String n : List.of(
                        "1e400",
                        "-1e400",
                        "99999999999999999999",
                        "-99999999999999999999",
                        "9".repeat(400),
                        "1" + "0".repeat(5000),
                        "0.000000000000000000000000001")) {
                    add(route, "number " + field + "=" + abbreviate(n), method, path, replace(object, field, n), auth);
                }
            }
            if (value.isTextual()) {
                stringVariants(route, method, path, object, field, value.asText(), auth, UnaryOperator.identity());
            }
            if (value.isArray() && !value.isEmpty() && value.get(0).isTextual()) {
                String first = value.get(0).asText();
                stringVariants(route, method, path, object, field, first, auth, s -> "[" + s + "]");
            }
        }
        // Over the 64 KB the functions read: a valid body padded with an unknown field.
        String pad = valid.replaceFirst("}$", ",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
        add(route, "oversized 70KB", method, path, pad, auth);
        add(route, "oversized 1MB", method, path, "[" + "1,".repeat(512 * 1024) + "1]", auth);
        // Wrong content types, each with a body that is not JSON either.
        String form = formOf(object);
        add(
                route,
                "form",
                method,
                path,
                "application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.UTF_8),
                auth,
                List.of());
        add(
                route,
                "form malformed",
                method,
                path,
                "application/x-www-form-urlencoded",
                "%%%&=&a=%ZZ".getBytes(StandardCharsets.UTF_8),
                auth,
                List.of());
        add(route, "text/plain", method, path, "text/plain", form.getBytes(StandardCharsets.UTF_8), auth, List.of());
        add(
                route,
                "xml",
                method,
                path,
                "application/xml",
                "<request><quantity>1</quantity></request>".getBytes(StandardCharsets.UTF_8),
                auth,
                List.of());
        add(
                route,
                "multipart",
                method,
                path,
                "multipart/form-data; boundary=xx",
                "--xx\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n1\r\n--xx--\r\n"
                        .getBytes(StandardCharsets.UTF_8),
                auth,
                List.of());
        add(
                route,
                "no content-type, not JSON",
                method,
                path,
                null,
                form.getBytes(StandardCharsets.UTF_8),
                auth,
                List.of());
        add(
                route,
                "json content-type with charset, not JSON",
                method,
                path,
                "application/json; charset=utf-8",
                form.getBytes(StandardCharsets.UTF_8),
                auth,
                List.of());
    }

    /** Controls, lone surrogates and overlong text in one string field (or the first element of a string list). */
    private void stringVariants(
            String route,
            String method,
            String path,
            ObjectNode object,
            String field,
            String value,
            boolean auth,
            UnaryOperator<String> wrap) {
        String plain = value.isEmpty() ? "x" : value;
        int middle = plain.length() / 2;
        for (String c : CONTROLS) {
            String text = "\"" + plain.substring(0, middle) + c + plain.substring(middle) + "\"";
            add(route, "control " + field + " " + c, method, path, replace(object, field, wrap.apply(text)), auth);
        }
        add(
                route,
                "control " + field + " only NUL",
                method,
                path,
                replace(object, field, wrap.apply("\"\\u0000\"")),
                auth);
        // Controls Java's isBlank() counts as white space: must be refused, not read as an absent optional field.
        add(
                route,
                "control " + field + " only US",
                method,
                path,
                replace(object, field, wrap.apply("\"\\u001f\"")),
                auth);
        add(
                route,
                "control " + field + " only VT FF",
                method,
                path,
                replace(object, field, wrap.apply("\" \\u000b\\u000c \"")),
                auth);
        add(
                route,
                "overlong " + field,
                method,
                path,
                replace(object, field, wrap.apply("\"" + "x".repeat(5000) + "\"")),
                auth);
        add(
                route,
                "overlong " + field + " emoji",
                method,
                path,
                replace(object, field, wrap.apply("\"" + "😀".repeat(3000) + "\"")),
                auth);
        if (CHAT_TEXT.contains(route + " " + field)) {
            for (String c : BIDI) {
                String text = "\"" + plain.substring(0, middle) + c + plain.substring(middle) + "\"";
                add(route, "bidi " + field + " " + c, method, path, replace(object, field, wrap.apply(text)), auth);
            }
            if (field.equals("name")) {
                for (String name : LOOK_ALIKE_NAMES) {
                    add(
                            route,
                            "look-alike " + field + " " + name,
                            method,
                            path,
                            replace(object, field, wrap.apply("\"" + name + "\"")),
                            auth);
                }
            }
        }
        if (!OPTIONAL.contains(field)) { // "" for an optional field means "absent": a valid request
            add(route, "empty " + field, method, path, replace(object, field, wrap.apply("\"\"")), auth);
        }
    }

    // ------------------------------------------------------------------ paths, headers, auth

    private void pathVariants(String route, String method, String template, String body, boolean auth) {
        Matcher m = PARAM.matcher(template);
        while (m.find()) {
            String param = m.group(1);
            List<String> tricks = new ArrayList<>(PATH_TRICKS);
            if (!param.equals("sku")) {
                tricks.addAll(UUID_TRICKS);
            }
            for (String trick : tricks) {
                add(
                        route,
                        "path " + param + "=" + abbreviate(trick),
                        method,
                        fill(template, Map.of(param, trick)),
                        body,
                        auth);
            }
            for (String trick : RAW_TRICKS) {
                cases.add(new Case(
                        route,
                        "raw path " + param + "=" + trick,
                        method,
                        fill(template, Map.of(param, trick)),
                        true,
                        body == null ? null : "application/json",
                        body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                        headers(route, body, auth)));
            }
        }
        String path = fill(template, Map.of());
        // Tricks on the whole path: they must not reach another route.
        for (String p : List.of(
                path + "/",
                path + "//",
                path + "/..",
                path + "/extra",
                path + "%2F",
                path + ";x=1",
                path.replaceFirst("^/", "//"),
                path.toUpperCase(java.util.Locale.ROOT),
                path + "%00",
                path + "/%2e%2e/%2e%2e")) {
            if (!p.equals(path)) {
                add(route, "whole path " + abbreviate(p), method, p, body, auth);
            }
        }
    }

    private void headerVariants(String route, String method, String path, String body, boolean auth) {
        List<List<String>> oversized = List.of(
                List.of("x-fuzz", "a".repeat(20_000)), List.of("cookie", "c=" + "b".repeat(64_000)), manyHeaders(300));
        for (List<String> h : oversized) {
            List<String> all = new ArrayList<>(headers(route, body, auth));
            all.addAll(h);
            cases.add(new Case(
                    route,
                    "oversized header " + h.get(0) + (h.size() > 2 ? " x" + h.size() / 2 : ""),
                    method,
                    path,
                    false,
                    body == null ? null : "application/json",
                    bytes(body),
                    all));
        }
        if (auth) {
            List<String> all = new ArrayList<>(headers(route, body, false));
            all.addAll(List.of("authorization", "Bearer " + "e".repeat(20_000)));
            cases.add(new Case(
                    route,
                    "oversized authorization",
                    method,
                    path,
                    false,
                    body == null ? null : "application/json",
                    bytes(body),
                    all));
        }
        // A page on another site that rebinds its name to 127.0.0.1 (421 before anything runs), and a client's own
        // guess at the CDN's origin secret and viewer address next to a foreign Host (the local CDN drops the guess).
        List<String> rebound = new ArrayList<>(headers(route, body, auth));
        rebound.addAll(List.of(
                "Host", "rebind.example", "X-Origin-Verify", "guess", "CloudFront-Viewer-Address", "198.51.100.7:1"));
        cases.add(new Case(
                route,
                "foreign Host",
                method,
                path,
                true,
                body == null ? null : "application/json",
                bytes(body),
                rebound));
        // A route's own required headers, wrong.
        if (route.equals("POST /orders")) {
            for (String key : List.of("", " ", "has space", "k".repeat(129), "ctl\u0001x", "a\u007fb")) {
                cases.add(new Case(
                        route,
                        "idempotency-key " + abbreviate(key),
                        method,
                        path,
                        false,
                        "application/json",
                        bytes(body),
                        key.isEmpty() ? List.of() : List.of("idempotency-key", key)));
            }
            // Not ASCII: over a raw socket as UTF-8 bytes (the JDK client would send each as '?', a valid key).
            cases.add(new Case(
                    route,
                    "idempotency-key non-ASCII",
                    method,
                    path,
                    true,
                    "application/json",
                    bytes(body),
                    List.of("idempotency-key", "ünï-" + sequence++)));
        }
        if (route.equals("POST /sessions/{sessionId}/messages")) {
            String tampered = f.ticket().substring(0, f.ticket().length() - 2)
                    + (f.ticket().endsWith("AA") ? "BB" : "AA");
            for (String t :
                    List.of("none", "", "garbage", "a.b.c", tampered, f.ticket() + "x", "x".repeat(4000), "\u0001")) {
                cases.add(new Case(
                        route,
                        "ticket " + abbreviate(t),
                        method,
                        path,
                        false,
                        "application/json",
                        bytes(body),
                        t.equals("none") ? List.of() : List.of("x-chat-ticket", t)));
            }
        }
        if (route.equals("POST /payments/webhook")) {
            long now = java.time.Instant.now().getEpochSecond();
            String good = signature(now, body);
            for (String s : List.of(
                    "none",
                    "",
                    "garbage",
                    "t=" + now,
                    "v1=" + good.substring(good.indexOf("v1=") + 3),
                    "t=" + now + ",v1=00",
                    "t=" + now + ",v1=zz",
                    signature(now - 3600, body),
                    signature(now + 3600, body),
                    "t=abc," + good.substring(good.indexOf("v1=")),
                    "t=" + now + ",v1=" + "0".repeat(64),
                    good + "x")) {
                cases.add(new Case(
                        route,
                        "signature " + abbreviate(s),
                        method,
                        path,
                        false,
                        "application/json",
                        bytes(body),
                        s.equals("none") ? List.of() : List.of("x-signature", s)));
            }
        }
        if (route.equals("GET /orders/{orderId}")) {
            for (String t : List.of("garbage", "", "\u0001", "x".repeat(4000))) {
                cases.add(new Case(
                        route,
                        "order token " + abbreviate(t),
                        method,
                        path,
                        false,
                        null,
                        null,
                        List.of("x-order-token", t)));
            }
            cases.add(new Case(
                    route,
                    "bearer non-host",
                    method,
                    path,
                    false,
                    null,
                    null,
                    List.of("authorization", "Bearer " + f.nonHostToken())));
            cases.add(new Case(
                    route,
                    "bearer garbage",
                    method,
                    path,
                    false,
                    null,
                    null,
                    List.of("authorization", "Bearer x.y.z")));
        }
    }

    private void authVariants(String route, String method, String path, String body) {
        String token = f.hostToken();
        String[] parts = token.split("\\.");
        String forged =
                parts[0] + "." + parts[1] + "." + (parts[2].startsWith("A") ? "B" : "A") + parts[2].substring(1);
        String unsigned = parts[0] + "." + parts[1] + ".";
        String noneAlg = java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("no authorization", null);
        variants.put("empty", "");
        variants.put("Bearer", "Bearer");
        variants.put("Bearer garbage", "Bearer garbage");
        variants.put("Bearer x.y.z", "Bearer x.y.z");
        variants.put("forged signature", "Bearer " + forged);
        variants.put("no signature", "Bearer " + unsigned);
        variants.put("alg none", "Bearer " + noneAlg);
        variants.put("Basic", "Basic dXNlcjpwYXNz");
        variants.put("token without scheme", token + "x");
        variants.put("non-host user", "Bearer " + f.nonHostToken());
        variants.put("control char", "Bearer \u0001" + token);
        for (Map.Entry<String, String> v : variants.entrySet()) {
            List<String> h = new ArrayList<>(headers(route, body, false));
            if (v.getValue() != null) {
                h.add("authorization");
                h.add(v.getValue());
            }
            cases.add(new Case(
                    route,
                    "auth " + v.getKey(),
                    method,
                    path,
                    false,
                    body == null ? null : "application/json",
                    bytes(body),
                    h));
        }
    }

    // ------------------------------------------------------------------ helpers

    private void add(String route, String variant, String method, String path, String body, boolean auth) {
        add(route, variant, method, path, body == null ? null : "application/json", bytes(body), auth, List.of());
    }

    private void add(
            String route,
            String variant,
            String method,
            String path,
            String contentType,
            byte[] body,
            boolean auth,
            List<String> extra) {
        String text = body == null ? null : new String(body, StandardCharsets.UTF_8);
        List<String> h = new ArrayList<>(headers(route, text, auth));
        h.addAll(extra);
        cases.add(new Case(route, variant, method, path, false, contentType, body, h));
    }

    /** What a route needs besides its body: the host token, a fresh Idempotency-Key, the ticket, a valid signature. */
    private List<String> headers(String route, String body, boolean auth) {
        List<String> h = new ArrayList<>();
        if (auth) {
            h.add("authorization");
            h.add("Bearer " + f.hostToken());
        }
        switch (route) {
            case "POST /orders" -> {
                h.add("idempotency-key");
                h.add("fuzz-" + sequence++);
            }
            case "POST /sessions/{sessionId}/messages" -> {
                h.add("x-chat-ticket");
                h.add(f.ticket());
            }
            case "POST /payments/webhook" -> {
                h.add("x-signature");
                h.add(signature(java.time.Instant.now().getEpochSecond(), body == null ? "" : body));
            }
            default -> {}
        }
        return h;
    }

    private String signature(long t, String body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(
                    f.webhookSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] sig = mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + t + ",v1=" + java.util.HexFormat.of().formatHex(sig);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String fill(String template, Map<String, String> overrides) {
        Matcher m = PARAM.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = overrides.containsKey(name)
                    ? overrides.get(name)
                    : switch (name) {
                        case "sku" -> f.sku();
                        case "sessionId" -> f.sessionId();
                        case "cartId" -> f.cartId();
                        default -> "6f1c2a9e-1b1d-4c8e-9a51-0d2b3c4d5e6f"; // orderId, messageId: well formed, unknown
                    };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The object with {@code field}'s value replaced by the raw JSON text {@code json} (which may be invalid). */
    private static String replace(ObjectNode object, String field, String json) {
        ObjectNode copy = object.deepCopy();
        String marker = "\u0001MARK\u0001";
        copy.put(field, marker);
        return Json.write(copy).replace("\"" + "\\u0001MARK\\u0001" + "\"", json);
    }

    private static String formOf(ObjectNode object) {
        List<String> pairs = new ArrayList<>();
        object.properties()
                .forEach(e -> pairs.add(e.getKey() + "="
                        + java.net.URLEncoder.encode(
                                e.getValue().isTextual()
                                        ? e.getValue().asText()
                                        : e.getValue().toString(),
                                StandardCharsets.UTF_8)));
        return String.join("&", pairs);
    }

    private static List<String> manyHeaders(int n) {
        List<String> h = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            h.add("x-fuzz-" + i);
            h.add("v".repeat(100));
        }
        return h;
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String abbreviate(String s) {
        String flat = s.replaceAll("\\p{Cntrl}", "?");
        return flat.length() > 40 ? flat.substring(0, 20) + "…(" + flat.length() + ")" : flat;
    }
}
