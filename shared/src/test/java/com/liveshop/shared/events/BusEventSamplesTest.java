package com.liveshop.shared.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The bus contract against events-samples/ (the files `sam local invoke -e` and the functions' tests use): every sample
 * of ours reads into its record, and the record writes back the very same detail.
 */
class BusEventSamplesTest {

    private static final Path SAMPLES = Path.of("..", "events-samples");

    private static List<Path> ourSamples() throws IOException {
        try (Stream<Path> files = Files.walk(SAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".json"))
                    .filter(p -> BusEvent.SOURCE.equals(read(p).path("source").asText()))
                    .sorted()
                    .toList();
        }
    }

    private static JsonNode read(Path file) {
        try {
            return Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everySampleOfOursReadsIntoItsRecordAndWritesBackTheSameDetail() throws IOException {
        List<Path> samples = ourSamples();
        assertThat(samples)
                .extracting(p -> p.getFileName().toString())
                .contains("session-live.json", "session-ended.json", "highlight-featured.json");
        for (Path file : samples) {
            JsonNode sample = read(file);
            Map<String, Object> delivered =
                    Json.MAPPER.convertValue(sample, new TypeReference<Map<String, Object>>() {});
            BusEvent event = BusEvents.read(delivered).orElseThrow(() -> new AssertionError(file + " does not read"));
            assertThat(event)
                    .as(file.toString())
                    .isInstanceOf(BusEvents.TYPES.get(sample.path("detail-type").asText()));
            assertThat(event.detailType()).isEqualTo(sample.path("detail-type").asText());
            assertThat(Json.MAPPER.readTree(Json.write(event)))
                    .as(file.toString())
                    .isEqualTo(sample.path("detail"));
        }
    }

    @Test
    void eventsOfOtherSourcesOrTypesAndDetailsThatDoNotReadAreNotOurs() {
        Map<String, Object> detail =
                Map.of("sessionId", "4b9e2a7c-1f3d-4c5e-9a8b-7d6e5f4a3b2c", "endedAt", "2026-11-29T18:01:00Z");
        assertThat(BusEvents.read(delivered("liveshop", "SessionEnded", detail), SessionEnded.class))
                .isPresent();
        assertThat(BusEvents.read(delivered("liveshop", "SessionEnded", detail), SessionLive.class))
                .isEmpty();
        assertThat(BusEvents.read(delivered("aws.ivs", "SessionEnded", detail))).isEmpty();
        assertThat(BusEvents.read(delivered("liveshop", "Scheduled Event", detail)))
                .isEmpty();
        assertThat(BusEvents.read(delivered("liveshop", "SessionEnded", Map.of("endedAt", "yesterday"))))
                .isEmpty();
        assertThat(BusEvents.read(null)).isEmpty();
    }

    private static Map<String, Object> delivered(String source, String detailType, Map<String, Object> detail) {
        return Map.of("version", "0", "source", source, "detail-type", detailType, "detail", detail);
    }
}
