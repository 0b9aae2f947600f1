package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.liveshop.catalog.CatalogReadHandler;
import com.liveshop.checkout.HoldExpiryHandler;
import dev.samlocal.Options;
import dev.samlocal.apigw.HttpApiEmulator;
import dev.samlocal.apigw.PayloadV2EventFactory;
import dev.samlocal.apigw.PayloadV2EventFactory.IncomingRequest;
import dev.samlocal.eventbridge.LocalEventBridge;
import dev.samlocal.eventbridge.LocalScheduler;
import dev.samlocal.lambda.LambdaSerialization;
import dev.samlocal.lambda.LocalFunction;
import dev.samlocal.lambda.TemplateEventSources;
import dev.samlocal.lambda.TemplateFunctions;
import dev.samlocal.template.SamTemplate;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Template → local functions, rules and schedules, on a test-only template (no AWS, no HTTP). */
class TemplateWiringTest {

    private static final String IVS_EVENT = """
            {"version":"0","id":"e1","detail-type":"IVS Stream State Change","source":"aws.ivs",
             "account":"000000000000",
             "time":"2026-11-29T18:00:00Z","region":"us-east-1",
             "resources":["arn:aws:ivs:us-east-1:000000000000:channel/abc"],
             "detail":{"event_name":"Stream Start","channel_name":"show-1","stream_id":"st-1"}}""";

    private TemplateFunctions template;
    private List<LocalFunction> functions;
    private TemplateEventSources sources;

    @BeforeEach
    void load() throws URISyntaxException {
        Path file = Path.of(
                getClass().getClassLoader().getResource("rules-template.yaml").toURI());
        template = new TemplateFunctions(
                SamTemplate.load(file), Map.of("DataTable", "DataTable"), Map.of("Signing", "s3cret"));
        functions =
                template.instantiate(Map.of("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1"), new LiveshopHandlers());
        sources = new TemplateEventSources(template, functions);
        RecordingHandler.RECEIVED.clear();
    }

    private LocalFunction function(String id) {
        return functions.stream()
                .filter(f -> f.logicalId().equals(id))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void environmentsAreResolvedLikeCloudFormationWithLocalEndpoints() {
        Map<String, String> env = function("RecorderFunction").environment();
        assertThat(env)
                .containsEntry("TABLE", "DataTable")
                .containsEntry("BUS", Options.DEFAULT_STACK_NAME + "-things")
                .containsEntry("LIMIT", "7")
                .containsEntry("SECRET", "s3cret")
                .containsEntry("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1")
                .containsEntry("AWS_REGION", "us-east-1")
                .containsEntry("AWS_EC2_METADATA_DISABLED", "true");
        assertThat(RecordingHandler.lastConfig.required("SECRET")).isEqualTo("s3cret");
        assertThat(template.eventBusNames())
                .containsExactlyInAnyOrder("default", Options.DEFAULT_STACK_NAME + "-things");
    }

    @Test
    void theRepositoryTemplateGivesTheWebhookAndTheChatTheirSecretsArnsNeverAValue() {
        TemplateFunctions repo = new TemplateFunctions(
                SamTemplate.loadFromRepo(),
                Map.of(),
                Map.of(
                        LiveshopDevLayer.WEBHOOK_SECRET_ID,
                        LiveshopDevLayer.LOCAL_WEBHOOK_SECRET,
                        LiveshopDevLayer.CHAT_TICKET_SECRET_ID,
                        "chat-key"));
        // !Ref of a secret is its ARN, as in AWS; the local Secrets Manager serves the secret under that ARN.
        String arn = TemplateFunctions.secretArn("PaymentWebhookSecret");
        assertThat(arn)
                .matches("arn:aws:secretsmanager:us-east-1:000000000000:secret:PaymentWebhookSecret-[A-Za-z0-9]{6}");
        assertThat(repo.secrets().get(LiveshopDevLayer.WEBHOOK_SECRET_ID).arn()).isEqualTo(arn);
        Map<String, Object> webhook = SamTemplate.loadFromRepo()
                .function("PaymentWebhookFunction")
                .orElseThrow()
                .environment();
        assertThat(repo.resolve(webhook.get("PAYMENT_WEBHOOK_SECRET_ARN"))).isEqualTo(arn);
        assertThat(webhook).doesNotContainKey("PAYMENT_WEBHOOK_SECRET");
        // The chat-ticket key too is read at run time, from the secret the ARN names; no function gets its value.
        String chatArn =
                repo.secrets().get(LiveshopDevLayer.CHAT_TICKET_SECRET_ID).arn();
        Map<String, Object> chat = SamTemplate.loadFromRepo()
                .function("ChatSendFunction")
                .orElseThrow()
                .environment();
        assertThat(repo.resolve(chat.get("CHAT_TICKET_SECRET_ARN"))).isEqualTo(chatArn);
        assertThat(SamTemplate.loadFromRepo().functions())
                .allSatisfy(f -> assertThat(f.environment().values().stream().map(v -> String.valueOf(repo.resolve(v))))
                        .as(f.logicalId())
                        .doesNotContain("chat-key"));
    }

    @Test
    void aMissingHandlerClassIsServedAs501() {
        LocalFunction missing = function("MissingFunction");
        assertThat(missing.available()).isFalse();
        HttpApiEmulator api =
                new HttpApiEmulator(sources.httpRoutes(), Map.of(), null, new PayloadV2EventFactory(Clock.systemUTC()));
        var result = api.handle(
                new IncomingRequest("GET", "/later", "", List.of(), new byte[0], "127.0.0.1", "HTTP/1.1", 3000));
        assertThat(result.status()).isEqualTo(501);
        assertThat(result.bodyText()).contains("\"code\":\"NOT_IMPLEMENTED\"").contains("NotWrittenYet");
    }

    @Test
    void matchingEventsReachTheFunctionAsItsInputTypeOthersDoNot() throws Exception {
        try (LocalEventBridge bridge =
                new LocalEventBridge("http://localhost:1", template.eventBusNames(), Clock.systemUTC())) {
            sources.addRules(bridge);
            assertThat(bridge.rules()).hasSize(3);

            bridge.putEvent("default", IVS_EVENT);
            bridge.putEvent("default", IVS_EVENT.replace("Stream Start", "Session Created"));
            bridge.putEvent(Options.DEFAULT_STACK_NAME + "-things", IVS_EVENT.replace("aws.ivs", "things"));
            bridge.putEvent("default", IVS_EVENT.replace("aws.ivs", "things"));
            bridge.putEvent(
                    "default",
                    IVS_EVENT.replace("aws.ivs", "liveshop").replace("IVS Stream State Change", "OrderConfirmed"));
            assertThat(bridge.awaitDeliveries(10_000)).isTrue();

            assertThat(RecordingHandler.RECEIVED)
                    .extracting(ScheduledEvent::getSource)
                    .containsExactlyInAnyOrder("aws.ivs", "things", "liveshop");
            ScheduledEvent ivs = RecordingHandler.RECEIVED.stream()
                    .filter(e -> e.getSource().equals("aws.ivs"))
                    .findFirst()
                    .orElseThrow();
            assertThat(ivs.getDetailType()).isEqualTo("IVS Stream State Change");
            assertThat(ivs.getResources()).containsExactly("arn:aws:ivs:us-east-1:000000000000:channel/abc");
            assertThat(ivs.getDetail()).containsEntry("stream_id", "st-1");
            assertThat(ivs.getTime()).isNotNull();
            assertThat(bridge.events(null)).hasSize(5);
        }
    }

    @Test
    void schedulesSendAScheduledEventAndReturnTheResult() {
        try (LocalScheduler scheduler = new LocalScheduler(Clock.systemUTC())) {
            sources.addSchedules(scheduler);
            assertThat(scheduler.schedules())
                    .extracting(LocalScheduler.Schedule::expression)
                    .containsExactly("rate(5 minutes)");
            assertThat(scheduler.runNow("RecorderFunction")).hasValue("\"received Scheduled Event\"");
            assertThat(RecordingHandler.RECEIVED.get(0).getSource()).isEqualTo("aws.events");
            assertThat(scheduler.runNow("MissingFunction")).isEmpty();
        }
        assertThat(LocalScheduler.rate("rate(1 minute)"))
                .hasValueSatisfying(d -> assertThat(d.toSeconds()).isEqualTo(60));
        assertThat(LocalScheduler.rate("cron(0 12 * * ? *)")).isEmpty();
    }

    @Test
    void handlerInputTypesAreReflectedFromTheirRequestHandlerInterface() {
        assertThat(LambdaSerialization.requestHandlerInputType(CatalogReadHandler.class))
                .isEqualTo(APIGatewayV2HTTPEvent.class);
        assertThat(LambdaSerialization.requestHandlerInputType(HoldExpiryHandler.class))
                .isEqualTo(ScheduledEvent.class);
        assertThat(LambdaSerialization.requestHandlerInputType(RecordingHandler.class))
                .isEqualTo(ScheduledEvent.class);
    }
}
