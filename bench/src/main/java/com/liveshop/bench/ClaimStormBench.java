package com.liveshop.bench;

import static com.liveshop.bench.BenchHttp.asHost;
import static com.liveshop.bench.BenchHttp.awaitLive;
import static com.liveshop.bench.BenchHttp.expect;
import static com.liveshop.bench.BenchHttp.json;
import static com.liveshop.bench.BenchHttp.percentile;
import static com.liveshop.bench.BenchHttp.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.local.LocalStack;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import dev.samlocal.ivs.LocalIvs;
import dev.samlocal.ivs.SimulatedViewers;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A comment-to-buy keyword storm on the local stack: N buyers, each with a cart-bound chat ticket and a subscription to
 * its own private {@code /carts/{cartId}} (the real protocol, the cart id as the Lambda authorizer's token), type the
 * buy keyword at random moments within a few seconds while one product with U units is on screen. A buyer refused with
 * 429 (the show's chat budget, or its ticket's rate) tries again after {@code Retry-After}, as the page does. Prints
 * claims accepted per second, the time from a claim's POST to its {@code held} / {@code holdRefused} frame (p50, p99),
 * what refused, and the stock check (oversold must be 0). Asserts nothing.
 *
 * <pre>claim-storm [--buyers 300] [--units 100] [--seconds 5] [--budget 100]</pre>
 */
final class ClaimStormBench {

    private static final HttpClient HTTP = BenchHttp.HTTP;

    private ClaimStormBench() {}

    /** One buyer's claim: its own address, when its accepted POST left, and the frame's arrival. */
    private static final class Claim {
        final String address;
        volatile long acceptedSentAt;
        volatile long answeredAt;
        volatile String answer = "";

        Claim(String address) {
            this.address = address;
        }
    }

    static void run(int buyers, int units, int seconds, int budget) throws Exception {
        // Every buyer here comes from 127.0.0.1: lift the per-address ticket limits, which would otherwise bind first.
        Options options = Options.ephemeral()
                .withSeed(false)
                .withSchedules(false)
                .withParameter("ChatTicketsPerIpPerMinute", String.valueOf(Math.max(30, buyers * 2)))
                .withParameter("ChatTicketsPerClientPerShow", String.valueOf(Math.max(10, buyers * 2)));
        try (LocalStack stack = LocalStack.start(options)) {
            String token = json(send(stack, "GET", "/_local/host-token", null))
                    .get("token")
                    .asText();
            String sku = "bench-claim";
            expect(
                    asHost(
                            stack,
                            token,
                            "PUT",
                            "/products/" + sku,
                            "{\"title\":\"Bench Sweater\",\"priceCents\":5900,\"currency\":\"USD\",\"stock\":" + units
                                    + "}"),
                    201);
            JsonNode session = json(expect(
                    asHost(
                            stack,
                            token,
                            "POST",
                            "/sessions",
                            "{\"title\":\"Claim storm\",\"startsAt\":\""
                                    + Instant.now().plusSeconds(60) + "\",\"lineup\":[\"" + sku + "\"]}"),
                    201));
            String sessionId = session.get("sessionId").asText();
            stack.ivs().broadcast(session.get("channelArn").asText(), LocalIvs.Action.START);
            awaitLive(stack, sessionId);
            expect(
                    asHost(
                            stack,
                            token,
                            "PUT",
                            "/sessions/" + sessionId + "/chat-settings",
                            "{\"messagesPerSecond\":" + budget + "}"),
                    200);
            expect(
                    asHost(
                            stack,
                            token,
                            "POST",
                            "/sessions/" + sessionId + "/highlights",
                            "{\"sku\":\"" + sku + "\",\"dealPriceCents\":4900}"),
                    202);

            // Buyers: a cart, a ticket bound to it, a subscription to the cart's own channel.
            Map<String, Claim> claims = new ConcurrentHashMap<>();
            List<String> carts = new ArrayList<>();
            List<String> tickets = new ArrayList<>();
            CountDownLatch subscribed = new CountDownLatch(buyers);
            Map<String, Integer> subscribeErrors = new ConcurrentHashMap<>();
            List<CompletableFuture<EventsSubscriber>> subscribers = new ArrayList<>();
            for (int i = 0; i < buyers; i++) {
                String cart = UUID.randomUUID().toString();
                carts.add(cart);
                Claim claim = new Claim(SimulatedViewers.address(i));
                claims.put(cart, claim);
                tickets.add(json(expect(
                                send(
                                        stack,
                                        "POST",
                                        "/sessions/" + sessionId + "/chat-tickets",
                                        "{\"name\":\"Buyer " + i + "\",\"cartId\":\"" + cart + "\"}",
                                        SimulatedViewers.HEADER,
                                        claim.address),
                                201))
                        .get("ticket")
                        .asText());
                subscribers.add(EventsSubscriber.open(
                        HTTP,
                        stack.events().realtimeEndpoint(),
                        stack.events().httpEndpoint(),
                        stack.events().apiKey(),
                        "/carts/" + cart,
                        cart,
                        subscribed::countDown,
                        event -> {
                            if (claim.answeredAt == 0) {
                                claim.answeredAt = System.nanoTime();
                                claim.answer = frameOutcome(event);
                            }
                        },
                        error -> subscribeErrors.merge(error, 1, Integer::sum)));
            }
            if (!subscribed.await(30, TimeUnit.SECONDS)) {
                Map<String, Long> stalled = subscribers.stream()
                        .map(CompletableFuture::join)
                        .filter(x -> !"subscribe_success".equals(x.lastMessage) && !"ka".equals(x.lastMessage))
                        .collect(java.util.stream.Collectors.groupingBy(
                                x -> x.lastMessage, java.util.stream.Collectors.counting()));
                System.out.printf(
                        "claim-storm: only %d of %d cart channels subscribed (errors: %s; "
                                + "stalled after: %s; the server counts %d subscriptions)%n",
                        buyers - subscribed.getCount(),
                        buyers,
                        subscribeErrors,
                        stalled,
                        stack.events().stats().subscriptions());
            }

            // The storm: each buyer types the keyword once at a random moment of the window, retrying after a 429.
            AtomicInteger throttled = new AtomicInteger();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            Random random = new Random(42);
            ExecutorService pool = Executors.newFixedThreadPool(64);
            long start = System.nanoTime();
            long lastAccepted = start;
            List<CompletableFuture<Long>> sends = new ArrayList<>();
            for (int i = 0; i < buyers; i++) {
                String cart = carts.get(i);
                String ticket = tickets.get(i);
                long at = start + (long) (random.nextDouble() * TimeUnit.SECONDS.toNanos(seconds));
                sends.add(CompletableFuture.supplyAsync(
                        () -> claim(stack, sessionId, ticket, at, claims.get(cart), throttled, accepted, failed),
                        pool));
            }
            for (CompletableFuture<Long> s : sends) {
                lastAccepted = Math.max(lastAccepted, s.get(300, TimeUnit.SECONDS));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (claims.values().stream().anyMatch(c -> c.acceptedSentAt != 0 && c.answeredAt == 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            pool.shutdown();
            double window = (lastAccepted - start) / 1e9;

            long[] toFrame = claims.values().stream()
                    .filter(c -> c.acceptedSentAt != 0 && c.answeredAt != 0)
                    .mapToLong(c -> c.answeredAt - c.acceptedSentAt)
                    .sorted()
                    .toArray();
            Map<String, Integer> outcomes = new java.util.TreeMap<>();
            claims.values().forEach(c -> outcomes.merge(c.answer.isEmpty() ? "no frame" : c.answer, 1, Integer::sum));
            JsonNode stock = json(asHost(stack, token, "GET", "/products/" + sku + "/stock", null));
            long initial = stock.path("initial").asLong();
            long available = stock.path("available").asLong();
            long held = stock.path("held").asLong();
            long sold = stock.path("sold").asLong();
            long heldFrames = claims.values().stream()
                    .filter(c -> c.answer.equals("held"))
                    .count();

            System.out.println();
            System.out.printf(
                    "claim-storm: %d buyers type SOLD within %d s for %d units, show chat budget %d msg/s%n",
                    buyers, seconds, units, budget);
            System.out.printf(
                    "  claims accepted (202): %d in %.1f s = %.1f claims/s; "
                            + "429 answers (retried after Retry-After): %d; failed: %d%n",
                    accepted.get(), window, accepted.get() / Math.max(window, 0.001), throttled.get(), failed.get());
            System.out.printf(
                    "  POST → held/holdRefused on the buyer's /carts/{cartId}: "
                            + "p50 %.1f ms  p99 %.1f ms  max %.1f ms (%d frames)%n",
                    percentile(toFrame, 50), percentile(toFrame, 99), percentile(toFrame, 100), toFrame.length);
            System.out.printf("  outcomes: %s%n", outcomes);
            System.out.printf(
                    "  stock: initial %d = available %d + held %d + sold %d (%s); held frames %d; oversold %d%n",
                    initial,
                    available,
                    held,
                    sold,
                    initial == available + held + sold ? "invariant holds" : "INVARIANT BROKEN",
                    heldFrames,
                    Math.max(0, held + sold - initial) + Math.max(0, heldFrames - units));
            System.out.printf(
                    "  AppSync Events: %d events published, %d deliveries%n",
                    stack.events().stats().eventsPublished(),
                    stack.events().stats().messagesDelivered());
            subscribers.forEach(s -> s.join().close());
        }
    }

    /** Sends the keyword at {@code at}, again after each 429's Retry-After; returns when it was accepted. */
    private static long claim(
            LocalStack stack,
            String sessionId,
            String ticket,
            long at,
            Claim claim,
            AtomicInteger throttled,
            AtomicInteger accepted,
            AtomicInteger failed) {
        try {
            long wait = at - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            for (int attempt = 0; attempt < 20; attempt++) {
                long sentAt = System.nanoTime();
                HttpResponse<String> r = send(
                        stack,
                        "POST",
                        "/sessions/" + sessionId + "/messages",
                        "{\"text\":\"SOLD\"}",
                        "X-Chat-Ticket",
                        ticket,
                        SimulatedViewers.HEADER,
                        claim.address);
                if (r.statusCode() == 202) {
                    claim.acceptedSentAt = sentAt;
                    accepted.incrementAndGet();
                    return System.nanoTime();
                }
                if (r.statusCode() != 429) {
                    failed.incrementAndGet();
                    return sentAt;
                }
                throttled.incrementAndGet();
                long retryAfter = r.headers().firstValueAsLong("retry-after").orElse(1);
                TimeUnit.MILLISECONDS.sleep(Math.max(1, retryAfter) * 1000 + (long) (Math.random() * 250));
            }
            failed.incrementAndGet();
            return System.nanoTime();
        } catch (Exception e) {
            failed.incrementAndGet();
            return System.nanoTime();
        }
    }

    private static String frameOutcome(String event) {
        try {
            JsonNode frame = Json.MAPPER.readTree(event);
            String type = frame.path("type").asText();
            return type.equals("holdRefused")
                    ? "holdRefused " + frame.path("code").asText()
                    : type;
        } catch (Exception e) {
            return "unreadable";
        }
    }
}
