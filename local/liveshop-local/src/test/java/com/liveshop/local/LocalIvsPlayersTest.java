package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import dev.samlocal.ivs.LocalIvs;
import java.io.StringWriter;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ivs.IvsClient;
import software.amazon.awssdk.services.ivs.model.CreateChannelResponse;

/**
 * Local players over a real WebSocket (the JDK client) and the stream key's secrecy, with every log line of the stack
 * captured from before it starts (the product's and sam-local's loggers at TRACE).
 */
class LocalIvsPlayersTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final StringWriter LOGS = new StringWriter();
    private static WriterAppender capture;
    /** The loggers opened to every level, and the level each had. */
    private static final Map<String, Level> PREVIOUS_LEVELS = new LinkedHashMap<>();

    private static LocalStack stack;
    private static IvsClient ivs;

    @BeforeAll
    static void start() throws Exception {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        capture = WriterAppender.newBuilder()
                .setName("ivs-test-capture")
                .setTarget(LOGS)
                .setLayout(PatternLayout.newBuilder()
                        .withPattern("%level %c - %msg%ex%n")
                        .build())
                .build();
        capture.start();
        config.addAppender(capture);
        config.getRootLogger().addAppender(capture, Level.ALL, null);
        for (String name : List.of("com.liveshop", "dev.samlocal")) {
            LoggerConfig logger = config.getLoggerConfig(name);
            PREVIOUS_LEVELS.put(name, logger.getLevel());
            logger.setLevel(Level.ALL);
        }
        context.updateLoggers();

        Path template = Path.of(LocalIvsPlayersTest.class
                .getClassLoader()
                .getResource("ivs-template.yaml")
                .toURI());
        stack = LocalStack.start(new Options("127.0.0.1", 0, 0, false, false, Optional.of(template)));
        ivs = LocalIvsTest.client(stack);
    }

    @AfterAll
    static void stop() {
        if (ivs != null) {
            ivs.close();
        }
        if (stack != null) {
            stack.close();
        }
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(capture.getName());
        PREVIOUS_LEVELS.forEach((name, level) -> config.getLoggerConfig(name).setLevel(level));
        context.updateLoggers();
        capture.stop();
    }

    /** A player page: collects text messages and the close status. */
    private static final class Player implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        static Player connect(LocalStack stack, String query) {
            Player player = new Player();
            URI uri = URI.create(stack.url().replace("http://", "ws://") + LocalIvs.PLAYER_PATH + query);
            player.socket = HTTP.newWebSocketBuilder().buildAsync(uri, player).join();
            return player;
        }

        JsonNode next() throws Exception {
            String message = messages.poll(20, TimeUnit.SECONDS);
            assertThat(message).as("a message within 20 s").isNotNull();
            return Json.MAPPER.readTree(message);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }
    }

    private static String query(String channelArn) {
        return "?channelArn=" + URLEncoder.encode(channelArn, StandardCharsets.UTF_8);
    }

    @Test
    void aCueReachesEveryPlayerOfTheChannelWithItsStreamTime() throws Exception {
        String arn = ivs.createChannel(r -> r.name("players")).channel().arn();
        String other = ivs.createChannel(r -> r.name("elsewhere")).channel().arn();
        Player first = Player.connect(stack, query(arn));
        Player second = Player.connect(stack, query(arn));
        Player elsewhere = Player.connect(stack, query(other));
        LocalIvsTest.await(
                () -> stack.ivs().players(arn) == 2 && stack.ivs().players(other) == 1, "3 players connected");

        Instant beforeStart = Instant.now();
        stack.ivs().broadcast(arn, LocalIvs.Action.START);
        stack.ivs().broadcast(other, LocalIvs.Action.START);
        String metadata = "{\"sku\":\"cds-cashmere-sweater\",\"title\":\"Pull en cachemire — 羊绒衫 🧶\"}";
        ivs.putMetadata(r -> r.channelArn(arn).metadata(metadata));
        long upperBoundMs = Duration.between(beforeStart, Instant.now()).toMillis() + 1;
        ivs.putMetadata(r -> r.channelArn(arn).metadata("second"));

        List<Long> streamTimes = new ArrayList<>();
        for (Player player : List.of(first, second)) {
            JsonNode cue = player.next();
            assertThat(cue.get("type").asText()).isEqualTo("TEXT_METADATA_CUE");
            assertThat(cue.get("text").asText()).isEqualTo(metadata);
            assertThat(cue.get("streamTimeMs").asLong()).isBetween(0L, upperBoundMs);
            streamTimes.add(cue.get("streamTimeMs").asLong());
            JsonNode next = player.next();
            assertThat(next.get("text").asText()).isEqualTo("second");
            assertThat(next.get("streamTimeMs").asLong())
                    .isGreaterThanOrEqualTo(cue.get("streamTimeMs").asLong());
        }
        assertThat(streamTimes.get(0)).isEqualTo(streamTimes.get(1));
        assertThat(stack.ivs().cues(arn))
                .extracting(LocalIvs.Cue::streamTimeMs)
                .first()
                .isEqualTo(streamTimes.get(0));
        assertThat(elsewhere.messages).isEmpty();
        assertThat(ivs.getStream(r -> r.channelArn(arn)).stream().viewerCount()).isEqualTo(2);

        first.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        LocalIvsTest.await(() -> stack.ivs().players(arn) == 1, "the closed player removed");
        ivs.putMetadata(r -> r.channelArn(arn).metadata("third"));
        assertThat(second.next().get("text").asText()).isEqualTo("third");
        stack.ivs().broadcast(arn, LocalIvs.Action.STOP);
        stack.ivs().broadcast(other, LocalIvs.Action.STOP);
        second.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        elsewhere.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    @Test
    void aPlayerOfAnUnknownChannelIsClosedWithAClearReason() throws Exception {
        Player unknown = Player.connect(stack, query("arn:aws:ivs:us-east-1:000000000000:channel/NoSuchChan01"));
        assertThat(unknown.closed.get(20, TimeUnit.SECONDS))
                .isEqualTo(LocalIvs.CLOSE_UNKNOWN_CHANNEL
                        + " Unknown IVS channel: arn:aws:ivs:us-east-1:000000000000:channel/NoSuchChan01");
        Player missing = Player.connect(stack, "");
        assertThat(missing.closed.get(20, TimeUnit.SECONDS))
                .startsWith(LocalIvs.CLOSE_BAD_REQUEST + " ")
                .contains("channelArn");
        Player longArn = Player.connect(stack, query("x".repeat(500)));
        assertThat(longArn.closed.get(20, TimeUnit.SECONDS))
                .startsWith(LocalIvs.CLOSE_UNKNOWN_CHANNEL + " Unknown IVS channel: xxx");
    }

    @Test
    void theStreamKeyIsNeverLoggedNorInAnyLocalAnswer() throws Exception {
        CreateChannelResponse created = ivs.createChannel(r -> r.name("secret-show")
                .recordingConfigurationArn(
                        "arn:aws:ivs:us-east-1:000000000000:recording-configuration/RecordingConfiguration"));
        String key = created.streamKey().value();
        String arn = created.channel().arn();
        assertThat(ivs.getStreamKey(r -> r.arn(created.streamKey().arn()))
                        .streamKey()
                        .value())
                .isEqualTo(key);
        ivs.listStreamKeys(r -> r.channelArn(arn));
        Player player = Player.connect(stack, query(arn));
        LocalIvsTest.await(() -> stack.ivs().players(arn) == 1, "player connected");
        HttpResponse<String> start = HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.url() + LocalIvs.BROADCAST_PATH))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"channelArn\":\"" + arn + "\",\"action\":\"start\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        ivs.putMetadata(r -> r.channelArn(arn).metadata("{\"sku\":\"x\"}"));
        ivs.getStream(r -> r.channelArn(arn));
        player.next();
        ivs.stopStream(r -> r.channelArn(arn));
        assertThat(stack.eventBridge().awaitDeliveries(20_000)).isTrue();
        List<String> answers = new ArrayList<>(List.of(start.body()));
        for (String path : List.of("/_local", "/_local/events", LocalIvs.CHANNELS_PATH)) {
            answers.add(HTTP.send(
                            HttpRequest.newBuilder(URI.create(stack.url() + path))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
        }
        ivs.deleteChannel(r -> r.arn(arn));
        assertThat(player.closed.get(20, TimeUnit.SECONDS)).startsWith("4410 ");

        assertThat(answers).allSatisfy(body -> assertThat(body).doesNotContain(key));
        String logs = LOGS.toString();
        assertThat(logs)
                .contains("IVS channel " + arn + " created")
                .contains("IVS broadcast")
                .contains("IVS channel " + arn + " deleted");
        assertThat(logs).doesNotContain(key).doesNotContain(key.substring("sk_us-east-1_".length()));
    }
}
