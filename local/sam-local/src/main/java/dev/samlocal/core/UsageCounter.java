package dev.samlocal.core;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts per key (a route key, a function, an operation) what a deployed stack would be billed or limited on. Lock-free
 * ({@link LongAdder} per key, created once): it sits on the emulators' hot paths.
 */
public final class UsageCounter {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    public void increment(String key) {
        add(key, 1);
    }

    public void add(String key, long amount) {
        counts.computeIfAbsent(key, k -> new LongAdder()).add(amount);
    }

    /** Key → count now, sorted by key. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((key, adder) -> out.put(key, adder.sum()));
        return out;
    }
}
