package com.liveshop.shared.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import org.junit.jupiter.api.Test;

/** What every route gets from the shared body parsing and text checks. */
class InputHygieneTest {

    record Restock(Long quantity) {}

    record Named(String name) {}

    private static HttpRequest request(String body) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setBody(body);
        return new HttpRequest(event);
    }

    private static void assertRefused(Runnable call, String code, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    @Test
    void aDuplicateKeyIsInvalidJsonNotLastOneWins() {
        assertRefused(() -> request("{\"quantity\":1,\"quantity\":99}").bodyAs(Restock.class), "INVALID_JSON", "JSON");
        assertRefused(() -> request("{\"a\":{\"b\":1,\"b\":2}}").bodyAs(Restock.class), "INVALID_JSON", "JSON");
        assertThat(request("{\"quantity\":1}").bodyAs(Restock.class).quantity()).isEqualTo(1);
    }

    @Test
    void controlCharactersAndUnpairedSurrogatesAreRefusedNamingTheField() {
        for (String bad : new String[] {
            "Tro\u0000ll",
            "a\u0007b",
            "a\u001bb",
            "a\u007fb",
            "a\u0085b",
            "a\u009fb",
            "a\tb",
            "a\nb",
            "\ud800",
            "x\udc00y",
            "end\ud83d"
        }) {
            assertRefused(() -> Validation.requireText("name", bad, 30), "INVALID_FIELD", "'name'");
        }
        // A lone surrogate escaped in JSON arrives as one char: refused too.
        String parsed = request("{\"name\":\"\\ud800\"}").bodyAs(Named.class).name();
        assertRefused(() -> Validation.requireText("name", parsed, 30), "INVALID_FIELD", "unpaired surrogate");
    }

    @Test
    void cleanTextPassesAndMultilineTextKeepsItsLines() {
        assertThat(Validation.requireText("name", "  Zoë 😀 ✓ ", 30)).isEqualTo("Zoë 😀 ✓");
        assertThat(Validation.requireMultilineText("text", "line one\n\tline two\r\nthree", 100))
                .isEqualTo("line one\n\tline two\r\nthree");
        assertRefused(() -> Validation.requireMultilineText("text", "a\u0000b", 100), "INVALID_FIELD", "'text'");
        assertRefused(() -> Validation.requireEmail("email", "me\u0000@example.com"), "INVALID_FIELD", "'email'");
    }

    @Test
    void anOptionalFieldOfOnlyControlsThatJavaCountsAsWhiteSpaceIsRefusedNotReadAsAbsent() {
        // String.isBlank() is true for U+000B, U+000C and U+001C-U+001F: they used to pass as "no description".
        for (String bad : new String[] {"\u001f", "\u001c\u001d", "\u000b", " \u000c "}) {
            assertRefused(() -> Validation.optionalText("imageUrl", bad, 100), "INVALID_FIELD", "'imageUrl'");
            assertRefused(
                    () -> Validation.optionalMultilineText("description", bad, 100), "INVALID_FIELD", "'description'");
        }
        assertThat(Validation.optionalText("imageUrl", "   ", 100)).isNull();
        assertThat(Validation.optionalMultilineText("description", " \n\t ", 100))
                .isNull();
        assertThat(Validation.optionalText("imageUrl", null, 100)).isNull();
    }
}
