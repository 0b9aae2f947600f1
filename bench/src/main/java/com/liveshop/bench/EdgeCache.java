package com.liveshop.bench;

import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CDN in front of the local stack during a rehearsal, as template.yaml's CloudFront distribution treats public
 * reads: a GET without {@code Authorization} is answered from the edge while its stored answer is within the origin's
 * {@code s-maxage}; past it, within {@code stale-while-revalidate}, the stale copy is answered and one request
 * refreshes it; concurrent misses of one URL wait for a single origin request (CloudFront collapses them). Answers
 * without {@code s-maxage} ({@code no-store}, errors of non-public routes) are never kept. One edge for the whole
 * audience: a real show spreads viewers over many edge locations, each with its own copy, so the origin sees a few
 * times more than this (see docs/capacity.md).
 *
 * <p>Our own: there is no CloudFront emulator to run here, and the rehearsal only needs its caching rules for the
 * answers our handlers send. The rules are CloudFront's documented ones for a cache policy with MinTTL 0 and DefaultTTL
 * 0 (the template's PublicReadsCachePolicy).
 */
final class EdgeCache {

    private static final Pattern S_MAXAGE = Pattern.compile("s-maxage=(\\d+)");
    private static final Pattern SWR = Pattern.compile("stale-while-revalidate=(\\d+)");

    private record Entry(HttpResponse<String> response, long storedAtNanos, long freshNanos, long staleNanos) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<HttpResponse<String>>> inFlight = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** The answer for {@code url}: from the edge, or from {@code origin} (called at most once per URL at a time). */
    CompletableFuture<HttpResponse<String>> get(String url, Supplier<CompletableFuture<HttpResponse<String>>> origin) {
        long now = System.nanoTime();
        Entry e = entries.get(url);
        if (e != null && now - e.storedAtNanos < e.freshNanos) {
            hits.increment();
            return CompletableFuture.completedFuture(e.response);
        }
        if (e != null && now - e.storedAtNanos < e.freshNanos + e.staleNanos) {
            hits.increment();
            fetch(url, origin);
            return CompletableFuture.completedFuture(e.response);
        }
        return fetch(url, origin);
    }

    private CompletableFuture<HttpResponse<String>> fetch(
            String url, Supplier<CompletableFuture<HttpResponse<String>>> origin) {
        CompletableFuture<HttpResponse<String>> mine = new CompletableFuture<>();
        CompletableFuture<HttpResponse<String>> running = inFlight.putIfAbsent(url, mine);
        if (running != null) {
            hits.increment(); // collapsed onto the request already on its way
            return running;
        }
        misses.increment();
        origin.get().whenComplete((r, failure) -> {
            if (r != null) {
                store(url, r);
            }
            inFlight.remove(url, mine);
            if (failure != null) {
                mine.completeExceptionally(failure);
            } else {
                mine.complete(r);
            }
        });
        return mine;
    }

    private void store(String url, HttpResponse<String> r) {
        String cacheControl = r.headers().firstValue("cache-control").orElse("").toLowerCase(Locale.ROOT);
        Matcher maxAge = S_MAXAGE.matcher(cacheControl);
        if (cacheControl.contains("no-store") || cacheControl.contains("private") || !maxAge.find()) {
            entries.remove(url);
            return;
        }
        Matcher swr = SWR.matcher(cacheControl);
        long stale = swr.find() ? Long.parseLong(swr.group(1)) : 0;
        entries.put(
                url,
                new Entry(
                        r,
                        System.nanoTime(),
                        Long.parseLong(maxAge.group(1)) * 1_000_000_000L,
                        stale * 1_000_000_000L));
    }

    /** Requests the edge answered (fresh, stale or collapsed onto one in flight). */
    long hits() {
        return hits.sum();
    }

    /** Requests that went to the origin. */
    long misses() {
        return misses.sum();
    }
}
