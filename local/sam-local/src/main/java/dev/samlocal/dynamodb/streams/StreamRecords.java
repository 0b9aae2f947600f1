package dev.samlocal.dynamodb.streams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * DynamoDB Streams records as Lambda delivers them to a function: the JSON that the Java runtime reads into
 * {@code DynamodbEvent} (capitalised StreamRecord fields, AttributeValues as {@code {"S": …}}, binary as base64,
 * ApproximateCreationDateTime in epoch seconds). Filter criteria are matched against the same JSON.
 */
public final class StreamRecords {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StreamRecords() {}

    /** One record of the event's {@code Records} array. */
    public static ObjectNode toLambdaJson(Record record, String streamArn) {
        ObjectNode json = NODES.objectNode();
        json.put("eventID", record.eventID());
        json.put("eventName", record.eventNameAsString());
        json.put("eventVersion", record.eventVersion());
        json.put("eventSource", record.eventSource() == null ? "aws:dynamodb" : record.eventSource());
        json.put("awsRegion", record.awsRegion());
        StreamRecord change = record.dynamodb();
        ObjectNode dynamodb = json.putObject("dynamodb");
        if (change.approximateCreationDateTime() != null) {
            dynamodb.put(
                    "ApproximateCreationDateTime",
                    change.approximateCreationDateTime().getEpochSecond());
        }
        putImage(dynamodb, "Keys", change.keys(), change.hasKeys());
        putImage(dynamodb, "NewImage", change.newImage(), change.hasNewImage());
        putImage(dynamodb, "OldImage", change.oldImage(), change.hasOldImage());
        dynamodb.put("SequenceNumber", change.sequenceNumber());
        if (change.sizeBytes() != null) {
            dynamodb.put("SizeBytes", change.sizeBytes());
        }
        dynamodb.put("StreamViewType", change.streamViewTypeAsString());
        json.put("eventSourceARN", streamArn);
        if (record.userIdentity() != null) {
            json.putObject("userIdentity")
                    .put("type", record.userIdentity().type())
                    .put("principalId", record.userIdentity().principalId());
        }
        return json;
    }

    private static void putImage(ObjectNode parent, String name, Map<String, AttributeValue> image, boolean present) {
        if (present) {
            parent.set(name, image(image));
        }
    }

    static ObjectNode image(Map<String, AttributeValue> image) {
        ObjectNode json = NODES.objectNode();
        image.forEach((name, value) -> json.set(name, attribute(value)));
        return json;
    }

    static ObjectNode attribute(AttributeValue value) {
        ObjectNode json = NODES.objectNode();
        switch (value.type()) {
            case S -> json.put("S", value.s());
            case N -> json.put("N", value.n());
            case B -> json.put("B", base64(value.b()));
            case SS -> strings(json.putArray("SS"), value.ss());
            case NS -> strings(json.putArray("NS"), value.ns());
            case BS -> {
                ArrayNode sets = json.putArray("BS");
                value.bs().forEach(b -> sets.add(base64(b)));
            }
            case M -> json.set("M", image(value.m()));
            case L -> {
                ArrayNode list = json.putArray("L");
                value.l().forEach(v -> list.add(attribute(v)));
            }
            case BOOL -> json.put("BOOL", value.bool());
            case NUL -> json.put("NULL", true);
            default -> throw new IllegalArgumentException("Unknown attribute value type: " + value);
        }
        return json;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
    }
}
