package com.liveshop.shared.metrics;

import com.liveshop.shared.config.AppConfig;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The show's business metrics: every metric name and dimension lives here, so the dashboard, the alarms and
 * docs/deploy.md name the same things. In AWS they are CloudWatch metrics in namespace {@value #NAMESPACE} written as
 * EMF log lines ({@link EmfShowMetrics}); tests pass a recording implementation through the module's wiring.
 *
 * <p>Dimensions are low-cardinality by construction: a fixed reason, error code, frame type, operation or currency,
 * never a sku, session, cart or order id (each distinct value is a metric CloudWatch bills and keeps).
 */
public interface ShowMetrics {

    String NAMESPACE = "LiveShop";

    String HOLDS_PLACED = "HoldsPlaced";
    String SOLD_OUT = "SoldOut";
    String TRY_AGAIN = "TryAgain";
    String ORDERS_PLACED = "OrdersPlaced";
    String ORDERS_PAID = "OrdersPaid";
    String ORDERS_CANCELLED = "OrdersCancelled";
    String REVENUE_CENTS = "RevenueCents";
    String CHAT_ACCEPTED = "ChatAccepted";
    String CHAT_REFUSED = "ChatRefused";
    String FRAMES_PUBLISHED = "FramesPublished";
    String PUBLISH_FAILURES = "PublishFailures";
    String HIGHLIGHTS_THROTTLED = "HighlightsThrottled";

    /** Dimension names. Every metric has {@code Service} (POWERTOOLS_SERVICE_NAME) alone, and with its own one. */
    String SERVICE = "Service";

    String OPERATION = "Operation";
    String REASON = "Reason";
    String CODE = "Code";
    String FRAME_TYPE = "FrameType";
    String TARGET = "Target";
    String CURRENCY = "Currency";

    /** Values of {@link #TARGET}: where a publish that gave up was going. */
    String APPSYNC_EVENTS = "AppSyncEvents";

    String EVENTBRIDGE = "EventBridge";

    /** What a dimension value may be: a code or type word; anything else is recorded as "other". */
    Pattern DIMENSION_VALUE = Pattern.compile("[A-Za-z][A-Za-z_]{0,39}");

    /** One data point; {@code dimensions} holds only low-cardinality values. */
    record Point(String name, double value, Map<String, String> dimensions) {}

    /** Records one point for the current invocation (written when it ends). */
    void record(Point point);

    default void holdPlaced() {
        count(HOLDS_PLACED, 1);
    }

    default void soldOut() {
        count(SOLD_OUT, 1);
    }

    /** A request answered 429 TRY_AGAIN after its retries; {@code operation}: hold, order or payment. */
    default void tryAgain(String operation) {
        count(TRY_AGAIN, 1, OPERATION, operation);
    }

    default void orderPlaced() {
        count(ORDERS_PLACED, 1);
    }

    /** An order confirmed by its payment: one paid order and its total as revenue, in its currency. */
    default void orderPaid(long totalCents, String currency) {
        count(ORDERS_PAID, 1);
        record(new Point(REVENUE_CENTS, totalCents, Map.of(CURRENCY, bounded(currency))));
    }

    /** {@code reason}: the order's cancel reason (PAYMENT_FAILED, PAYMENT_TIMEOUT). */
    default void orderCancelled(String reason) {
        count(ORDERS_CANCELLED, 1, REASON, reason);
    }

    default void chatAccepted() {
        count(CHAT_ACCEPTED, 1);
    }

    /** {@code code}: the error code the sender got (RATE_LIMITED, SLOW_MODE, BANNED, …). */
    default void chatRefused(String code) {
        count(CHAT_REFUSED, 1, CODE, code);
    }

    /** Frames AppSync Events accepted, by the frame's {@code type}. */
    default void framesPublished(String frameType, int frames) {
        count(FRAMES_PUBLISHED, frames, FRAME_TYPE, frameType);
    }

    /**
     * Events dropped after the publisher's retries ({@code target}: {@link #APPSYNC_EVENTS} or {@link #EVENTBRIDGE}).
     */
    default void publishFailed(String target, int events) {
        count(PUBLISH_FAILURES, events, TARGET, target);
    }

    /** A highlight refused 429 because IVS PutMetadata stayed throttled. */
    default void highlightThrottled() {
        count(HIGHLIGHTS_THROTTLED, 1);
    }

    private void count(String name, double value) {
        record(new Point(name, value, Map.of()));
    }

    private void count(String name, double value, String dimension, String dimensionValue) {
        record(new Point(name, value, Map.of(dimension, bounded(dimensionValue))));
    }

    /**
     * A dimension value as recorded: our own codes and types are short upper/lower-case words; anything else (a bug
     * passing an id, or null) is recorded as "other" rather than becoming a new metric per value.
     */
    static String bounded(String value) {
        return value != null && DIMENSION_VALUE.matcher(value).matches() ? value : "other";
    }

    /** Records nothing (metrics disabled). */
    ShowMetrics NONE = point -> {};

    /**
     * EMF metrics in namespace POWERTOOLS_METRICS_NAMESPACE (default {@value #NAMESPACE}) with dimension Service =
     * POWERTOOLS_SERVICE_NAME (default liveshop); {@link #NONE} when POWERTOOLS_METRICS_DISABLED is true (the local
     * stack and tests, where EMF lines on the console are only noise).
     */
    static ShowMetrics fromConfig(AppConfig config) {
        if (config.optional("POWERTOOLS_METRICS_DISABLED")
                .map(Boolean::parseBoolean)
                .orElse(false)) {
            return NONE;
        }
        return new EmfShowMetrics(
                config.optional("POWERTOOLS_METRICS_NAMESPACE").orElse(NAMESPACE),
                config.optional("POWERTOOLS_SERVICE_NAME").orElse("liveshop"));
    }
}
