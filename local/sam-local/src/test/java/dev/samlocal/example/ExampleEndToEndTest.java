package dev.samlocal.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.samlocal.Options;
import dev.samlocal.SamLocal;
import dev.samlocal.lambda.LocalFunction;
import dev.samlocal.spi.DevLayer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * sam-local serving a SAM project that is not this repository's product (src/test/resources/example/template.yaml),
 * with no dev layer: what another Java SAM project gets. A note posted over HTTP is stored, the table's stream hands it
 * to the indexer, the indexer puts {@code NoteIndexed} on the notes bus, and the bus's rule sends it back to the notes
 * function, which marks the note indexed: every hop through the real SDK clients and the local services.
 */
class ExampleEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static SamLocal stack;

    @BeforeAll
    static void start() throws Exception {
        Path template = Path.of(
                ExampleEndToEndTest.class.getResource("/example/template.yaml").toURI());
        stack = SamLocal.start(
                Options.ephemeral().withTemplate(template).withSeed(false).withSchedules(false), new DevLayer() {});
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aNotePostedOverHttpIsIndexedThroughTheTablesStreamAndTheBusRule() throws Exception {
        HttpResponse<String> created = send("POST", "/notes", "{\"text\":\"buy milk and eggs\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = json(created.body()).get("id").asText();
        assertThat(created.headers().firstValue("location")).hasValue("/notes/" + id);

        JsonNode note = awaitIndexed(id);
        assertThat(note.get("text").asText()).isEqualTo("buy milk and eggs");
        assertThat(note.get("words").asInt()).isEqualTo(4);

        // Marking the note indexed is a MODIFY on the table: the stream's filter (INSERT only) keeps it from the
        // indexer,
        // so the note was indexed once, not in a loop.
        stack.streams().awaitIdle(WAIT);
        assertThat(stack.eventBridge().awaitDeliveries(WAIT.toMillis())).isTrue();
        assertThat(stack.eventBridge().events("NoteIndexed"))
                .filteredOn(event -> event.path("detail").path("id").asText().equals(id))
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.path("source").asText()).isEqualTo("notes.indexer");
                    assertThat(event.path("eventBusName").asText()).isEqualTo("notes-bus");
                });
    }

    @Test
    void eachFunctionGetsItsEnvironmentResolvedFromTheTemplateAndTheLocalEndpoints() {
        Map<String, String> indexer = function("IndexerFunction").environment();
        assertThat(indexer)
                .containsEntry("NOTES_TABLE", "NotesTable") // Globals, !Ref of a table: its name
                .containsEntry(
                        "EVENT_BUS", "arn:aws:events:us-east-1:000000000000:event-bus/notes-bus") // !GetAtt Bus.Arn
                .containsEntry("EVENT_SOURCE", "notes.indexer") // !Sub with a parameter's default
                .containsEntry("AWS_ENDPOINT_URL_EVENTBRIDGE", stack.url() + "/_local/aws/events")
                .containsKey("AWS_ENDPOINT_URL_DYNAMODB")
                .containsEntry("AWS_REGION", "us-east-1");
        assertThat(function("NotesFunction").environment())
                .containsEntry("NOTES_TABLE", "NotesTable")
                .doesNotContainKey("EVENT_BUS");
    }

    @Test
    void theIndexListsTheTemplatesFunctionsRoutesRuleAndStreamSource() throws Exception {
        HttpResponse<String> answer = send("GET", "/_local", null);
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode index = json(answer.body());

        assertThat(texts(index.get("functions"), "logicalId"))
                .containsExactlyInAnyOrder("NotesFunction", "IndexerFunction");
        assertThat(texts(index.get("routes"), "routeKey")).containsExactlyInAnyOrder("POST /notes", "GET /notes/{id}");
        assertThat(texts(index.get("routes"), "function")).containsOnly("NotesFunction");
        JsonNode rule = single(index.get("rules"));
        assertThat(rule.get("name").asText()).isEqualTo("NotesFunction-NoteIndexed");
        assertThat(rule.get("function").asText()).isEqualTo("NotesFunction");
        assertThat(rule.get("bus").asText()).isEqualTo("notes-bus");
        JsonNode stream = single(index.get("streams"));
        assertThat(stream.get("function").asText()).isEqualTo("IndexerFunction");
        assertThat(stream.get("table").asText()).isEqualTo("NotesTable");
        assertThat(stream.get("startingPosition").asText()).isEqualTo("TRIM_HORIZON");
        assertThat(stream.get("filters").toString()).isEqualTo("[{\"eventName\":[\"INSERT\"]}]");
    }

    @Test
    void anUnknownRouteIsApiGatewaysJson404AndTheFunctionsOwnRefusalsPassThrough() throws Exception {
        HttpResponse<String> unknown = send("GET", "/nope", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(json(unknown.body()).get("message").asText()).isEqualTo("Not Found");
        assertThat(json(unknown.body()).path("error").path("code").asText()).isEqualTo("NOT_FOUND");

        HttpResponse<String> blank = send("POST", "/notes", "{\"text\":\"  \"}");
        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(json(blank.body()).path("error").path("code").asText()).isEqualTo("BAD_REQUEST");

        HttpResponse<String> missing = send("GET", "/notes/no-such-note", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing.body()).path("error").path("code").asText()).isEqualTo("NOTE_NOT_FOUND");
    }

    private static JsonNode awaitIndexed(String id) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            HttpResponse<String> answer = send("GET", "/notes/" + id, null);
            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode note = json(answer.body());
            if (note.get("indexed").asBoolean()) {
                return note;
            }
            assertThat(System.nanoTime())
                    .as("note %s indexed within %s", id, WAIT)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static LocalFunction function(String logicalId) {
        return stack.functions().stream()
                .filter(f -> f.logicalId().equals(logicalId))
                .findFirst()
                .orElseThrow();
    }

    private static HttpResponse<String> send(String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(stack.url() + path)).timeout(WAIT);
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    private static List<String> texts(JsonNode array, String field) {
        assertThat(array).as("a list").isNotNull();
        return StreamSupport.stream(array.spliterator(), false)
                .map(item -> item.path(field).asText())
                .toList();
    }

    private static JsonNode single(JsonNode array) {
        assertThat(array).as("a list").isNotNull().hasSize(1);
        return array.get(0);
    }
}
