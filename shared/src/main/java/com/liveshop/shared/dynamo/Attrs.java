package com.liveshop.shared.dynamo;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Helpers for low-level DynamoDB attribute maps, used by the repositories that write conditional updates and
 * transactions by hand. Every table of template.yaml keys its items by {@code pk} and {@code sk}.
 */
public final class Attrs {

    public static final String PK = "pk";
    public static final String SK = "sk";

    private Attrs() {}

    public static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** The string attribute, or null when the item or the attribute is absent. */
    public static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item == null ? null : item.get(name);
        return v == null ? null : v.s();
    }

    /** The number attribute, or 0 when absent. */
    public static long num(Map<String, AttributeValue> item, String name) {
        Long v = optNum(item, name);
        return v == null ? 0 : v;
    }

    /** An image of a DynamodbEvent stream record (Lambda's event model) as SDK attribute values; empty when absent. */
    public static Map<String, AttributeValue> ofStreamImage(
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        return image == null
                ? Map.of()
                : com.amazonaws.services.lambda.runtime.events.transformers.v2.dynamodb
                        .DynamodbAttributeValueTransformer.toAttributeValueMapV2(image);
    }

    /** The number attribute, or null when absent. */
    public static Long optNum(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item == null ? null : item.get(name);
        return v == null || v.n() == null ? null : Long.parseLong(v.n());
    }
}
