package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.liveshop.checkout.service.WaitlistService;
import com.liveshop.shared.catalog.StockBucketChanges;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.lambda.Invocation;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The Catalog table's stream (stock buckets): a sku whose available units went up (a hold expired or removed, an order
 * cancelled, a restock) gets its waitlist handed out. A failure throws, so the batch is retried; the hand-out is
 * idempotent.
 */
public class WaitlistHandOutHandler implements RequestHandler<DynamodbEvent, Integer> {

    private final WaitlistService waitlist;

    public WaitlistHandOutHandler() {
        this(AppConfig.fromEnvironment());
    }

    public WaitlistHandOutHandler(AppConfig config) {
        this(new CheckoutWiring(config).waitlistHandOutService(Clock.systemUTC()));
    }

    public WaitlistHandOutHandler(WaitlistService waitlist) {
        this.waitlist = waitlist;
    }

    @Override
    public Integer handleRequest(DynamodbEvent event, Context context) {
        return Invocation.run(context, () -> {
            int held = 0;
            for (String sku : skusWithUnitsBack(event)) {
                held += waitlist.handOut(sku);
            }
            return held;
        });
    }

    /** Skus of the batch with a stock bucket whose {@code available} rose, in order of first change. */
    static Set<String> skusWithUnitsBack(DynamodbEvent event) {
        Set<String> skus = new LinkedHashSet<>();
        StockBucketChanges.of(event).stream()
                .filter(StockBucketChanges.Change::unitsBack)
                .forEach(c -> skus.add(c.sku()));
        return skus;
    }
}
