package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.liveshop.checkout.service.HoldExpiryService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.lambda.Invocation;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled sweep (template: HoldExpiryFunction, rate 1 minute): expired holds give their stock back, and orders
 * not paid by their deadline are cancelled with their stock back.
 */
public class HoldExpiryHandler implements RequestHandler<ScheduledEvent, Map<String, Object>> {

    private static final Logger LOG = LoggerFactory.getLogger(HoldExpiryHandler.class);

    private final HoldExpiryService sweep;

    public HoldExpiryHandler() {
        this(AppConfig.fromEnvironment());
    }

    public HoldExpiryHandler(AppConfig config) {
        this(new CheckoutWiring(config).holdExpiryService(Clock.systemUTC()));
    }

    public HoldExpiryHandler(HoldExpiryService sweep) {
        this.sweep = sweep;
    }

    @Override
    public Map<String, Object> handleRequest(ScheduledEvent event, Context context) {
        return Invocation.run(context, () -> process(event, context));
    }

    private Map<String, Object> process(ScheduledEvent event, Context context) {
        HoldExpiryService.SweepResult result = sweep.sweep();
        LOG.info(
                "Sweep returned the stock of {} expired holds and {} orders past their payment deadline",
                result.expiredHolds(),
                result.cancelledOrders());
        return Map.of("expired", result.expiredHolds(), "cancelledOrders", result.cancelledOrders());
    }
}
