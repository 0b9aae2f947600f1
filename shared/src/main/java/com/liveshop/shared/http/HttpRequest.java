package com.liveshop.shared.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.auth.AuthClaims;
import com.liveshop.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Read-only view of an HTTP API payload v2.0 event with the input checks every route needs. */
public final class HttpRequest {

    /** Bodies above this are refused with 413 before parsing. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final APIGatewayV2HTTPEvent event;
    private final Map<String, String> headers;
    private final boolean originVerified;

    /** A request that did not come through the CDN's origin check: its client is API Gateway's {@code sourceIp}. */
    public HttpRequest(APIGatewayV2HTTPEvent event) {
        this(event, false);
    }

    /**
     * {@code originVerified}: the request carried the CDN's secret origin header, so its viewer headers are
     * CloudFront's.
     */
    public HttpRequest(APIGatewayV2HTTPEvent event, boolean originVerified) {
        this.event = event;
        this.originVerified = originVerified;
        this.headers = event.getHeaders() == null
                ? Map.of()
                : event.getHeaders().entrySet().stream()
                        .filter(e -> e.getKey() != null && e.getValue() != null)
                        .collect(Collectors.toUnmodifiableMap(
                                e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue, (a, b) -> a));
    }

    public APIGatewayV2HTTPEvent event() {
        return event;
    }

    public String routeKey() {
        return event.getRouteKey();
    }

    /** A path parameter the route declares; missing or blank is a 400. */
    public String pathParam(String name) {
        String value = event.getPathParameters() == null
                ? null
                : event.getPathParameters().get(name);
        if (value == null || value.isBlank()) {
            throw ApiException.validation("Path parameter '" + name + "' is required");
        }
        return value;
    }

    public Optional<String> queryParam(String name) {
        Map<String, String> query = event.getQueryStringParameters();
        return Optional.ofNullable(query == null ? null : query.get(name)).filter(v -> !v.isEmpty());
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The caller's address as API Gateway saw it (requestContext.http.sourceIp); empty when absent. Behind the CDN this
     * is an edge server: per-client limits use {@link #clientAddress()}.
     */
    public String sourceIp() {
        var context = event.getRequestContext();
        return context == null || context.getHttp() == null || context.getHttp().getSourceIp() == null
                ? ""
                : context.getHttp().getSourceIp();
    }

    /** The client this request comes from, the key of every per-address limit ({@link ClientAddress}). */
    public String clientAddress() {
        return ClientAddress.of(originVerified, header(ClientAddress.VIEWER_ADDRESS_HEADER), sourceIp());
    }

    public AuthClaims claims() {
        return AuthClaims.from(event);
    }

    /** The raw body as sent (base64 decoded when API Gateway encoded it), at most {@link #MAX_BODY_BYTES}. */
    public String rawBody() {
        String body = event.getBody();
        if (body == null || body.isEmpty()) {
            throw ApiException.badRequest("INVALID_JSON", "A JSON request body is required");
        }
        byte[] bytes;
        if (event.getIsBase64Encoded()) {
            try {
                bytes = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("INVALID_BODY", "The body is not valid base64");
            }
        } else {
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "PAYLOAD_TOO_LARGE", "The body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Parses the body into {@code type} strictly: malformed JSON, a non-object and wrong types are 400 with a message
     * naming the field. Field-level rules (required, ranges) belong to the request record's {@code validate()}.
     */
    public <T> T bodyAs(Class<T> type) {
        String raw = rawBody();
        try {
            JsonNode node = Json.MAPPER.readTree(raw);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("INVALID_JSON", "The body must be a JSON object");
            }
            return Json.MAPPER.treeToValue(node, type);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw ApiException.badRequest(
                    "INVALID_FIELD",
                    field.isEmpty()
                            ? "The body does not have the expected shape"
                            : "Field '" + field + "' has the wrong type or value");
        } catch (InputCoercionException e) {
            throw ApiException.badRequest("INVALID_FIELD", "A number in the body is out of range");
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("INVALID_JSON", "The body is not valid JSON");
        }
    }
}
