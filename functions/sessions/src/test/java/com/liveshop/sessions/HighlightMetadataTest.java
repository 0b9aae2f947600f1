package com.liveshop.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.sessions.service.HighlightMetadata;
import com.liveshop.sessions.service.HighlightMetadata.Content;
import com.liveshop.shared.json.Json;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HighlightMetadataTest {

    static Stream<String> titles() {
        return Stream.of(
                "Cashmere Crew Sweater",
                "🧣".repeat(300),
                "雪のマフラー".repeat(100),
                "👩‍👩‍👧‍👦".repeat(60),
                "\"quoted\\\"".repeat(120),
                "a".repeat(2000),
                "x".repeat(57) + "😀".repeat(400),
                "\u0001\u0002".repeat(300));
    }

    private static Content content(String title, String imageUrl) {
        return new Content(
                "0b6f7c2e-4d1a-4f8e-9a53-2c7d1e9f8a10",
                "11111111-2222-3333-4444-555555555555",
                "sku-" + "s".repeat(60),
                title,
                100_000_000L,
                "USD",
                99_999_999L,
                "2026-11-29T18:30:00Z",
                imageUrl);
    }

    @ParameterizedTest
    @MethodSource("titles")
    void alwaysAtMostOneKilobyteOfValidJsonWithWholeCodePoints(String title) throws Exception {
        for (String image :
                new String[] {null, "https://img.example.com/a.jpg", "https://img.example.com/" + "é".repeat(1500)}) {
            String metadata = HighlightMetadata.build(content(title, image));
            assertThat(HighlightMetadata.utf8Length(metadata)).isLessThanOrEqualTo(HighlightMetadata.MAX_BYTES);
            JsonNode node = Json.MAPPER.readTree(metadata);
            assertThat(node.get("sku").asText()).startsWith("sku-");
            String shown = node.path("title").asText("");
            for (int i = 0; i < shown.length(); i++) {
                char c = shown.charAt(i);
                if (Character.isHighSurrogate(c)) {
                    assertThat(i + 1 < shown.length() && Character.isLowSurrogate(shown.charAt(i + 1)))
                            .as("pair at %d", i)
                            .isTrue();
                    i++;
                } else {
                    assertThat(Character.isLowSurrogate(c))
                            .as("lone low surrogate at %d", i)
                            .isFalse();
                }
            }
            String withoutEllipsis = shown.endsWith("\u2026") ? shown.substring(0, shown.length() - 1) : shown;
            assertThat(title).startsWith(withoutEllipsis.stripTrailing());
        }
    }

    @Test
    void shortTitlesAreSentWhole() {
        String metadata = HighlightMetadata.build(content("Wool Scarf", "https://img.example.com/s.jpg"));
        assertThat(metadata)
                .contains("\"title\":\"Wool Scarf\"")
                .contains("\"imageUrl\"")
                .doesNotContain("\u2026");
    }
}
