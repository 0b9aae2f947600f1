package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import dev.samlocal.Options;
import dev.samlocal.core.LocalAws;
import dev.samlocal.eventbridge.LocalEventBridge;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.InternalException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * PutEvents outages injected into the local EventBridge, seen through the real {@code EventBridgeClient} (with its own
 * retries) and through the template's rules (rules-template.yaml: source "things" on the things bus →
 * RecorderFunction).
 */
class LocalEventBridgeFaultsTest {

    private static final String BUS = LiveshopDevLayer.STACK_NAME + "-things";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static LocalStack stack;
    private static EventBridgeClient client;

    @BeforeAll
    static void start() throws Exception {
        Path template = Path.of(LocalEventBridgeFaultsTest.class
                .getClassLoader()
                .getResource("rules-template.yaml")
                .toURI());
        stack = LocalStack.start(
                Options.ephemeral().withSeed(false).withSchedules(false).withTemplate(template));
        client = AwsClients.eventBridge(new AppConfig(LocalAws.settings(
                Map.of("AWS_ENDPOINT_URL_EVENTBRIDGE", stack.eventBridge().endpoint()))));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void recover() {
        stack.eventBridge().recover();
    }

    /** Puts one "things" event whose detail carries {@code marker}. */
    private static PutEventsResponse put(String marker) {
        return client.putEvents(r -> r.entries(e -> e.eventBusName(BUS)
                .source("things")
                .detailType("FaultTest")
                .detail("{\"marker\":\"" + marker + "\"}")));
    }

    private static List<JsonNode> recorded(String marker) {
        return stack.eventBridge().events("FaultTest").stream()
                .filter(e -> marker.equals(e.at("/detail/marker").asText()))
                .map(JsonNode.class::cast)
                .toList();
    }

    private static List<ScheduledEvent> routed(String marker) {
        return RecordingHandler.RECEIVED.stream()
                .filter(e -> marker.equals(String.valueOf(e.getDetail().get("marker"))))
                .toList();
    }

    private static void awaitRouted(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (routed(marker).isEmpty()) {
            assertThat(System.nanoTime())
                    .as("event %s never reached RecorderFunction", marker)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String marker() {
        return UUID.randomUUID().toString();
    }

    @Test
    void whileFailingPutEventsThrowsAndNothingIsRecordedOrRoutedThenRecoveryDeliversAgain() throws Exception {
        LocalEventBridge bridge = stack.eventBridge();
        long failedBefore = bridge.faults().failedRequests();
        bridge.failPutEventsUntilRecovered();

        String lost = marker();
        assertThatThrownBy(() -> put(lost)).isInstanceOfSatisfying(InternalException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(500);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalException");
        });
        long attempts = bridge.faults().failedRequests() - failedBefore;
        assertThat(attempts).as("the SDK's attempts, each one failed request").isGreaterThanOrEqualTo(1);
        assertThat(bridge.faults().failing()).isTrue();
        assertThat(bridge.awaitDeliveries(WAIT.toMillis())).isTrue();
        assertThat(recorded(lost)).isEmpty();
        assertThat(routed(lost)).isEmpty();

        bridge.recover();
        assertThat(bridge.faults()).isEqualTo(new LocalEventBridge.FaultState(false, 0, failedBefore + attempts));
        String retried = marker();
        assertThat(put(retried).failedEntryCount()).isZero();
        assertThat(recorded(retried)).hasSize(1);
        awaitRouted(retried);
        assertThat(routed(lost)).isEmpty();
    }

    @Test
    void countedFailuresAreUsedUpByRequestsSoTheSdksRetriesCanOutlastThem() throws Exception {
        LocalEventBridge bridge = stack.eventBridge();
        // How many attempts one call makes: fail them all once and count.
        long before = bridge.faults().failedRequests();
        bridge.failPutEventsUntilRecovered();
        assertThatThrownBy(() -> put(marker())).isInstanceOf(InternalException.class);
        int attempts = (int) (bridge.faults().failedRequests() - before);
        bridge.recover();

        // As many failures as attempts: the call fails, and the very next call goes through.
        bridge.failNextPutEvents(attempts);
        String lost = marker();
        assertThatThrownBy(() -> put(lost)).isInstanceOf(InternalException.class);
        assertThat(bridge.faults().failNextRequests()).isZero();
        String next = marker();
        assertThat(put(next).failedEntryCount()).isZero();
        assertThat(recorded(lost)).isEmpty();
        assertThat(recorded(next)).hasSize(1);

        if (attempts > 1) {
            // Fewer failures than attempts: the SDK's retry succeeds, and the event is recorded once.
            bridge.failNextPutEvents(attempts - 1);
            String survived = marker();
            assertThat(put(survived).failedEntryCount()).isZero();
            assertThat(recorded(survived)).hasSize(1);
            awaitRouted(survived);
            assertThat(routed(survived)).hasSize(1);
            assertThat(bridge.faults().failNextRequests()).isZero();
        }
    }

    @Test
    void theHttpControlSetsAndReportsTheFaultAndIsListedInGetLocal() throws Exception {
        JsonNode endpoints = LocalHttp.json(LocalHttp.send(stack.url(), "GET", "/_local", null))
                .get("endpoints");
        assertThat(endpoints.has("POST " + LocalEventBridge.FAULTS_PATH)).isTrue();

        HttpResponse<String> counted =
                LocalHttp.send(stack.url(), "POST", LocalEventBridge.FAULTS_PATH, "{\"failNextRequests\": 2}");
        assertThat(counted.statusCode()).as(counted.body()).isEqualTo(200);
        assertThat(LocalHttp.json(counted).get("failNextRequests").asInt()).isEqualTo(2);
        assertThat(LocalHttp.json(counted).get("failing").asBoolean()).isFalse();
        assertThat(stack.eventBridge().faults().failNextRequests()).isEqualTo(2);

        HttpResponse<String> down =
                LocalHttp.send(stack.url(), "POST", LocalEventBridge.FAULTS_PATH, "{\"failing\": true}");
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(LocalHttp.json(down).get("failing").asBoolean()).isTrue();
        String lost = marker();
        assertThatThrownBy(() -> put(lost)).isInstanceOf(InternalException.class);
        assertThat(recorded(lost)).isEmpty();

        HttpResponse<String> up =
                LocalHttp.send(stack.url(), "POST", LocalEventBridge.FAULTS_PATH, "{\"failing\": false}");
        assertThat(up.statusCode()).isEqualTo(200);
        JsonNode state = LocalHttp.json(up);
        assertThat(state.get("failing").asBoolean()).isFalse();
        assertThat(state.get("failNextRequests").asInt()).isZero();
        assertThat(state.get("failedRequests").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(LocalHttp.json(LocalHttp.send(stack.url(), "GET", LocalEventBridge.FAULTS_PATH, null)))
                .isEqualTo(state);
        assertThat(put(marker()).failedEntryCount()).isZero();
    }

    @Test
    void theHttpControlRefusesAnythingElse() throws Exception {
        for (String bad : List.of(
                "{}",
                "{\"failNextRequests\": -1}",
                "{\"failNextRequests\": 1.5}",
                "{\"failNextRequests\": \"2\"}",
                "{\"failing\": \"yes\"}",
                "{\"failing\": true, \"failNextRequests\": 1}",
                "[]",
                "3")) {
            HttpResponse<String> response = LocalHttp.send(stack.url(), "POST", LocalEventBridge.FAULTS_PATH, bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(LocalHttp.json(response).at("/error/code").asText())
                    .as(bad)
                    .isEqualTo("VALIDATION_FAILED");
        }
        HttpResponse<String> garbage = LocalHttp.send(stack.url(), "POST", LocalEventBridge.FAULTS_PATH, "{nope");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(LocalHttp.json(garbage).at("/error/code").asText()).isEqualTo("INVALID_JSON");
        assertThat(stack.eventBridge().faults().failing()).isFalse();
        assertThat(stack.eventBridge().faults().failNextRequests()).isZero();
    }
}
