package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import dev.samlocal.core.LocalAws;
import dev.samlocal.ivs.IvsEvents;
import dev.samlocal.ivs.LocalIvs;
import dev.samlocal.lambda.TemplateFunctions;
import dev.samlocal.protocol.AwsError;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.ivs.IvsClient;
import software.amazon.awssdk.services.ivs.model.Channel;
import software.amazon.awssdk.services.ivs.model.ChannelLatencyMode;
import software.amazon.awssdk.services.ivs.model.ChannelNotBroadcastingException;
import software.amazon.awssdk.services.ivs.model.ChannelType;
import software.amazon.awssdk.services.ivs.model.ConflictException;
import software.amazon.awssdk.services.ivs.model.CreateChannelResponse;
import software.amazon.awssdk.services.ivs.model.GetStreamResponse;
import software.amazon.awssdk.services.ivs.model.ListStreamKeysResponse;
import software.amazon.awssdk.services.ivs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ivs.model.StreamKey;
import software.amazon.awssdk.services.ivs.model.StreamState;
import software.amazon.awssdk.services.ivs.model.ThrottlingException;
import software.amazon.awssdk.services.ivs.model.ValidationException;

/**
 * The local IVS driven by the real {@link IvsClient} (no retries, so every answer is seen as IVS gave it) and by the
 * broadcast control over HTTP, on a test template whose rule routes {@code aws.ivs} events to a recording handler.
 */
class LocalIvsTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static LocalStack stack;
    private static IvsClient ivs;
    private static String recordingConfigurationArn;

    @BeforeAll
    static void start() throws Exception {
        Path template = Path.of(LocalIvsTest.class
                .getClassLoader()
                .getResource("ivs-template.yaml")
                .toURI());
        stack = LocalStack.start(new Options("127.0.0.1", 0, 0, false, false, Optional.of(template)));
        ivs = client(stack);
        recordingConfigurationArn = "arn:aws:ivs:us-east-1:" + TemplateFunctions.ACCOUNT_ID
                + ":recording-configuration/RecordingConfiguration";
    }

    @AfterAll
    static void stop() {
        if (ivs != null) {
            ivs.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** An IvsClient built the project's way, pointed at the stack, with retries off. */
    static IvsClient client(LocalStack stack) {
        AppConfig config = new AppConfig(
                LocalAws.settings(Map.of("AWS_ENDPOINT_URL_IVS", stack.ivs().endpoint())));
        return AwsClients.configure(IvsClient.builder(), config, "IVS")
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(20))
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .build())
                .httpClient(AwsClients.httpClient())
                .build();
    }

    private static CreateChannelResponse newChannel() {
        return ivs.createChannel(r -> r.name("show-" + System.nanoTime()).latencyMode(ChannelLatencyMode.LOW));
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.url() + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> broadcast(String channelArn, String action) throws Exception {
        return post(LocalIvs.BROADCAST_PATH, "{\"channelArn\":\"" + channelArn + "\",\"action\":\"" + action + "\"}");
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    // ---- control plane through the real IvsClient ----

    @Test
    void createChannelAnswersLikeIvsAndGetChannelGivesTheSameChannel() {
        CreateChannelResponse created = ivs.createChannel(r -> r.name("cyber-deals")
                .latencyMode(ChannelLatencyMode.LOW)
                .type(ChannelType.STANDARD)
                .recordingConfigurationArn(recordingConfigurationArn)
                .tags(Map.of("show", "cds")));
        Channel channel = created.channel();
        assertThat(channel.arn()).matches("arn:aws:ivs:us-east-1:000000000000:channel/[a-zA-Z0-9]{12}");
        assertThat(channel.name()).isEqualTo("cyber-deals");
        assertThat(channel.latencyMode()).isEqualTo(ChannelLatencyMode.LOW);
        assertThat(channel.type()).isEqualTo(ChannelType.STANDARD);
        assertThat(channel.recordingConfigurationArn()).isEqualTo(recordingConfigurationArn);
        assertThat(channel.authorized()).isFalse();
        assertThat(channel.tags()).containsEntry("show", "cds");
        assertThat(channel.ingestEndpoint()).endsWith(".global-contribute.live-video.net");
        assertThat(channel.playbackUrl())
                .startsWith("https://")
                .endsWith(".m3u8")
                .contains(channel.arn().substring(channel.arn().lastIndexOf('/') + 1));

        StreamKey key = created.streamKey();
        assertThat(key.arn()).matches("arn:aws:ivs:us-east-1:000000000000:stream-key/[a-zA-Z0-9]{12}");
        assertThat(key.value()).startsWith("sk_us-east-1_").hasSizeGreaterThan(30);
        assertThat(key.channelArn()).isEqualTo(channel.arn());

        assertThat(ivs.getChannel(r -> r.arn(channel.arn())).channel()).isEqualTo(channel);
        assertThat(stack.ivs().channel(channel.arn())).hasValueSatisfying(c -> {
            assertThat(c.name()).isEqualTo("cyber-deals");
            assertThat(c.live()).isFalse();
        });
    }

    @Test
    void defaultsAreLowLatencyStandardWithoutRecording() {
        Channel channel = ivs.createChannel(r -> {}).channel();
        assertThat(channel.latencyMode()).isEqualTo(ChannelLatencyMode.LOW);
        assertThat(channel.type()).isEqualTo(ChannelType.STANDARD);
        assertThat(channel.recordingConfigurationArn()).isEmpty();
        assertThat(channel.name()).isEmpty();
    }

    @Test
    void streamKeysAreListedWithoutTheirValueAndReadWithIt() {
        CreateChannelResponse created = newChannel();
        ListStreamKeysResponse list =
                ivs.listStreamKeys(r -> r.channelArn(created.channel().arn()));
        assertThat(list.streamKeys()).singleElement().satisfies(summary -> {
            assertThat(summary.arn()).isEqualTo(created.streamKey().arn());
            assertThat(summary.channelArn()).isEqualTo(created.channel().arn());
        });
        assertThat(list.nextToken()).isNull();
        StreamKey key = ivs.getStreamKey(r -> r.arn(created.streamKey().arn())).streamKey();
        assertThat(key.value()).isEqualTo(created.streamKey().value());
        assertThat(key.channelArn()).isEqualTo(created.channel().arn());
    }

    @Test
    void aStreamKeyIsUntaggedUntilTagResourceTagsItAndAnUnknownOneIsNotFound() {
        CreateChannelResponse created = newChannel();
        String keyArn = created.streamKey().arn();
        assertThat(ivs.getStreamKey(r -> r.arn(keyArn)).streamKey().tags()).isEmpty();

        ivs.tagResource(r -> r.resourceArn(keyArn).tags(Map.of("liveshop", "session")));

        assertThat(ivs.getStreamKey(r -> r.arn(keyArn)).streamKey().tags()).containsEntry("liveshop", "session");
        assertThat(ivs.listStreamKeys(r -> r.channelArn(created.channel().arn()))
                        .streamKeys()
                        .get(0)
                        .tags())
                .containsEntry("liveshop", "session");
        assertThatThrownBy(() -> ivs.tagResource(
                        r -> r.resourceArn(keyArn.replaceAll(".{4}$", "ZZZZ")).tags(Map.of("a", "b"))))
                .isInstanceOf(software.amazon.awssdk.services.ivs.model.ResourceNotFoundException.class);
    }

    @Test
    void getStreamAndStopStreamFollowTheBroadcast() throws Exception {
        String arn = newChannel().channel().arn();
        assertThatThrownBy(() -> ivs.getStream(r -> r.channelArn(arn)))
                .isInstanceOf(ChannelNotBroadcastingException.class)
                .satisfies(e -> assertThat(((ChannelNotBroadcastingException) e).statusCode())
                        .isEqualTo(404));

        LocalIvs.Stream started = stack.ivs().broadcast(arn, LocalIvs.Action.START);
        GetStreamResponse stream = ivs.getStream(r -> r.channelArn(arn));
        assertThat(stream.stream().state()).isEqualTo(StreamState.LIVE);
        assertThat(stream.stream().streamId()).isEqualTo(started.streamId()).matches("st-[a-zA-Z0-9]{23}");
        assertThat(stream.stream().startTime()).isEqualTo(started.startTime());
        assertThat(stream.stream().channelArn()).isEqualTo(arn);
        assertThat(stream.stream().playbackUrl())
                .isEqualTo(ivs.getChannel(r -> r.arn(arn)).channel().playbackUrl());

        ivs.stopStream(r -> r.channelArn(arn));
        assertThatThrownBy(() -> ivs.getStream(r -> r.channelArn(arn)))
                .isInstanceOf(ChannelNotBroadcastingException.class);
        assertThatThrownBy(() -> ivs.stopStream(r -> r.channelArn(arn)))
                .isInstanceOf(ChannelNotBroadcastingException.class);
        assertThat(stack.ivs().channel(arn).orElseThrow().stream()).hasValueSatisfying(s -> {
            assertThat(s.streamId()).isEqualTo(started.streamId());
            assertThat(s.live()).isFalse();
        });

        LocalIvs.Stream again = stack.ivs().broadcast(arn, LocalIvs.Action.START);
        assertThat(again.streamId()).isNotEqualTo(started.streamId());
        stack.ivs().broadcast(arn, LocalIvs.Action.STOP);
    }

    @Test
    void putMetadataNeedsALiveChannel() {
        String arn = newChannel().channel().arn();
        assertThatThrownBy(() -> ivs.putMetadata(r -> r.channelArn(arn).metadata("{\"sku\":\"a\"}")))
                .isInstanceOf(ChannelNotBroadcastingException.class);
        stack.ivs().broadcast(arn, LocalIvs.Action.START);
        ivs.putMetadata(r -> r.channelArn(arn).metadata("{\"sku\":\"a\"}"));
        stack.ivs().broadcast(arn, LocalIvs.Action.STOP);
        assertThatThrownBy(() -> ivs.putMetadata(r -> r.channelArn(arn).metadata("{\"sku\":\"b\"}")))
                .isInstanceOf(ChannelNotBroadcastingException.class);
        assertThat(stack.ivs().cues(arn)).extracting(LocalIvs.Cue::text).containsExactly("{\"sku\":\"a\"}");
    }

    @Test
    void metadataOverOneKilobyteOfUtf8IsRejectedAndExactlyOneKilobyteIsAccepted() {
        String arn = newChannel().channel().arn();
        stack.ivs().broadcast(arn, LocalIvs.Action.START);
        String exactly = "€".repeat(341) + "a"; // 341 × 3 bytes + 1 = 1,024 bytes, 342 chars
        String over = "€".repeat(342); // 1,026 bytes, far fewer than 1,024 chars
        String emoji = "😀".repeat(257); // 1,028 bytes in surrogate pairs
        ivs.putMetadata(r -> r.channelArn(arn).metadata(exactly));
        for (String metadata : List.of(over, emoji)) {
            assertThatThrownBy(() -> ivs.putMetadata(r -> r.channelArn(arn).metadata(metadata)))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("1024");
                    });
        }
        assertThatThrownBy(() -> ivs.putMetadata(r -> r.channelArn(arn).metadata("")))
                .isInstanceOf(ValidationException.class);
        assertThat(stack.ivs().cues(arn)).extracting(LocalIvs.Cue::text).containsExactly(exactly);
        stack.ivs().broadcast(arn, LocalIvs.Action.STOP);
    }

    @Test
    void aBurstOfTwentyPutMetadataIsThrottledToFivePerSecond() throws Exception {
        String arn = newChannel().channel().arn();
        stack.ivs().broadcast(arn, LocalIvs.Action.START);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        ivs.putMetadata(r -> r.channelArn(arn).metadata("{\"n\":" + n + "}"));
                        return "ok";
                    } catch (ThrottlingException e) {
                        assertThat(e.statusCode()).isEqualTo(429);
                        return "throttled";
                    }
                }));
            }
            long began = System.nanoTime();
            go.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> result : results) {
                outcomes.add(result.get());
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            long accepted = outcomes.stream().filter("ok"::equals).count();
            // A full bucket lets the first 5 through; after that at most 5 per second of the burst's duration.
            assertThat(accepted).isGreaterThanOrEqualTo(5).isLessThanOrEqualTo(5 + (long) Math.ceil(5 * seconds));
            assertThat(outcomes).contains("throttled");
            assertThat(stack.ivs().cues(arn)).hasSize((int) accepted);
        } finally {
            pool.shutdownNow();
            stack.ivs().broadcast(arn, LocalIvs.Action.STOP);
        }
    }

    @Test
    void unknownArnsAreResourceNotFound() {
        String missing = "arn:aws:ivs:us-east-1:000000000000:channel/NoSuchChan01";
        List<Runnable> calls = List.of(
                () -> ivs.getChannel(r -> r.arn(missing)),
                () -> ivs.getStream(r -> r.channelArn(missing)),
                () -> ivs.stopStream(r -> r.channelArn(missing)),
                () -> ivs.putMetadata(r -> r.channelArn(missing).metadata("x")),
                () -> ivs.listStreamKeys(r -> r.channelArn(missing)),
                () -> ivs.deleteChannel(r -> r.arn(missing)),
                () -> ivs.getStreamKey(r -> r.arn("arn:aws:ivs:us-east-1:000000000000:stream-key/NoSuchKey001")),
                () -> ivs.createChannel(r -> r.recordingConfigurationArn(
                        "arn:aws:ivs:us-east-1:000000000000:recording-configuration/Unknown")));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(404);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
                assertThat(e.getMessage()).isNotBlank();
            });
        }
    }

    @Test
    void badInputIsAValidationException() {
        String arn = newChannel().channel().arn();
        List<Runnable> calls = List.of(
                () -> ivs.getChannel(r -> r.arn("not-an-arn")),
                () -> ivs.getStream(r -> r.channelArn("arn:aws:ivs:us-east-1:000000000000:stream-key/abc")),
                () -> ivs.createChannel(r -> r.name("has spaces")),
                () -> ivs.createChannel(r -> r.latencyMode("FAST")),
                () -> ivs.createChannel(r -> r.type("HUGE")),
                () -> ivs.createChannel(r -> r.recordingConfigurationArn("s3://bucket")),
                () -> ivs.listStreamKeys(r -> r.channelArn(arn).maxResults(0)),
                () -> ivs.listStreamKeys(r -> r.channelArn(arn).maxResults(51)),
                () -> ivs.getStreamKey(r -> r.arn(arn)));
        int before = stack.ivs().channels().size();
        for (Runnable call : calls) {
            assertThatThrownBy(call::run)
                    .isInstanceOfSatisfying(
                            ValidationException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(400));
        }
        assertThat(stack.ivs().channels()).hasSize(before);
    }

    @Test
    void aLiveChannelCannotBeDeletedAndAnEndedOneIsGoneWithItsKey() {
        CreateChannelResponse created = newChannel();
        String arn = created.channel().arn();
        stack.ivs().broadcast(arn, LocalIvs.Action.START);
        assertThatThrownBy(() -> ivs.deleteChannel(r -> r.arn(arn)))
                .isInstanceOfSatisfying(
                        ConflictException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
        ivs.stopStream(r -> r.channelArn(arn));
        ivs.deleteChannel(r -> r.arn(arn));
        assertThatThrownBy(() -> ivs.getChannel(r -> r.arn(arn))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> ivs.getStreamKey(r -> r.arn(created.streamKey().arn())))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(stack.ivs().channel(arn)).isEmpty();
    }

    @Test
    void functionsReachTheLocalIvsThroughTheSdkEndpointVariable() throws Exception {
        assertThat(IvsEventRecorder.lastConfig.required("AWS_ENDPOINT_URL_IVS")).isEqualTo(stack.url() + LocalIvs.PATH);
        assertThat(IvsEventRecorder.lastConfig.required("RECORDING_CONFIGURATION_ARN"))
                .isEqualTo(recordingConfigurationArn);
        assertThat(IvsEventRecorder.lastConfig.required("RECORDINGS_BUCKET"))
                .isEqualTo(LiveshopDevLayer.STACK_NAME + "-recordingsbucket");
        JsonNode index = Json.MAPPER.readTree(HTTP.send(
                        HttpRequest.newBuilder(URI.create(stack.url() + "/_local"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        List<String> endpoints = new ArrayList<>();
        index.get("endpoints").fieldNames().forEachRemaining(endpoints::add);
        assertThat(endpoints)
                .contains(
                        "POST " + LocalIvs.PATH + "/{Operation}",
                        "POST " + LocalIvs.BROADCAST_PATH,
                        "GET " + LocalIvs.CHANNELS_PATH,
                        "WS " + LocalIvs.PLAYER_PATH + "?channelArn=");
    }

    // ---- the broadcast control and the events it emits ----

    @Test
    void startAndStopEmitIvsEventsThatTheRuleRoutesToTheFunction() throws Exception {
        CreateChannelResponse created =
                ivs.createChannel(r -> r.name("recorded-show").recordingConfigurationArn(recordingConfigurationArn));
        String arn = created.channel().arn();
        String channelId = arn.substring(arn.lastIndexOf('/') + 1);

        HttpResponse<String> start = broadcast(arn, "start");
        assertThat(start.statusCode()).as(start.body()).isEqualTo(200);
        String streamId = json(start).get("streamId").asText();
        assertThat(json(start).get("state").asText()).isEqualTo("LIVE");
        Instant startTime = Instant.parse(json(start).get("startTime").asText());

        HttpResponse<String> stop = broadcast(arn, "stop");
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        assertThat(json(stop).get("state").asText()).isEqualTo("OFFLINE");
        assertThat(json(stop).get("streamId").asText()).isEqualTo(streamId);
        long durationMs = json(stop).get("durationMs").asLong();

        List<JsonNode> events = stack.eventBridge().events(null).stream()
                .filter(e -> e.get("resources").get(0).asText().equals(arn))
                .map(JsonNode.class::cast)
                .toList();
        assertThat(events)
                .extracting(e -> e.get("detail-type").asText() + ": "
                        + e.at("/detail/event_name")
                                .asText(e.at("/detail/recording_status").asText()))
                .containsExactly(
                        "IVS Stream State Change: Session Created",
                        "IVS Stream State Change: Stream Start",
                        "IVS Recording State Change: Recording Start",
                        "IVS Stream State Change: Session Ended",
                        "IVS Stream State Change: Stream End",
                        "IVS Recording State Change: Recording End");
        for (JsonNode event : events) {
            assertThat(event.get("version").asText()).isEqualTo("0");
            assertThat(event.get("id").asText()).isNotBlank();
            assertThat(event.get("source").asText()).isEqualTo("aws.ivs");
            assertThat(event.get("account").asText()).isEqualTo(TemplateFunctions.ACCOUNT_ID);
            assertThat(event.get("region").asText()).isEqualTo(LocalAws.REGION);
            assertThat(Instant.parse(event.get("time").asText())).isNotNull();
            assertThat(event.get("resources")).hasSize(1);
            assertThat(event.get("eventBusName").asText()).isEqualTo(TemplateFunctions.DEFAULT_BUS);
            assertThat(event.at("/detail/channel_name").asText()).isEqualTo("recorded-show");
            assertThat(event.at("/detail/stream_id").asText()).isEqualTo(streamId);
        }
        JsonNode recordingEnd = events.get(5).get("detail");
        java.time.ZonedDateTime t = startTime.atZone(java.time.ZoneOffset.UTC);
        String sessionId = recordingEnd.get("recording_session_id").asText();
        assertThat(recordingEnd.get("recording_s3_bucket_name").asText())
                .isEqualTo(LiveshopDevLayer.STACK_NAME + "-recordingsbucket");
        assertThat(recordingEnd.get("recording_s3_key_prefix").asText())
                .isEqualTo("ivs/v1/000000000000/" + channelId + "/" + t.getYear() + "/" + t.getMonthValue() + "/"
                        + t.getDayOfMonth() + "/" + t.getHour() + "/" + t.getMinute() + "/" + sessionId);
        assertThat(recordingEnd.get("recording_duration_ms").asLong()).isEqualTo(durationMs);
        assertThat(recordingEnd.get("recording_status_reason").asText()).isEmpty();
        assertThat(recordingEnd.get("recording_session_stream_ids"))
                .extracting(JsonNode::asText)
                .containsExactly(streamId);
        assertThat(events.get(2).at("/detail/recording_duration_ms").asLong()).isZero();
        assertThat(events.get(2).at("/detail/recording_s3_key_prefix").asText())
                .isEqualTo(recordingEnd.get("recording_s3_key_prefix").asText());

        await(
                () -> IvsEventRecorder.RECEIVED.stream()
                                .filter(e -> e.getResources().contains(arn))
                                .count()
                        == 6,
                "6 routed events");
        List<ScheduledEvent> routed = IvsEventRecorder.RECEIVED.stream()
                .filter(e -> e.getResources().contains(arn))
                .toList();
        assertThat(routed).extracting(ScheduledEvent::getSource).containsOnly("aws.ivs");
        assertThat(routed)
                .extracting(e -> String.valueOf(
                        e.getDetail().getOrDefault("event_name", e.getDetail().get("recording_status"))))
                .containsExactlyInAnyOrder(
                        "Session Created",
                        "Stream Start",
                        "Recording Start",
                        "Session Ended",
                        "Stream End",
                        "Recording End");
        assertThat(routed).allSatisfy(e -> assertThat(e.getDetail()).containsEntry("stream_id", streamId));
    }

    @Test
    void stopStreamThroughTheApiEmitsTheSameEndEvents() throws Exception {
        String arn = newChannel().channel().arn();
        String streamId = stack.ivs().broadcast(arn, LocalIvs.Action.START).streamId();
        ivs.stopStream(r -> r.channelArn(arn));
        List<String> names = stack.eventBridge().events(IvsEvents.STREAM_STATE_CHANGE).stream()
                .filter(e -> e.at("/detail/stream_id").asText().equals(streamId))
                .map(e -> e.at("/detail/event_name").asText())
                .toList();
        assertThat(names).containsExactly("Session Created", "Stream Start", "Session Ended", "Stream End");
        assertThat(stack.eventBridge().events(IvsEvents.RECORDING_STATE_CHANGE).stream()
                        .filter(e -> e.at("/detail/stream_id").asText().equals(streamId)))
                .isEmpty();
    }

    @Test
    void theBroadcastControlRefusesWhatOBSCouldNotDo() throws Exception {
        String arn = newChannel().channel().arn();
        assertError(
                broadcast("arn:aws:ivs:us-east-1:000000000000:channel/NoSuchChan01", "start"),
                404,
                "CHANNEL_NOT_FOUND");
        assertError(broadcast(arn, "stop"), 409, "NOT_BROADCASTING");
        assertError(broadcast(arn, "pause"), 400, "VALIDATION_FAILED");
        assertError(post(LocalIvs.BROADCAST_PATH, "{\"action\":\"start\"}"), 400, "VALIDATION_FAILED");
        assertError(
                post(LocalIvs.BROADCAST_PATH, "{\"channelArn\":42,\"action\":\"start\"}"), 400, "VALIDATION_FAILED");
        assertError(post(LocalIvs.BROADCAST_PATH, "not json"), 400, "INVALID_JSON");
        assertError(post(LocalIvs.BROADCAST_PATH, "[]"), 400, "INVALID_JSON");
        assertThat(stack.ivs().channel(arn).orElseThrow().stream()).isEmpty();

        assertThat(broadcast(arn, "start").statusCode()).isEqualTo(200);
        assertError(broadcast(arn, "start"), 409, "ALREADY_LIVE");
        assertThat(broadcast(arn, "stop").statusCode()).isEqualTo(200);
        assertThat(stack.eventBridge().events(IvsEvents.STREAM_STATE_CHANGE).stream()
                        .filter(e -> e.get("resources").get(0).asText().equals(arn)))
                .hasSize(4);
        assertThatThrownBy(() -> stack.ivs().broadcast(arn, LocalIvs.Action.STOP))
                .isInstanceOfSatisfying(
                        AwsError.class, e -> assertThat(e.code()).isEqualTo("NOT_BROADCASTING"));
    }

    @Test
    void theChannelsListShowsStateButNeverAStreamKey() throws Exception {
        CreateChannelResponse created = newChannel();
        stack.ivs().broadcast(created.channel().arn(), LocalIvs.Action.START);
        HttpResponse<String> list = HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.url() + LocalIvs.CHANNELS_PATH))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body())
                .contains(created.channel().arn())
                .doesNotContain(created.streamKey().value());
        JsonNode mine = null;
        for (JsonNode channel : json(list)) {
            if (channel.get("arn").asText().equals(created.channel().arn())) {
                mine = channel;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.get("state").asText()).isEqualTo("LIVE");
        assertThat(mine.at("/stream/streamId").asText()).startsWith("st-");
        stack.ivs().broadcast(created.channel().arn(), LocalIvs.Action.STOP);
    }

    // ---- the simulated audience ----

    private static HttpResponse<String> viewers(String channelArn, String count) throws Exception {
        return post(LocalIvs.VIEWERS_PATH, "{\"channelArn\":\"" + channelArn + "\",\"count\":" + count + "}");
    }

    private static long viewerCount(String arn) {
        return ivs.getStream(r -> r.channelArn(arn)).stream().viewerCount();
    }

    @Test
    void aSimulatedAudienceReplacesTheConnectedPlayersInGetStreamUntilCleared() throws Exception {
        String arn = newChannel().channel().arn();
        WebSocket player = HTTP.newWebSocketBuilder()
                .buildAsync(
                        URI.create(stack.url().replace("http://", "ws://") + LocalIvs.PLAYER_PATH + "?channelArn="
                                + URLEncoder.encode(arn, StandardCharsets.UTF_8)),
                        new WebSocket.Listener() {})
                .join();
        try {
            await(() -> stack.ivs().players(arn) == 1, "the player connected");
            stack.ivs().broadcast(arn, LocalIvs.Action.START);
            assertThat(viewerCount(arn)).as("the connected players").isEqualTo(1);

            HttpResponse<String> set = viewers(arn, "25000");
            assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
            assertThat(json(set).get("channelArn").asText()).isEqualTo(arn);
            assertThat(json(set).get("viewerCount").asLong()).isEqualTo(25_000);
            assertThat(viewerCount(arn)).isEqualTo(25_000);

            assertThat(json(viewers(arn, "0")).get("viewerCount").asLong()).isZero();
            assertThat(viewerCount(arn)).as("0 is an audience too, not a clear").isZero();
            assertThat(json(viewers(arn, String.valueOf(LocalIvs.MAX_SIMULATED_VIEWERS)))
                            .get("viewerCount")
                            .asLong())
                    .isEqualTo(10_000_000);

            // It belongs to the channel, so it outlives a reconnecting host's broadcast.
            stack.ivs().broadcast(arn, LocalIvs.Action.STOP);
            stack.ivs().broadcast(arn, LocalIvs.Action.START);
            assertThat(viewerCount(arn)).isEqualTo(10_000_000);

            HttpResponse<String> cleared = viewers(arn, "null");
            assertThat(cleared.statusCode()).isEqualTo(200);
            assertThat(json(cleared).get("viewerCount").asLong())
                    .as("back to the players")
                    .isEqualTo(1);
            assertThat(viewerCount(arn)).isEqualTo(1);
            stack.ivs().broadcast(arn, LocalIvs.Action.STOP);
        } finally {
            player.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }

    @Test
    void badSimulatedAudiencesAreRefusedAndChangeNothing() throws Exception {
        String arn = newChannel().channel().arn();
        stack.ivs().broadcast(arn, LocalIvs.Action.START);
        assertThat(viewers(arn, "42").statusCode()).isEqualTo(200);
        for (String count : List.of("-1", "10000001", "1.5", "\"12\"", "true", "{}", "[3]", "1e12", "99999999999")) {
            assertError(viewers(arn, count), 400, "VALIDATION_FAILED");
        }
        assertError(post(LocalIvs.VIEWERS_PATH, "{\"channelArn\":\"" + arn + "\"}"), 400, "VALIDATION_FAILED");
        assertError(post(LocalIvs.VIEWERS_PATH, "{\"count\":5}"), 400, "VALIDATION_FAILED");
        assertError(post(LocalIvs.VIEWERS_PATH, "{\"channelArn\":42,\"count\":5}"), 400, "VALIDATION_FAILED");
        assertError(post(LocalIvs.VIEWERS_PATH, "not json"), 400, "INVALID_JSON");
        assertError(post(LocalIvs.VIEWERS_PATH, "[]"), 400, "INVALID_JSON");
        assertError(viewers("arn:aws:ivs:us-east-1:000000000000:channel/NoSuchChan01", "5"), 404, "CHANNEL_NOT_FOUND");
        assertThat(viewerCount(arn)).isEqualTo(42);
        assertThatThrownBy(() -> stack.ivs().simulateViewers(arn, -1))
                .isInstanceOfSatisfying(
                        AwsError.class, e -> assertThat(e.code()).isEqualTo("VALIDATION_FAILED"));
        assertThat(viewerCount(arn)).isEqualTo(42);
        stack.ivs().broadcast(arn, LocalIvs.Action.STOP);
    }

    @Test
    void theViewersControlIsDescribed() {
        assertThat(stack.ivs().describe()).containsKey("POST " + LocalIvs.VIEWERS_PATH);
    }

    private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json(response).at("/error/code").asText()).isEqualTo(code);
        assertThat(json(response).at("/error/message").asText()).isNotBlank();
    }
}
