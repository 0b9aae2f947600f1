package dev.samlocal.appsync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Channel path rules: a namespace and up to 4 segments of 1–50 letters, digits or dashes; {@code /*} only to subscribe.
 */
class ChannelPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/shows/abc", "shows/abc", "/carts/0b7c-4d1e", "/shows/a/b/c/d", "/shows"})
    void validChannels(String path) {
        assertThat(ChannelPath.parse(path, false)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/",
                "/shows/",
                "//abc",
                "/shows/a b",
                "/shows/a_b",
                "/shows/a.b",
                "/shows/a/b/c/d/e",
                "/shows/*"
            })
    void invalidPublishChannels(String path) {
        assertThat(ChannelPath.parse(path, false)).isEmpty();
    }

    @Test
    void segmentsAreAtMostFiftyCharacters() {
        assertThat(ChannelPath.parse("/shows/" + "x".repeat(50), false)).isPresent();
        assertThat(ChannelPath.parse("/shows/" + "x".repeat(51), false)).isEmpty();
    }

    @Test
    void aWildcardMatchesTheChannelsBelowItOnly() {
        ChannelPath all = ChannelPath.parse("/shows/*", true).orElseThrow();
        assertThat(all.matches(ChannelPath.parse("/shows/abc", false).orElseThrow()))
                .isTrue();
        assertThat(all.matches(ChannelPath.parse("/shows/abc/def", false).orElseThrow()))
                .isTrue();
        assertThat(all.matches(ChannelPath.parse("/shows", false).orElseThrow()))
                .isFalse();
        assertThat(all.matches(ChannelPath.parse("/carts/abc", false).orElseThrow()))
                .isFalse();
        assertThat(ChannelPath.parse("/shows/a/b/c/*", true)).isPresent();
        assertThat(ChannelPath.parse("/shows/a/b/c/d/*", true))
                .as("the wildcard counts as a segment")
                .isEmpty();
        assertThat(ChannelPath.parse("/shows/*/abc", true)).isEmpty();
    }

    @Test
    void anExactSubscriptionMatchesOnlyItsChannel() {
        ChannelPath one = ChannelPath.parse("/shows/abc", true).orElseThrow();
        assertThat(one.matches(ChannelPath.parse("shows/abc", false).orElseThrow()))
                .isTrue();
        assertThat(one.matches(ChannelPath.parse("/shows/abc/def", false).orElseThrow()))
                .isFalse();
    }
}
