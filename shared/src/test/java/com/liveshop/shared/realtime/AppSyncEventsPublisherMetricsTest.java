package com.liveshop.shared.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.metrics.ShowMetrics;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The publisher's metrics against a real HTTP endpoint that answers as AppSync Events does (or fails): frames accepted
 * by type, and the events refused or dropped after the retries as publish failures.
 */
class AppSyncEventsPublisherMetricsTest {

    private HttpServer server;
    private final AtomicReference<Answer> answer = new AtomicReference<>();
    private final List<ShowMetrics.Point> points = new CopyOnWriteArrayList<>();
    private AppSyncEventsPublisher publisher;

    private record Answer(int status, String body) {}

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/event", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = answer.get().body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.get().status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        publisher = new AppSyncEventsPublisher(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/event"),
                AwsClients.httpClient(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")),
                "us-east-1",
                retry -> Duration.ofMillis(1),
                points::add);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aPublishThatFailsEveryAttemptCountsItsEventsAsPublishFailures() {
        answer.set(new Answer(500, "{\"errors\":[{\"errorType\":\"InternalFailure\"}]}"));

        int accepted = publisher.publish("/shows/s-1", List.of(new Frames.Viewers(12), new Frames.Stock("sku-1", 3)));

        assertThat(accepted).isZero();
        assertThat(points).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo(ShowMetrics.PUBLISH_FAILURES);
            assertThat(p.value()).isEqualTo(2.0);
            assertThat(p.dimensions()).isEqualTo(Map.of(ShowMetrics.TARGET, ShowMetrics.APPSYNC_EVENTS));
        });
    }

    @Test
    void acceptedFramesAreCountedByTypeAndRefusedOnesAsFailures() {
        answer.set(new Answer(
                200,
                "{\"successful\":[{\"identifier\":\"a\",\"index\":0},{\"identifier\":\"c\",\"index\":2}],"
                        + "\"failed\":[{\"identifier\":\"b\",\"index\":1,\"code\":\"400\",\"message\":\"too big\"}]}"));

        int accepted = publisher.publish(
                "/shows/s-1", List.of(new Frames.Viewers(12), new Frames.Stock("sku-1", 3), new Frames.Viewers(13)));

        assertThat(accepted).isEqualTo(2);
        assertThat(points)
                .containsExactlyInAnyOrder(
                        new ShowMetrics.Point(
                                ShowMetrics.FRAMES_PUBLISHED, 2, Map.of(ShowMetrics.FRAME_TYPE, "viewers")),
                        new ShowMetrics.Point(
                                ShowMetrics.PUBLISH_FAILURES,
                                1,
                                Map.of(ShowMetrics.TARGET, ShowMetrics.APPSYNC_EVENTS)));
    }
}
