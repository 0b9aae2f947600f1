package com.liveshop.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.liveshop.catalog.CatalogAdminHandler;
import com.liveshop.checkout.CartHandler;
import com.liveshop.checkout.OrderHandler;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.catalog.StockLedger;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.config.AppConfig;
import com.sun.net.httpserver.HttpServer;
import dev.samlocal.dynamodb.DynamoDbLocal;
import dev.samlocal.dynamodb.LocalTables;
import dev.samlocal.lambda.TestContext;
import dev.samlocal.template.SamTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Checkout benchmarks on DynamoDB Local in this JVM, through the real handlers (events shaped and deserialized as the
 * Lambda Java runtime does). Prints figures; asserts nothing.
 *
 * <pre>
 * java -jar bench/target/bench.jar
 *      [reservations|flash-sale|hot-sku|highlights|chat-fanout|claim-storm|hold-cap|rehearse|capacity|all]
 *      rehearse [--viewers 2000] [--minutes 3] [--chat-rate 5] [--buy-rate 0.1] [--pay-share 0.8] [--seed 42]
 *               [--target URL --host-token T --events-http URL --events-api-key K] [--out target/rehearsal]
 *      capacity [--from target/rehearsal/report.json] [--viewers 10000,100000,1000000] [--chat-rate 5] [--buy-rate 0.1]
 *               [--minutes 60] [--lambda-ms 100] [--join-seconds 60] [--hold-peak 10] [--stock-buckets 1]
 *               [--price NAME=VALUE]… [--channel-type standard] [--resolution fullhd] [--lambda-memory-mb 1024]
 *               [--lambda-arch arm64] [--bytes-per-request 2048] [--chat-message-bytes 250] [--emails-per-order 0]
 *               [--reminder-share 1] [--pay-share 0.8]   (the cost of one show per AWS service, docs/capacity.md)
 *               [--reminders 10000,100000] [--ses-rate 14]   (reminder emails: minutes at SesMaxSendRate)
 *      [--subscribers 2000] [--rounds 5] [--burst 50] [--burst-rate 50]   (chat-fanout: one chat message, then a
 *      burst, to N real-time subscribers)
 *      claim-storm [--buyers 300] [--units 100] [--seconds 5] [--budget 100]   (comment-to-buy keyword storm)
 *      chat-cold-start [--chat-jar functions/chat/target/chat.jar] [--base-jar …] [--runs 10]
 *               (ICU4J's cost at cold start)
 *      hold-cap [--buyers 2000] [--concurrency 16] [--rounds 2]   (hold p50/p99 with the per-client cap on and
 *               off, on the local stack)
 *      [--seconds 10] [--threads 8] [--buyers 5000] [--units 500] [--concurrency 200]
 *      [--shards 1,8]   (hot-sku: the same flash sale once per stock bucket count)
 *      [--highlights 200] [--per-second 4]
 * </pre>
 */
public final class Bench {

    private final Map<String, String> options;
    private DynamoDbLocal dynamo;
    private DynamoDbClient client;
    private AppConfig config;
    private HttpServer eventSink;

    private Bench(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 && !args[0].startsWith("--") ? args[0] : "all";
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].startsWith("--")) {
                // --price NAME=VALUE may repeat: its values are kept, joined by commas (Prices.overrides splits them).
                String key = args[i].substring(2);
                options.merge(key, args[i + 1], (a, b) -> key.equals("price") ? a + "," + b : b);
            }
        }
        Bench bench = new Bench(options);
        if (mode.equals("capacity")) {
            try {
                System.out.print(Capacity.run(options));
            } catch (IllegalArgumentException e) {
                // A bad flag (an unknown --price NAME, a value that is not a number): say which, without a stack trace.
                System.err.println("capacity: " + e.getMessage());
                System.exit(2);
            }
            System.exit(0);
        }
        if (mode.equals("rehearse")) {
            Path template = Files.createTempFile("template", ".yaml");
            try (InputStream in = resource("template.yaml")) {
                Files.copy(in, template, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Rehearsal.Config config = Rehearsal.Config.parse(options);
            RehearsalReport report = Rehearsal.run(config, template);
            report.write(config.out());
            System.out.println("rehearse: wrote " + config.out().resolve("report.html") + " and report.json");
            System.out.println(report.summary());
            System.out.println(report.cost().summary());
            System.exit(report.oversold() == 0 && report.fiveXx() == 0 ? 0 : 1);
        }
        if (mode.equals("claim-storm")) {
            ClaimStormBench.run(
                    bench.opt("buyers", 300),
                    bench.opt("units", 100),
                    bench.opt("seconds", 5),
                    bench.opt("budget", 100));
            System.exit(0);
        }
        if (mode.equals("chat-cold-start")) {
            ChatColdStart.run(options);
            System.exit(0);
        }
        if (mode.equals("hold-cap")) {
            HoldCapBench.run(bench.opt("buyers", 2000), bench.opt("concurrency", 16), bench.opt("rounds", 2));
            System.exit(0);
        }
        if (mode.equals("chat-fanout")) {
            Path template = Files.createTempFile("template", ".yaml");
            try (InputStream in = resource("template.yaml")) {
                Files.copy(in, template, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            ChatFanoutBench.run(
                    template,
                    bench.opt("subscribers", 2000),
                    bench.opt("rounds", 5),
                    bench.opt("burst", 50),
                    bench.opt("burst-rate", 50));
            System.exit(0);
        }
        try {
            bench.start();
            if (mode.equals("reservations") || mode.equals("all")) {
                bench.reservations();
            }
            if (mode.equals("flash-sale") || mode.equals("all")) {
                bench.flashSale("flash-sale", 1);
            }
            if (mode.equals("hot-sku") || mode.equals("all")) {
                for (String shards : bench.options.getOrDefault("shards", "1,8").split(",")) {
                    bench.flashSale("hot-sku", Integer.parseInt(shards.strip()));
                }
            }
            if (mode.equals("highlights") || mode.equals("all")) {
                // Runs the whole local stack (its own DynamoDB Local); the checkout benchmarks' one idles meanwhile.
                HighlightBench.run(bench.opt("highlights", 200), bench.opt("per-second", 4));
            }
        } finally {
            bench.stop();
        }
        System.exit(0);
    }

    private int opt(String name, int defaultValue) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(defaultValue)));
    }

    private void start() throws IOException {
        dynamo = DynamoDbLocal.start(0);
        client = dynamo.client();
        Path template = Files.createTempFile("template", ".yaml");
        try (InputStream in = resource("template.yaml")) {
            Files.copy(in, template, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        LocalTables.createAll(client, SamTemplate.load(template));
        // A stand-in EventBridge that accepts PutEvents, so order events cost what a real call costs.
        eventSink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        eventSink.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body =
                    "{\"Entries\":[{\"EventId\":\"bench\"}],\"FailedEntryCount\":0}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        eventSink.setExecutor(Executors.newFixedThreadPool(4));
        eventSink.start();
        Map<String, String> settings = new HashMap<>(dynamo.clientSettings());
        settings.put(
                "AWS_ENDPOINT_URL_EVENTBRIDGE",
                "http://127.0.0.1:" + eventSink.getAddress().getPort());
        settings.put("CATALOG_TABLE", "CatalogTable");
        settings.put("RESERVATIONS_TABLE", "ReservationsTable");
        settings.put("EVENT_BUS_NAME", "bench-orders");
        settings.put("HOLD_SECONDS", "600");
        settings.put("MAX_QUANTITY_PER_SKU", "5");
        // Keys the per-client caps; every simulated buyer has its own address (and email), as real buyers do.
        settings.put("FINGERPRINT_SECRET", "bench-fingerprint-secret-0123456789");
        // The order route verifies host tokens; no bench request carries one, so the keys are never fetched.
        settings.put("HOST_JWT_ISSUER", "https://issuer.bench.invalid");
        settings.put("HOST_JWT_AUDIENCE", "bench");
        config = new AppConfig(settings);
        System.out.printf(
                "DynamoDB Local in-process at %s; %d cores; java %s%n",
                dynamo.endpoint(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    }

    private void stop() {
        if (eventSink != null) {
            eventSink.stop(0);
        }
        if (dynamo != null) {
            dynamo.close();
        }
    }

    // ------------------------------------------------------------------ reservations/s

    private void reservations() throws Exception {
        int seconds = opt("seconds", 10);
        int threads = opt("threads", 8);
        createProduct("bench-raw", 1_000_000);
        createProduct("bench-hold", 1_000_000);
        CartHandler cart = new CartHandler(config);
        APIGatewayV2HTTPEvent sample = event("checkout/add-item.json");
        Map<String, AttributeValue> rawKey = StockLedger.stockKey("bench-raw");

        // Warm both paths (JIT, connections) before measuring.
        runFor(2, threads, () -> rawDecrement(rawKey));
        runFor(
                2,
                threads,
                () -> addToCart(cart, sample, "bench-hold", UUID.randomUUID().toString()) == 201);

        Result raw = runFor(seconds, threads, () -> rawDecrement(rawKey));
        Result holds = runFor(
                seconds,
                threads,
                () -> addToCart(cart, sample, "bench-hold", UUID.randomUUID().toString()) == 201);
        System.out.println();
        System.out.printf("reservations: %d threads x %d s on one sku%n", threads, seconds);
        System.out.printf(
                "  raw conditional UpdateItem : %8.0f ops/s  p50 %.2f ms  p99 %.2f ms%n",
                raw.perSecond(), raw.p(50), raw.p(99));
        System.out.printf(
                "  hold via CartHandler       : %8.0f ops/s  p50 %.2f ms  p99 %.2f ms%n",
                holds.perSecond(), holds.p(50), holds.p(99));
        System.out.printf("  ratio handler/raw          : %8.2f%n", holds.perSecond() / raw.perSecond());
        StockLevel stock = products().stock("bench-hold");
        System.out.printf(
                "  bench-hold after: initial=%d available=%d held=%d sold=%d invariant=%s failures=%d%n",
                stock.initial(),
                stock.available(),
                stock.held(),
                stock.sold(),
                stock.balanced() ? "ok" : "BROKEN",
                holds.failures());
    }

    private boolean rawDecrement(Map<String, AttributeValue> key) {
        try {
            client.updateItem(u -> u.tableName("CatalogTable")
                    .key(key)
                    .updateExpression("SET available = available - :one, held = held + :one")
                    .conditionExpression("available >= :one")
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ flash sale

    /** {@code buyers} tap at once for {@code units} of one sku whose stock is spread over {@code shards} buckets. */
    private void flashSale(String label, int shards) throws Exception {
        int buyers = opt("buyers", 5000);
        int units = opt("units", 500);
        int concurrency = opt("concurrency", 200);
        String sku = "flash-" + UUID.randomUUID().toString().substring(0, 8);
        createProduct(sku, units, shards);
        CartHandler cart = new CartHandler(config);
        OrderHandler orders = new OrderHandler(config);
        APIGatewayV2HTTPEvent addSample = event("checkout/add-item.json");
        APIGatewayV2HTTPEvent orderSample = event("checkout/place-order.json");

        AtomicInteger held = new AtomicInteger();
        AtomicInteger soldOut = new AtomicInteger();
        AtomicInteger tryAgain = new AtomicInteger();
        AtomicInteger ordered = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long[] latencies = new long[buyers];
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < buyers; i++) {
            final int buyer = i;
            futures.add(pool.submit(() -> {
                go.await();
                String cartId = UUID.randomUUID().toString();
                long t0 = System.nanoTime();
                int status = addToCart(cart, addSample, sku, cartId);
                if (status == 201) {
                    held.incrementAndGet();
                    int orderStatus = placeOrder(orders, orderSample, cartId);
                    if (orderStatus == 201) {
                        ordered.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                } else if (status == 409) {
                    soldOut.incrementAndGet();
                } else if (status == 429) {
                    tryAgain.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
                latencies[buyer] = System.nanoTime() - t0;
                return null;
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(latencies);
        StockLevel stock = products().stock(sku);
        long oversold = Math.max(0, stock.sold() - units)
                + Math.max(0, ordered.get() - units)
                + (stock.available() < 0 ? 1 : 0);
        System.out.println();
        System.out.printf(
                "%s: %d buyers for %d units of %s in %d stock bucket(s), %d in flight at once, %.1f s%n",
                label, buyers, units, sku, shards, concurrency, seconds);
        // Hold attempts per second of wall time while the sale ran (each buyer's add-to-cart answer, any status).
        System.out.printf("  holds/s=%.0f (placed %d) tryAgain429=%d%n", buyers / seconds, held.get(), tryAgain.get());
        System.out.printf(
                "  sold=%d oversold=%d holds=%d soldOut409=%d errors=%d%n",
                ordered.get(), oversold, held.get(), soldOut.get(), errors.get());
        System.out.printf(
                "  stock after: initial=%d available=%d held=%d sold=%d invariant=%s%n",
                stock.initial(), stock.available(), stock.held(), stock.sold(), stock.balanced() ? "ok" : "BROKEN");
        System.out.printf(
                "  buyer latency (add to cart, then order if held): p50 %.1f ms  p99 %.1f ms  max %.1f ms%n",
                latencies[buyers / 2] / 1e6,
                latencies[(int) Math.min(buyers - 1, Math.ceil(buyers * 0.99) - 1)] / 1e6,
                latencies[buyers - 1] / 1e6);
    }

    // ------------------------------------------------------------------ plumbing

    private ProductRepository products() {
        return new ProductRepository(client, AwsClients.enhanced(client), "CatalogTable");
    }

    private void createProduct(String sku, long stock) {
        createProduct(sku, stock, 1);
    }

    private void createProduct(String sku, long stock, int shards) {
        APIGatewayV2HTTPEvent put = event("catalog/put-product.json");
        put.setPathParameters(Map.of("sku", sku));
        put.setBody("{\"title\":\"Bench " + sku + "\",\"priceCents\":1999,\"currency\":\"USD\",\"stock\":" + stock
                + ",\"stockShards\":" + shards + "}");
        APIGatewayV2HTTPResponse response =
                new CatalogAdminHandler(config).handleRequest(put, new TestContext("bench"));
        if (response.getStatusCode() != 201) {
            throw new IllegalStateException("Cannot create " + sku + ": " + response.getBody());
        }
    }

    private static int addToCart(CartHandler cart, APIGatewayV2HTTPEvent sample, String sku, String cartId) {
        APIGatewayV2HTTPEvent event = copy(sample, cartId);
        event.setPathParameters(Map.of("cartId", cartId));
        event.setBody("{\"sku\":\"" + sku + "\",\"quantity\":1}");
        return cart.handleRequest(event, new TestContext("CartFunction")).getStatusCode();
    }

    private static int placeOrder(OrderHandler orders, APIGatewayV2HTTPEvent sample, String cartId) {
        APIGatewayV2HTTPEvent event = copy(sample, cartId);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("idempotency-key", UUID.randomUUID().toString());
        event.setHeaders(headers);
        event.setBody("{\"cartId\":\"" + cartId + "\",\"email\":\"buyer+" + cartId + "@example.com\"}");
        return orders.handleRequest(event, new TestContext("OrderFunction")).getStatusCode();
    }

    /** The sample from the cart's own client address (one buyer per cart, as in a real sale). */
    private static APIGatewayV2HTTPEvent copy(APIGatewayV2HTTPEvent sample, String cartId) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setVersion(sample.getVersion());
        event.setRouteKey(sample.getRouteKey());
        event.setRawPath(sample.getRawPath());
        event.setHeaders(sample.getHeaders());
        APIGatewayV2HTTPEvent.RequestContext given = sample.getRequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Http http = given.getHttp();
        int h = cartId.hashCode();
        event.setRequestContext(new APIGatewayV2HTTPEvent.RequestContext(
                given.getRouteKey(),
                given.getAccountId(),
                given.getStage(),
                given.getApiId(),
                given.getDomainName(),
                given.getDomainPrefix(),
                given.getTime(),
                given.getTimeEpoch(),
                new APIGatewayV2HTTPEvent.RequestContext.Http(
                        http.getMethod(),
                        http.getPath(),
                        http.getProtocol(),
                        "10." + (h >>> 16 & 255) + "." + (h >>> 8 & 255) + "." + (h & 255),
                        http.getUserAgent()),
                given.getAuthorizer(),
                given.getRequestId()));
        event.setIsBase64Encoded(false);
        return event;
    }

    /** An events-samples file turned into the event object the way the Lambda Java runtime does. */
    private static APIGatewayV2HTTPEvent event(String name) {
        try (InputStream in = resource("events-samples/" + name)) {
            return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, Bench.class.getClassLoader())
                    .fromJson(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = Bench.class.getResourceAsStream("/bench/" + name);
        if (in == null) {
            throw new IllegalStateException("Missing resource bench/" + name + " (build with mvn package)");
        }
        return in;
    }

    /** Runs {@code op} on {@code threads} threads for {@code seconds}; op returns false on an expected refusal. */
    private static Result runFor(int seconds, int threads, java.util.concurrent.Callable<Boolean> op) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<long[]> samples = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<long[]>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                long[] lat = new long[200_000];
                int n = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    if (op.call()) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                    if (n < lat.length) {
                        lat[n++] = System.nanoTime() - t0;
                    }
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        for (Future<long[]> f : futures) {
            samples.add(f.get());
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] all = samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(ok.get() / elapsed, all, failed.get());
    }

    private record Result(double perSecond, long[] sortedNanos, long failures) {
        double p(int percentile) {
            if (sortedNanos.length == 0) {
                return 0;
            }
            int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(sortedNanos.length * percentile / 100.0) - 1);
            return sortedNanos[Math.max(0, index)] / 1e6;
        }
    }
}
