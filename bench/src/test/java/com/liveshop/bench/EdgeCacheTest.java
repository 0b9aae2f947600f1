package com.liveshop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rehearsal's CDN against a real HTTP origin: what it keeps, for how long, and how often it asks the origin. */
class EdgeCacheTest {

    private HttpServer origin;
    private final AtomicInteger originRequests = new AtomicInteger();
    private volatile String cacheControl = "public, max-age=1, s-maxage=2, stale-while-revalidate=2";
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final HttpClient http = HttpClient.newHttpClient();
    private final EdgeCache edge = new EdgeCache();

    @BeforeEach
    void start() throws Exception {
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        origin.createContext("/", exchange -> {
            int n = originRequests.incrementAndGet();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = ("answer " + n).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("cache-control", cacheControl);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        origin.start();
    }

    @AfterEach
    void stop() {
        origin.stop(0);
    }

    private CompletableFuture<HttpResponse<String>> get(String path) {
        return edge.get(
                path,
                () -> http.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + origin.getAddress().getPort() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void aCrowdAskingAtOnceCostsTheOriginOneRequestAndFreshCopiesAreServedFromTheEdge() throws Exception {
        release = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> crowd = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            crowd.add(get("/sessions/s-1"));
        }
        release.countDown();
        for (CompletableFuture<HttpResponse<String>> r : crowd) {
            assertThat(r.get(10, TimeUnit.SECONDS).body()).isEqualTo("answer 1");
        }
        assertThat(get("/sessions/s-1").get().body()).as("fresh: from the edge").isEqualTo("answer 1");
        assertThat(originRequests).hasValue(1);
        assertThat(edge.misses()).isEqualTo(1);
        assertThat(edge.hits()).isEqualTo(500);
        assertThat(get("/sessions/s-2").get().body())
                .as("another URL is another entry")
                .isEqualTo("answer 2");
    }

    @Test
    void pastSMaxAgeTheStaleCopyIsServedWhileOneRequestRefreshesIt() throws Exception {
        assertThat(get("/products/p").get().body()).isEqualTo("answer 1");
        Thread.sleep(2_200); // past s-maxage=2, within stale-while-revalidate=2
        assertThat(get("/products/p").get().body())
                .as("stale, refreshed behind it")
                .isEqualTo("answer 1");
        String body = null;
        for (int i = 0; i < 100 && !"answer 2".equals(body); i++) { // the refresh lands within a few ms
            Thread.sleep(20);
            body = get("/products/p").get().body();
        }
        assertThat(body).isEqualTo("answer 2");
        assertThat(originRequests)
                .as("one refresh, however many asked meanwhile")
                .hasValue(2);
    }

    @Test
    void noStoreAndAnswersWithoutSMaxAgeAreNeverKept() throws Exception {
        cacheControl = "no-store";
        assertThat(get("/carts/c").get().body()).isEqualTo("answer 1");
        assertThat(get("/carts/c").get().body()).isEqualTo("answer 2");
        cacheControl = "public, max-age=5";
        get("/x").get();
        get("/x").get();
        assertThat(originRequests).hasValue(4);
        assertThat(edge.hits()).isZero();
    }
}
