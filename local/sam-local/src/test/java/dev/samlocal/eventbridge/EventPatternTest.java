package dev.samlocal.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.core.Json;
import org.junit.jupiter.api.Test;

class EventPatternTest {

    private static final String IVS_EVENT = """
            {"version":"0","id":"1","detail-type":"IVS Stream State Change","source":"aws.ivs","account":"000000000000",
             "time":"2026-11-29T18:00:00Z","region":"us-east-1","resources":["arn:aws:ivs:us-east-1:000000000000:channel/abc"],
             "detail":{"event_name":"Stream Start","channel_name":"show-1","stream_id":"st-1","viewers":120,"tag":null}}""";

    private static boolean matches(String pattern) {
        try {
            return new EventPattern(Json.MAPPER.readTree(pattern)).matches(Json.MAPPER.readTree(IVS_EVENT));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void exactValuesInArrays() {
        assertThat(matches("{\"source\":[\"aws.ivs\"]}")).isTrue();
        assertThat(matches("{\"source\":[\"liveshop\",\"aws.ivs\"],\"detail-type\":[\"IVS Stream State Change\"]}")).isTrue();
        assertThat(matches("{\"source\":[\"liveshop\"]}")).isFalse();
        assertThat(matches("{\"detail\":{\"event_name\":[\"Stream End\"]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"viewers\":[120]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"tag\":[null]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"missing\":[null]}}")).isFalse();
    }

    @Test
    void arrayValuesMatchWhenAnyElementDoes() {
        assertThat(matches("{\"resources\":[\"arn:aws:ivs:us-east-1:000000000000:channel/abc\"]}")).isTrue();
        assertThat(matches("{\"resources\":[{\"prefix\":\"arn:aws:ivs:\"}]}")).isTrue();
        assertThat(matches("{\"resources\":[{\"prefix\":\"arn:aws:s3:\"}]}")).isFalse();
    }

    @Test
    void contentFilters() {
        assertThat(matches("{\"detail\":{\"event_name\":[{\"prefix\":\"Stream\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"event_name\":[{\"suffix\":\"Start\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"event_name\":[{\"equals-ignore-case\":\"stream start\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"channel_name\":[{\"wildcard\":\"show-*\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"event_name\":[{\"anything-but\":\"Stream Start\"}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"event_name\":[{\"anything-but\":[\"Stream End\",\"Session Ended\"]}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"event_name\":[{\"anything-but\":{\"prefix\":\"Stream\"}}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"stream_id\":[{\"exists\":true}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"recording_status\":[{\"exists\":false}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"recording_status\":[{\"exists\":true}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"viewers\":[{\"numeric\":[\">\",100,\"<=\",120]}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"viewers\":[{\"numeric\":[\"<\",100]}]}}")).isFalse();
    }

    @Test
    void orAlternatives() {
        assertThat(matches("{\"$or\":[{\"source\":[\"liveshop\"]},{\"detail\":{\"stream_id\":[\"st-1\"]}}]}")).isTrue();
        assertThat(matches("{\"$or\":[{\"source\":[\"liveshop\"]},{\"detail\":{\"stream_id\":[\"st-2\"]}}]}")).isFalse();
    }

    @Test
    void aPatternMustBeAnObject() {
        JsonNode array = Json.MAPPER.createArrayNode();
        assertThatThrownBy(() -> new EventPattern(array)).isInstanceOf(IllegalArgumentException.class);
    }
}
