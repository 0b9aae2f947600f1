package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.liveshop.chat.service.StockSignal;
import com.liveshop.shared.catalog.CatalogKeys;
import com.liveshop.shared.config.AppConfig;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Catalog table stream (filtered to stock items in template.yaml): the latest availability per sku in the
 * batch goes to {@link StockSignal}, which tells the live sessions that feature it.
 */
public class StockSignalHandler implements RequestHandler<DynamodbEvent, Void> {

    private static final String PRODUCT_PREFIX = CatalogKeys.productPk("");

    private final StockSignal signal;

    public StockSignalHandler() {
        this(AppConfig.fromEnvironment());
    }

    public StockSignalHandler(AppConfig config) {
        this(new ChatWiring(config).stockSignal(Clock.systemUTC()));
    }

    public StockSignalHandler(StockSignal signal) {
        this.signal = signal;
    }

    @Override
    public Void handleRequest(DynamodbEvent event, Context context) {
        signal.changed(latestAvailability(event));
        return null;
    }

    /** sku → available after the last change of that sku in the batch (records are in order per item). */
    static Map<String, Long> latestAvailability(DynamodbEvent event) {
        Map<String, Long> latest = new LinkedHashMap<>();
        if (event == null || event.getRecords() == null) {
            return latest;
        }
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            if (record.getDynamodb() == null || record.getDynamodb().getNewImage() == null) {
                continue;
            }
            Map<String, AttributeValue> image = record.getDynamodb().getNewImage();
            String pk = text(image.get(CatalogKeys.PK));
            Long available = number(image.get(CatalogKeys.AVAILABLE));
            if (pk != null && pk.startsWith(PRODUCT_PREFIX) && CatalogKeys.STOCK_SK.equals(text(image.get(CatalogKeys.SK)))
                    && available != null) {
                latest.put(pk.substring(PRODUCT_PREFIX.length()), available);
            }
        }
        return latest;
    }

    private static String text(AttributeValue value) {
        return value == null ? null : value.getS();
    }

    private static Long number(AttributeValue value) {
        return value == null || value.getN() == null ? null : Long.parseLong(value.getN());
    }
}
