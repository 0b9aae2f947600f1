package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.liveshop.checkout.repository.HoldRepository;
import com.liveshop.checkout.repository.ReservationKeys;
import com.liveshop.checkout.service.HoldExpiryService;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.dynamo.Attrs;
import com.liveshop.shared.lambda.Invocation;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds that DynamoDB's TTL deleted (template: HoldReclaimFunction, on the Reservations table's stream, filtered to
 * REMOVE records of HOLD# items by the principal {@code dynamodb.amazonaws.com}): a sweep outage or a missed hold must
 * still give its units back. A record that cannot be handled is reported, and Lambda retries from it.
 */
public class HoldReclaimHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    /** The principal of TTL deletions in a stream record's userIdentity. */
    public static final String TTL_PRINCIPAL = "dynamodb.amazonaws.com";

    private static final Logger LOG = LoggerFactory.getLogger(HoldReclaimHandler.class);

    private final HoldExpiryService expiry;

    public HoldReclaimHandler() {
        this(AppConfig.fromEnvironment());
    }

    public HoldReclaimHandler(AppConfig config) {
        this(new CheckoutWiring(config).holdExpiryService(Clock.systemUTC()));
    }

    public HoldReclaimHandler(HoldExpiryService expiry) {
        this.expiry = expiry;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return Invocation.run(context, () -> process(event, context));
    }

    private StreamsEventResponse process(DynamodbEvent event, Context context) {
        int reclaimed = 0;
        for (DynamodbEvent.DynamodbStreamRecord record :
                event.getRecords() == null ? List.<DynamodbEvent.DynamodbStreamRecord>of() : event.getRecords()) {
            if (!isTtlDeleteOfHold(record)) {
                continue;
            }
            try {
                if (expiry.reclaimDeleted(HoldRepository.toHold(
                        Attrs.ofStreamImage(record.getDynamodb().getOldImage())))) {
                    reclaimed++;
                }
            } catch (RuntimeException e) {
                LOG.warn("Reclaiming a TTL-deleted hold failed; retrying from it: {}", e.toString());
                return StreamsEventResponse.builder()
                        .withBatchItemFailures(List.of(new StreamsEventResponse.BatchItemFailure(
                                record.getDynamodb().getSequenceNumber())))
                        .build();
            }
        }
        if (reclaimed > 0) {
            LOG.info("Gave back the units of {} holds deleted by TTL before the sweep returned them", reclaimed);
        }
        return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
    }

    /** The function's filter says the same; checked again so the handler is safe whatever it is given. */
    static boolean isTtlDeleteOfHold(DynamodbEvent.DynamodbStreamRecord record) {
        if (!"REMOVE".equals(record.getEventName())
                || record.getUserIdentity() == null
                || !TTL_PRINCIPAL.equals(record.getUserIdentity().getPrincipalId())
                || record.getDynamodb() == null
                || record.getDynamodb().getOldImage() == null) {
            return false;
        }
        String sk = Attrs.str(Attrs.ofStreamImage(record.getDynamodb().getKeys()), ReservationKeys.SK);
        return sk != null && sk.startsWith(ReservationKeys.HOLD_PREFIX);
    }
}
