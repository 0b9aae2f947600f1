package com.liveshop.shared.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;
import software.amazon.lambda.powertools.metrics.provider.EmfMetricsProvider;

/**
 * {@link ShowMetrics} written by Powertools metrics as CloudWatch Embedded Metric Format lines on stdout (no API call,
 * no IAM permission: the Lambda log stream carries them).
 *
 * <p>Points are kept per thread and summed until the invocation ends ({@link #flushInvocation}, called by
 * {@code Invocation.run}), then written as one EMF line per dimension set: an EMF line's dimensions apply to every
 * metric in it, so "OrdersCancelled by Reason" and "HoldsPlaced" cannot share one.
 *
 * <p>Why not {@code MetricsFactory.getMetricsInstance()} with {@code addMetric}/{@code flush} directly: that instance
 * is keyed by the X-Ray trace id, one per invocation on Lambda, but the local stack runs many handler invocations at
 * once on many threads of one JVM with no trace id, so they would share one instance, flush each other's points and mix
 * their dimensions (and its {@code flushMetrics} keeps one instance per trace id for good). Each write here goes
 * through {@link Metrics#flushMetrics}, which builds a fresh EMF context per call, from a base instance that is never
 * changed after construction, so any number of threads can write at once. POWERTOOLS_METRICS_DISABLED=true is still
 * honoured by Powertools itself.
 */
public final class EmfShowMetrics implements ShowMetrics {

    private record Key(EmfShowMetrics writer, Map<String, String> dimensions) {}

    /** This thread's points of the current invocation: per writer and dimension set, metric name → sum. */
    private static final ThreadLocal<Map<Key, Map<String, Double>>> PENDING =
            ThreadLocal.withInitial(LinkedHashMap::new);

    private static final Logger LOG = LoggerFactory.getLogger(EmfShowMetrics.class);

    private final Metrics base;
    private final String serviceName;

    /**
     * {@code serviceName}: the Service dimension of every metric. It is also what keeps the EMF library from adding its
     * own default dimensions (LogGroup, ServiceName, ServiceType: one metric per function instead of one).
     */
    public EmfShowMetrics(String namespace, String serviceName) {
        this.base = new EmfMetricsProvider().getMetricsInstance();
        this.serviceName = serviceName;
        base.setNamespace(namespace);
        base.setDefaultDimensions(DimensionSet.of(SERVICE, serviceName));
    }

    @Override
    public void record(Point point) {
        PENDING.get()
                .computeIfAbsent(new Key(this, point.dimensions()), k -> new LinkedHashMap<>())
                .merge(point.name(), point.value(), Double::sum);
    }

    /** Writes what this thread recorded since its last flush, through every writer it used; then forgets it. */
    public static void flushInvocation() {
        Map<Key, Map<String, Double>> pending = PENDING.get();
        if (pending.isEmpty()) {
            return;
        }
        List<Map.Entry<Key, Map<String, Double>>> groups = new ArrayList<>(pending.entrySet());
        pending.clear();
        for (Map.Entry<Key, Map<String, Double>> group : groups) {
            group.getKey().writer().write(group.getKey().dimensions(), group.getValue());
        }
    }

    /** Never throws: a metric that cannot be written must not fail the request that produced it. */
    private void write(Map<String, String> dimensions, Map<String, Double> values) {
        try {
            base.flushMetrics(metrics -> {
                // Two dimension sets: the total ({Service}, the default one) and the breakdown ({Service, Reason},
                // …), so an alarm or a graph of the total needs no metric math. Powertools keeps the default set
                // apart from the added ones, so the breakdown names Service itself.
                if (!dimensions.isEmpty()) {
                    Map<String, String> breakdown = new LinkedHashMap<>();
                    breakdown.put(SERVICE, serviceName);
                    breakdown.putAll(dimensions);
                    metrics.addDimension(DimensionSet.of(breakdown));
                }
                values.forEach((name, value) -> metrics.addMetric(
                        name, value, REVENUE_CENTS.equals(name) ? MetricUnit.NONE : MetricUnit.COUNT));
            });
        } catch (RuntimeException e) {
            LOG.warn("Metrics {} not written: {}", values.keySet(), e.toString());
        }
    }
}
