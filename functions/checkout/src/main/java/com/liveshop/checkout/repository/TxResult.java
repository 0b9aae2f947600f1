package com.liveshop.checkout.repository;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The outcome of one TransactWriteItems: committed, or cancelled with per-item reasons. Reasons are aligned with the
 * items; "ConditionalCheckFailed" names the item whose condition failed, "TransactionConflict" (or a throttle) means
 * another transaction touched an item at the same time and a retry may succeed.
 */
final class TxResult {

    private final List<CancellationReason> reasons;

    private TxResult(List<CancellationReason> reasons) {
        this.reasons = reasons;
    }

    static TxResult run(DynamoDbClient client, List<TransactWriteItem> items) {
        try {
            client.transactWriteItems(t -> t.transactItems(items));
            return new TxResult(null);
        } catch (TransactionCanceledException e) {
            return new TxResult(e.hasCancellationReasons() ? e.cancellationReasons() : List.of());
        }
    }

    boolean committed() {
        return reasons == null;
    }

    /** True when item {@code index}'s condition failed. */
    boolean conditionFailed(int index) {
        return reasons != null
                && index < reasons.size()
                && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    boolean anyConditionFailed(int from, int to) {
        for (int i = from; i < to; i++) {
            if (conditionFailed(i)) {
                return true;
            }
        }
        return false;
    }

    /** The old item returned with a failed condition (ReturnValuesOnConditionCheckFailure ALL_OLD), if any. */
    Map<String, AttributeValue> oldItem(int index) {
        if (reasons == null || index >= reasons.size() || !reasons.get(index).hasItem()) {
            return Map.of();
        }
        return reasons.get(index).item();
    }

    /** Cancelled for no condition of ours: a concurrent transaction or a throttle; worth a retry. */
    boolean retryable() {
        if (reasons == null) {
            return false;
        }
        for (CancellationReason reason : reasons) {
            if ("ConditionalCheckFailed".equals(reason.code())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return reasons == null
                ? "committed"
                : reasons.stream().map(CancellationReason::code).toList().toString();
    }
}
