package com.liveshop.shared.catalog;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stock-bucket records of a Catalog table stream batch (the functions that react to stock: stock frames, the
 * waitlist hand-out), in stream order. Records of other items, and deletes, are left out.
 */
public final class StockBucketChanges {

    /** One bucket's write: its sku and {@code available} before (0 for a new bucket) and after. */
    public record Change(String sku, long availableBefore, long availableAfter) {
        public boolean unitsBack() {
            return availableAfter > availableBefore;
        }
    }

    private static final String PRODUCT_PREFIX = CatalogKeys.productPk("");

    private StockBucketChanges() {}

    public static List<Change> of(DynamodbEvent event) {
        List<Change> changes = new ArrayList<>();
        if (event == null || event.getRecords() == null) {
            return changes;
        }
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            if (record.getDynamodb() == null || record.getDynamodb().getNewImage() == null) {
                continue;
            }
            Map<String, AttributeValue> now = record.getDynamodb().getNewImage();
            Map<String, AttributeValue> before = record.getDynamodb().getOldImage();
            String pk = text(now.get(CatalogKeys.PK));
            if (pk != null
                    && pk.startsWith(PRODUCT_PREFIX)
                    && CatalogKeys.bucketOf(text(now.get(CatalogKeys.SK))) >= 0) {
                changes.add(new Change(
                        pk.substring(PRODUCT_PREFIX.length()),
                        before == null ? 0 : number(before.get(CatalogKeys.AVAILABLE)),
                        number(now.get(CatalogKeys.AVAILABLE))));
            }
        }
        return changes;
    }

    private static String text(AttributeValue value) {
        return value == null ? null : value.getS();
    }

    private static long number(AttributeValue value) {
        return value == null || value.getN() == null ? 0 : Long.parseLong(value.getN());
    }
}
