package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.liveshop.checkout.service.ShowStatsFacts;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.dynamo.Attrs;
import com.liveshop.shared.lambda.Invocation;
import com.liveshop.shared.stats.ShowStatsRepository;
import com.liveshop.shared.stats.ShowStatsRepository.Fact;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The show stats (template: ShowStatsFunction, on the Reservations table's stream, holds and orders): every hold placed
 * from a show and every order placed or paid adds to the show's totals, its products' and its highlights'. Counting is
 * idempotent ({@link ShowStatsRepository}), so a failed batch is simply retried whole.
 */
public class ShowStatsHandler implements RequestHandler<DynamodbEvent, Void> {

    private final ShowStatsFacts facts;
    private final ShowStatsRepository stats;

    public ShowStatsHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ShowStatsHandler(AppConfig config) {
        this(new ShowStatsFacts(), new CheckoutWiring(config).showStats(Clock.systemUTC()));
    }

    public ShowStatsHandler(ShowStatsFacts facts, ShowStatsRepository stats) {
        this.facts = facts;
        this.stats = stats;
    }

    @Override
    public Void handleRequest(DynamodbEvent event, Context context) {
        return Invocation.run(context, () -> process(event));
    }

    private Void process(DynamodbEvent event) {
        List<Fact> batch = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record :
                event.getRecords() == null ? List.<DynamodbEvent.DynamodbStreamRecord>of() : event.getRecords()) {
            var change = record.getDynamodb();
            batch.addAll(facts.factsFor(
                    record.getEventName(),
                    Attrs.ofStreamImage(change.getOldImage()),
                    Attrs.ofStreamImage(change.getNewImage())));
        }
        stats.apply(batch);
        return null;
    }
}
