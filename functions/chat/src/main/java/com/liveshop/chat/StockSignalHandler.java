package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.liveshop.chat.service.StockSignal;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.catalog.StockBucketChanges;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.lambda.Invocation;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Catalog table stream (filtered to stock bucket items in template.yaml): the skus whose stock changed in the batch,
 * with their availability summed over all their buckets (one read per batch, the batching window keeps that to about
 * one a second), go to {@link StockSignal}, which tells the live sessions that feature them.
 */
public class StockSignalHandler implements RequestHandler<DynamodbEvent, Void> {

    private final StockSignal signal;
    private final ProductRepository products;

    public StockSignalHandler() {
        this(AppConfig.fromEnvironment());
    }

    public StockSignalHandler(AppConfig config) {
        this(new ChatWiring(config));
    }

    private StockSignalHandler(ChatWiring wiring) {
        this(wiring.stockSignal(Clock.systemUTC()), wiring.products());
    }

    public StockSignalHandler(StockSignal signal, ProductRepository products) {
        this.signal = signal;
        this.products = products;
    }

    @Override
    public Void handleRequest(DynamodbEvent event, Context context) {
        return Invocation.run(context, () -> process(event, context));
    }

    private Void process(DynamodbEvent event, Context context) {
        Set<String> skus = changedSkus(event);
        if (skus.isEmpty()) {
            return null;
        }
        Map<String, Long> available = new LinkedHashMap<>();
        products.stockOf(List.copyOf(skus)).forEach((sku, level) -> available.put(sku, level.available()));
        signal.changed(available);
        return null;
    }

    /** Skus with a changed stock bucket in the batch, in order of first change. */
    static Set<String> changedSkus(DynamodbEvent event) {
        Set<String> skus = new LinkedHashSet<>();
        StockBucketChanges.of(event).forEach(c -> skus.add(c.sku()));
        return skus;
    }
}
