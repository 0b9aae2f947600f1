package dev.samlocal.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The example's notes: {@code POST /notes} stores one, {@code GET /notes/{id}} reads it, and as the target of the
 * {@code NoteIndexed} rule it marks a note indexed. One function takes both an HTTP API payload v2.0 request (it has a
 * {@code routeKey}) and an EventBridge event (it has a {@code detail-type}): a stream handler, since a
 * {@code RequestHandler} has one input type.
 */
public final class NotesFunction implements RequestStreamHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TEXT_LENGTH = 1_000;

    private final DynamoDbClient dynamoDb;
    private final String table;

    /** How Lambda builds it: the process environment. */
    public NotesFunction() {
        this(System.getenv());
    }

    /** How sam-local builds it (and a test could): the function's environment as the template resolves it. */
    public NotesFunction(Map<String, String> environment) {
        this.dynamoDb = ExampleClients.dynamoDb(environment);
        this.table = ExampleClients.required(environment, "NOTES_TABLE");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        if (event.has("routeKey")) {
            JSON.writeValue(output, route(event));
        } else if (event.has("detail-type")) {
            markIndexed(event.path("detail"));
        } else {
            throw new IllegalArgumentException("Neither an HTTP API request nor an EventBridge event");
        }
    }

    private Map<String, Object> route(JsonNode request) {
        return switch (request.path("routeKey").asText()) {
            case "POST /notes" -> create(body(request));
            case "GET /notes/{id}" ->
                read(request.path("pathParameters").path("id").asText());
            default ->
                response(
                        404,
                        error(
                                "NOT_FOUND",
                                "No route " + request.path("routeKey").asText()));
        };
    }

    private Map<String, Object> create(String body) {
        String text;
        try {
            text = JSON.readTree(body).path("text").asText("");
        } catch (IOException e) {
            return response(400, error("BAD_REQUEST", "The body is not JSON"));
        }
        if (text.isBlank() || text.length() > MAX_TEXT_LENGTH) {
            return response(400, error("BAD_REQUEST", "text must be 1-" + MAX_TEXT_LENGTH + " characters"));
        }
        String id = UUID.randomUUID().toString();
        dynamoDb.putItem(r -> r.tableName(table)
                .item(Map.of(
                        "id", AttributeValue.fromS(id),
                        "text", AttributeValue.fromS(text),
                        "indexed", AttributeValue.fromBool(false))));
        return response(201, Map.of("location", "/notes/" + id), Map.of("id", id, "text", text, "indexed", false));
    }

    private Map<String, Object> read(String id) {
        Map<String, AttributeValue> item = dynamoDb.getItem(
                        r -> r.tableName(table).consistentRead(true).key(Map.of("id", AttributeValue.fromS(id))))
                .item();
        if (item == null || item.isEmpty()) {
            return response(404, error("NOTE_NOT_FOUND", "No note " + id));
        }
        Map<String, Object> note = new LinkedHashMap<>();
        note.put("id", id);
        note.put("text", item.get("text").s());
        note.put("indexed", item.get("indexed").bool());
        if (item.containsKey("words")) {
            note.put("words", Integer.parseInt(item.get("words").n()));
        }
        return response(200, note);
    }

    /** {@code detail}: {@code {"id": …, "words": n}} as the indexer puts it. */
    private void markIndexed(JsonNode detail) {
        try {
            dynamoDb.updateItem(r -> r.tableName(table)
                    .key(Map.of("id", AttributeValue.fromS(detail.path("id").asText())))
                    .updateExpression("SET #indexed = :true, #words = :words")
                    .conditionExpression("attribute_exists(#id)")
                    .expressionAttributeNames(Map.of("#indexed", "indexed", "#words", "words", "#id", "id"))
                    .expressionAttributeValues(Map.of(
                            ":true",
                            AttributeValue.fromBool(true),
                            ":words",
                            AttributeValue.fromN(
                                    String.valueOf(detail.path("words").asInt())))));
        } catch (ConditionalCheckFailedException noSuchNote) {
            // An event about a note that is not there (put by hand on the bus) must not create one.
        }
    }

    /** The request body as text: API Gateway base64-encodes a body it does not take for text. */
    private static String body(JsonNode request) {
        String body = request.path("body").asText("");
        return request.path("isBase64Encoded").asBoolean(false)
                ? new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8)
                : body;
    }

    private static Map<String, Object> response(int status, Object body) {
        return response(status, Map.of(), body);
    }

    /** A payload v2.0 response with a JSON body. */
    private static Map<String, Object> response(int status, Map<String, String> headers, Object body) {
        Map<String, String> allHeaders = new LinkedHashMap<>(headers);
        allHeaders.put("content-type", "application/json");
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("statusCode", status);
        response.put("headers", allHeaders);
        try {
            response.put("body", JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException("Not JSON: " + body, e);
        }
        return response;
    }

    private static Map<String, Object> error(String code, String message) {
        return Map.of("error", Map.of("code", code, "message", message));
    }
}
