package dev.samlocal.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.samlocal.dynamodb.streams.StreamRecords;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** Our use of event-ruler: the patterns SAM templates write for rules and for stream FilterCriteria. */
class EventFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String IVS_EVENT = """
            {"version":"0","id":"1","detail-type":"IVS Stream State Change","source":"aws.ivs","account":"000000000000",
             "time":"2026-11-29T18:00:00Z","region":"us-east-1",
             "resources":["arn:aws:ivs:us-east-1:000000000000:channel/abc"],
             "detail":{"event_name":"Stream Start","channel_name":"show-1","stream_id":"st-1","viewers":120,"tag":null,
                       "recording":{"status":"on"}}}""";

    private static boolean matches(String event, String... patterns) {
        return filter(patterns).matches(read(event));
    }

    private static boolean matches(String pattern) {
        return matches(IVS_EVENT, pattern);
    }

    private static EventFilter filter(String... patterns) {
        return new EventFilter(
                Arrays.stream(patterns).map(EventFilterTest::read).toList());
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sourceAndDetailTypeLists() {
        assertThat(matches("{\"source\":[\"aws.ivs\"]}")).isTrue();
        assertThat(matches("{\"source\":[\"aws.ivs\"],\"detail-type\":"
                        + "[\"IVS Stream State Change\",\"IVS Recording State Change\"]}"))
                .isTrue();
        assertThat(matches("{\"source\":[\"liveshop\"],\"detail-type\":[\"SessionLive\",\"SessionEnded\"]}"))
                .isFalse();
        assertThat(matches("{\"source\":[\"aws.ivs\"],\"detail-type\":[\"IVS Recording State Change\"]}"))
                .isFalse();
    }

    @Test
    void exactValuesOfEveryJsonType() {
        assertThat(matches("{\"detail\":{\"event_name\":[\"Stream End\"]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"viewers\":[120]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"viewers\":[120.0]}}"))
                .as("numbers compare as numbers")
                .isTrue();
        assertThat(matches("{\"detail\":{\"viewers\":[\"120\"]}}"))
                .as("a string is not a number")
                .isFalse();
        assertThat(matches("{\"detail\":{\"tag\":[null]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"missing\":[null]}}"))
                .as("null is a value, not absence")
                .isFalse();
    }

    @Test
    void anArrayInTheEventMatchesWhenAnyElementDoes() {
        assertThat(matches("{\"resources\":[\"arn:aws:ivs:us-east-1:000000000000:channel/abc\"]}"))
                .isTrue();
        assertThat(matches("{\"resources\":[{\"prefix\":\"arn:aws:ivs:\"}]}")).isTrue();
        assertThat(matches("{\"resources\":[{\"prefix\":\"arn:aws:s3:\"}]}")).isFalse();
    }

    @Test
    void contentFilters() {
        assertThat(matches("{\"detail\":{\"event_name\":[{\"prefix\":\"Stream\"}]}}"))
                .isTrue();
        assertThat(matches("{\"detail\":{\"event_name\":[{\"suffix\":\"Start\"}]}}"))
                .isTrue();
        assertThat(matches("{\"detail\":{\"event_name\":[{\"equals-ignore-case\":\"stream start\"}]}}"))
                .isTrue();
        assertThat(matches("{\"detail\":{\"event_name\":[{\"prefix\":{\"equals-ignore-case\":\"stream\"}}]}}"))
                .isTrue();
        assertThat(matches("{\"detail\":{\"channel_name\":[{\"wildcard\":\"show-*\"}]}}"))
                .isTrue();
        assertThat(matches("{\"detail\":{\"viewers\":[{\"numeric\":[\">\",100,\"<=\",120]}]}}"))
                .isTrue();
        assertThat(matches("{\"detail\":{\"viewers\":[{\"numeric\":[\"<\",100]}]}}"))
                .isFalse();
    }

    @Test
    void anythingBut() {
        assertThat(matches("{\"detail\":{\"event_name\":[{\"anything-but\":\"Stream Start\"}]}}"))
                .isFalse();
        assertThat(matches("{\"detail\":{\"event_name\":[{\"anything-but\":[\"Stream End\",\"Session Ended\"]}]}}"))
                .isTrue();
        assertThat(matches("{\"detail\":{\"event_name\":[{\"anything-but\":{\"prefix\":\"Stream\"}}]}}"))
                .isFalse();
        assertThat(matches("{\"detail\":{\"missing\":[{\"anything-but\":\"x\"}]}}"))
                .as("an absent field is nothing")
                .isFalse();
    }

    @Test
    void existsLooksAtLeavesOnly() {
        assertThat(matches("{\"detail\":{\"stream_id\":[{\"exists\":true}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"recording_status\":[{\"exists\":false}]}}"))
                .isTrue();
        assertThat(matches("{\"detail\":{\"recording_status\":[{\"exists\":true}]}}"))
                .isFalse();
        // As EventBridge documents: a field that holds an object is not a leaf, so it does not "exist".
        assertThat(matches("{\"detail\":{\"recording\":[{\"exists\":true}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"recording\":{\"status\":[{\"exists\":true}]}}}"))
                .isTrue();
    }

    @Test
    void orAlternativesAndAnyOfSeveralPatterns() {
        assertThat(matches("{\"$or\":[{\"source\":[\"liveshop\"]},{\"detail\":{\"stream_id\":[\"st-1\"]}}]}"))
                .isTrue();
        assertThat(matches("{\"$or\":[{\"source\":[\"liveshop\"]},{\"detail\":{\"stream_id\":[\"st-2\"]}}]}"))
                .isFalse();
        assertThat(matches(IVS_EVENT, "{\"source\":[\"liveshop\"]}", "{\"detail\":{\"stream_id\":[\"st-1\"]}}"))
                .isTrue();
        assertThat(matches(IVS_EVENT, "{\"source\":[\"liveshop\"]}", "{\"detail\":{\"stream_id\":[\"st-2\"]}}"))
                .isFalse();
    }

    @Test
    void streamFilterCriteriaMatchTheRecordAsLambdaDeliversIt() {
        JsonNode holdInserted = streamRecord(
                OperationType.INSERT,
                null,
                Map.of(
                        "pk",
                        s("CART#c1"),
                        "sk",
                        s("HOLD#sku-1"),
                        "origin",
                        AttributeValue.fromM(Map.of("sessionId", s("s-1")))));
        JsonNode ttlDeleted = streamRecord(
                OperationType.REMOVE,
                Identity.builder()
                        .type("Service")
                        .principalId("dynamodb.amazonaws.com")
                        .build(),
                Map.of("pk", s("CART#c1"), "sk", s("HOLD#sku-1")));
        // Two of template.yaml's FilterCriteria (ShowStatsFunction, HoldReclaimFunction).
        String holdsFromAShow = "{\"eventName\":[\"INSERT\"],"
                + "\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[{\"prefix\":\"HOLD#\"}]}},"
                + "\"NewImage\":{\"origin\":{\"M\":{\"sessionId\":{\"S\":[{\"exists\":true}]}}}}}}";
        String ttlDeletions = "{\"eventName\":[\"REMOVE\"],"
                + "\"userIdentity\":{\"type\":[\"Service\"],\"principalId\":[\"dynamodb.amazonaws.com\"]},"
                + "\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[{\"prefix\":\"HOLD#\"}]}}}}";

        assertThat(filter(holdsFromAShow).matches(holdInserted)).isTrue();
        assertThat(filter(holdsFromAShow).matches(ttlDeleted)).isFalse();
        assertThat(filter(ttlDeletions).matches(ttlDeleted)).isTrue();
        assertThat(filter(ttlDeletions).matches(holdInserted)).isFalse();
        assertThat(filter("{\"dynamodb\":{\"NewImage\":{\"pk\":{\"S\":[{\"prefix\":\"CART#\"}]}}}}")
                        .matches(holdInserted))
                .isTrue();
        assertThat(filter("{\"dynamodb\":{\"NewImage\":{\"pk\":{\"S\":[{\"prefix\":\"ORDER#\"}]}}}}")
                        .matches(holdInserted))
                .isFalse();
        assertThat(EventFilter.NONE.matches(ttlDeleted))
                .as("no FilterCriteria: every record")
                .isTrue();
    }

    @Test
    void patternsEventBridgeRefusesAreRefused() {
        for (String bad : List.of(
                "[]",
                "{}",
                "{\"source\":\"aws.ivs\"}",
                "{\"source\":[]}",
                "{\"source\":[{\"starts-with\":\"aws\"}]}",
                "{\"detail\":{\"state\":[{\"anything-but\":[\"a\",1]}]}}")) {
            assertThatThrownBy(() -> filter(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Event pattern is not valid");
        }
    }

    private static JsonNode streamRecord(
            OperationType operation, Identity identity, Map<String, AttributeValue> image) {
        StreamRecord.Builder change = StreamRecord.builder()
                .keys(Map.of("pk", image.get("pk"), "sk", image.get("sk")))
                .sequenceNumber("100")
                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES);
        if (operation == OperationType.REMOVE) {
            change.oldImage(image);
        } else {
            change.newImage(image);
        }
        Record record = Record.builder()
                .eventID("e-1")
                .eventName(operation)
                .eventVersion("1.1")
                .awsRegion("us-east-1")
                .dynamodb(change.build())
                .userIdentity(identity)
                .build();
        return StreamRecords.toLambdaJson(
                record, "arn:aws:dynamodb:us-east-1:000000000000:table/Reservations/stream/1");
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
