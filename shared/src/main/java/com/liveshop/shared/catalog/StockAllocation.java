package com.liveshop.shared.catalog;

import static com.liveshop.shared.dynamo.Attrs.n;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which stock buckets a hold (or an order line) took its units from: bucket index → units. A release, sale or
 * cancellation moves exactly these units back in exactly these buckets, so every bucket keeps {@code initial =
 * available + held + sold} and so does their sum.
 */
public record StockAllocation(SortedMap<Integer, Integer> units) {

    public StockAllocation {
        units = Collections.unmodifiableSortedMap(new TreeMap<>(units));
        if (units.isEmpty() || units.values().stream().anyMatch(q -> q <= 0)) {
            throw new IllegalArgumentException("an allocation takes at least one unit from each of its buckets");
        }
    }

    public static StockAllocation of(int bucket, int quantity) {
        return new StockAllocation(new TreeMap<>(Map.of(bucket, quantity)));
    }

    /** All {@code quantity} units from one bucket picked at random: the common case, one counter per hold. */
    public static StockAllocation randomBucket(int shards, int quantity) {
        return of(ThreadLocalRandom.current().nextInt(Math.max(1, shards)), quantity);
    }

    /**
     * {@code quantity} units spread over the buckets of a consistent snapshot, visiting them in random order (so
     * concurrent buyers do not all drain the same ones); empty when the snapshot holds fewer in total.
     */
    public static java.util.Optional<StockAllocation> fromSnapshot(List<StockLevel.Bucket> buckets, int quantity) {
        List<StockLevel.Bucket> order = new ArrayList<>(buckets);
        Collections.shuffle(order, ThreadLocalRandom.current());
        TreeMap<Integer, Integer> taken = new TreeMap<>();
        int missing = quantity;
        for (StockLevel.Bucket bucket : order) {
            if (missing == 0) {
                break;
            }
            int take = (int) Math.min(missing, bucket.available());
            if (take > 0) {
                taken.put(bucket.index(), take);
                missing -= take;
            }
        }
        return missing == 0 ? java.util.Optional.of(new StockAllocation(taken)) : java.util.Optional.empty();
    }

    public int total() {
        return units.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** How many counter items a move of this allocation writes (one per bucket). */
    public int buckets() {
        return units.size();
    }

    public StockAllocation plus(StockAllocation other) {
        TreeMap<Integer, Integer> sum = new TreeMap<>(units);
        other.units.forEach((bucket, q) -> sum.merge(bucket, q, Integer::sum));
        return new StockAllocation(sum);
    }

    /** As a DynamoDB map attribute: {"0": 2, "5": 1}. */
    public AttributeValue toAttribute() {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        units.forEach((bucket, q) -> map.put(String.valueOf(bucket), n(q)));
        return AttributeValue.fromM(map);
    }

    /** Reads {@link #toAttribute()}; items written before buckets existed took everything from bucket 0. */
    public static StockAllocation fromAttribute(AttributeValue value, int quantityIfAbsent) {
        if (value == null || !value.hasM() || value.m().isEmpty()) {
            return of(0, quantityIfAbsent);
        }
        TreeMap<Integer, Integer> units = new TreeMap<>();
        value.m().forEach((bucket, q) -> units.put(Integer.parseInt(bucket), Integer.parseInt(q.n())));
        return new StockAllocation(units);
    }
}
