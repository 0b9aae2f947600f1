package com.liveshop.shared.stats;

import static com.liveshop.shared.dynamo.Attrs.n;
import static com.liveshop.shared.dynamo.Attrs.optNum;
import static com.liveshop.shared.dynamo.Attrs.s;
import static com.liveshop.shared.dynamo.Attrs.str;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Where a hold came from: the show ({@code sessionId}) and the highlight that was on screen when it was placed (null
 * when none was, or the show was not live). An order line inherits its hold's origin; the stats function counts holds,
 * orders and revenue per show, product and highlight from it. Stored as the map attribute {@code origin} on hold items
 * and order lines.
 */
public record ShowOrigin(String sessionId, String highlightId, String highlightSku, Long highlightOffsetMs) {

    public static ShowOrigin of(String sessionId) {
        return new ShowOrigin(sessionId, null, null, null);
    }

    public boolean hasHighlight() {
        return highlightId != null;
    }

    public AttributeValue toAttribute() {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put("sessionId", s(sessionId));
        if (highlightId != null) {
            m.put("highlightId", s(highlightId));
            m.put("highlightSku", s(highlightSku));
            m.put("highlightOffsetMs", n(highlightOffsetMs == null ? 0 : highlightOffsetMs));
        }
        return AttributeValue.fromM(m);
    }

    /** The origin in an item's {@code origin} attribute, or null when it has none (a hold placed off-show). */
    public static ShowOrigin fromAttribute(AttributeValue value) {
        if (value == null || !value.hasM() || str(value.m(), "sessionId") == null) {
            return null;
        }
        Map<String, AttributeValue> m = value.m();
        return new ShowOrigin(
                str(m, "sessionId"), str(m, "highlightId"), str(m, "highlightSku"), optNum(m, "highlightOffsetMs"));
    }
}
