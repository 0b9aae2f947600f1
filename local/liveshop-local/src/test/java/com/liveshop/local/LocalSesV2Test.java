package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.json.Json;
import dev.samlocal.Options;
import dev.samlocal.core.LocalAws;
import dev.samlocal.sesv2.LocalSesV2;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.BulkEmailEntry;
import software.amazon.awssdk.services.sesv2.model.BulkEmailStatus;
import software.amazon.awssdk.services.sesv2.model.Destination;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;

/**
 * The local SES v2 endpoint with clients we did not write: the AWS SDK's SesV2Client (SendEmail with a Simple body and
 * its headers, SendBulkEmail with inline template content and per-entry data and headers) and the AWS CLI v1; what was
 * sent is read back at GET /_local/emails and on the mailbox page, escaped.
 */
class LocalSesV2Test {

    private static LocalStack stack;
    private static SesV2Client ses;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
        AppConfig config = new AppConfig(
                LocalAws.settings(Map.of("AWS_ENDPOINT_URL_SESV2", stack.ses().endpoint())));
        ses = AwsClients.configure(SesV2Client.builder(), config, "SESV2")
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(20))
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .build())
                .httpClient(AwsClients.httpClient())
                .build();
    }

    @AfterAll
    static void stop() {
        ses.close();
        stack.close();
    }

    private static String address() {
        return "fan-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    @Test
    void aSimpleEmailWithItsHeadersIsKeptForItsRecipient() throws Exception {
        String to = address();
        String id = ses.sendEmail(r -> r.fromEmailAddress("shows@liveshop.example")
                        .destination(d -> d.toAddresses(to))
                        .content(c -> c.simple(m -> m.subject(s -> s.data("We're live: <Cyber Deals>"))
                                .body(b ->
                                        b.text(t -> t.data("Watch now")).html(h -> h.data("<p>Watch <b>now</b></p>")))
                                .headers(
                                        MessageHeader.builder()
                                                .name("List-Unsubscribe")
                                                .value("<https://x.example/u?t=1>")
                                                .build(),
                                        MessageHeader.builder()
                                                .name("List-Unsubscribe-Post")
                                                .value("List-Unsubscribe=One-Click")
                                                .build()))))
                .messageId();
        assertThat(id).startsWith("local-");

        JsonNode kept = Json.MAPPER.readTree(LocalHttp.send(
                        stack.url(),
                        "GET",
                        "/_local/emails?to=" + URLEncoder.encode(to.toUpperCase(), StandardCharsets.UTF_8),
                        null)
                .body());
        assertThat(kept).hasSize(1);
        assertThat(kept.get(0).get("to").get(0).asText()).isEqualTo(to);
        assertThat(kept.get(0).get("from").asText()).isEqualTo("shows@liveshop.example");
        assertThat(kept.get(0).get("subject").asText()).isEqualTo("We're live: <Cyber Deals>");
        assertThat(kept.get(0).get("text").asText()).isEqualTo("Watch now");
        assertThat(kept.get(0).get("html").asText()).isEqualTo("<p>Watch <b>now</b></p>");
        assertThat(kept.get(0).at("/headers/List-Unsubscribe-Post").asText()).isEqualTo("List-Unsubscribe=One-Click");

        var mailbox = LocalHttp.send(stack.url(), "GET", "/_local/mailbox?to=" + to, null);
        assertThat(mailbox.body())
                .contains("We&#39;re live: &lt;Cyber Deals&gt;")
                .doesNotContain("<Cyber Deals>")
                .contains("/_local/emails/" + id + "/html");
        var html = LocalHttp.send(stack.url(), "GET", "/_local/emails/" + id + "/html", null);
        assertThat(html.headers().firstValue("content-security-policy"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("sandbox"));
        assertThat(html.body()).isEqualTo("<p>Watch <b>now</b></p>");
    }

    @Test
    void aBulkSendMakesOneEmailPerEntryWithItsOwnDataHeadersAndNoOtherAddress() throws Exception {
        List<String> fans = List.of(address(), address(), address());
        List<BulkEmailEntry> entries = new ArrayList<>();
        for (String fan : fans) {
            entries.add(BulkEmailEntry.builder()
                    .destination(Destination.builder().toAddresses(fan).build())
                    .replacementEmailContent(c ->
                            c.replacementTemplate(t -> t.replacementTemplateData(Json.write(Map.of(
                                    "title",
                                    "Cyber Deals Sunday",
                                    "watch",
                                    "https://shop.example/watch/1",
                                    "unsubscribe",
                                    "https://x.example/u?for=" + fan)))))
                    .replacementHeaders(MessageHeader.builder()
                            .name("List-Unsubscribe")
                            .value("<https://x.example/u?for=" + fan + ">")
                            .build())
                    .build());
        }
        var results = ses.sendBulkEmail(r -> r.fromEmailAddress("shows@liveshop.example")
                        .defaultContent(c -> c.template(t -> t.templateContent(tc -> tc.subject("{{title}} is live")
                                        .text("Watch: {{watch}} · stop: {{unsubscribe}}")
                                        .html("<a href=\"{{watch}}\">Watch</a>"))
                                .templateData(Json.write(Map.of(
                                        "title",
                                        "Cyber Deals Sunday",
                                        "watch",
                                        "https://shop.example/watch/1",
                                        "unsubscribe",
                                        "none")))))
                        .bulkEmailEntries(entries))
                .bulkEmailEntryResults();
        assertThat(results).hasSize(3).allSatisfy(r -> assertThat(r.status()).isEqualTo(BulkEmailStatus.SUCCESS));
        // An entry's data replaces the default data as a whole ("when replacement data is not specified"): none here
        // falls back to the default's "unsubscribe": "none".

        for (String fan : fans) {
            List<LocalSesV2.Email> mine = stack.ses().emails(fan);
            assertThat(mine).hasSize(1);
            LocalSesV2.Email email = mine.get(0);
            assertThat(email.to()).containsExactly(fan);
            assertThat(email.subject()).isEqualTo("Cyber Deals Sunday is live");
            assertThat(email.text())
                    .isEqualTo("Watch: https://shop.example/watch/1 · stop: https://x.example/u?for=" + fan);
            assertThat(email.headers()).containsEntry("List-Unsubscribe", "<https://x.example/u?for=" + fan + ">");
            assertThat(Json.write(email))
                    .as("no other fan's address")
                    .doesNotContain(
                            fans.stream().filter(f -> !f.equals(fan)).toList().get(0));
        }
    }

    @Test
    void refusalsAreTheServicesBadRequestAndKeepNothing() {
        int before = stack.ses().emails(null).size();
        assertThatThrownBy(() -> ses.sendEmail(r -> r.destination(d -> d.toAddresses(address()))
                        .content(c -> c.simple(m -> m.subject(s -> s.data("x")).body(b -> b.text(t -> t.data("x")))))))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("FromEmailAddress");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add(address());
        }
        assertThatThrownBy(() -> ses.sendEmail(r -> r.fromEmailAddress("shows@liveshop.example")
                        .destination(d -> d.toAddresses(many))
                        .content(c -> c.simple(m -> m.subject(s -> s.data("x")).body(b -> b.text(t -> t.data("x")))))))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("50");
        assertThatThrownBy(() -> ses.sendEmail(r -> r.fromEmailAddress("shows@liveshop.example")
                        .destination(d -> d.toAddresses("not an address"))
                        .content(c -> c.simple(m -> m.subject(s -> s.data("x")).body(b -> b.text(t -> t.data("x")))))))
                .isInstanceOf(BadRequestException.class);
        List<BulkEmailEntry> tooMany = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            tooMany.add(BulkEmailEntry.builder()
                    .destination(Destination.builder().toAddresses(address()).build())
                    .build());
        }
        assertThatThrownBy(() -> ses.sendBulkEmail(r -> r.fromEmailAddress("shows@liveshop.example")
                        .defaultContent(c -> c.template(
                                t -> t.templateContent(tc -> tc.subject("s").text("t"))
                                        .templateData("{}")))
                        .bulkEmailEntries(tooMany)))
                .isInstanceOf(BadRequestException.class);
        assertThat(stack.ses().emails(null)).hasSize(before);
    }

    @Test
    void theAwsCliSendsThroughItToo() throws Exception {
        String to = address();
        String output = AwsCli.ok(
                "sesv2",
                "send-email",
                "--endpoint-url",
                stack.ses().endpoint(),
                "--from-email-address",
                "shows@liveshop.example",
                "--destination",
                "ToAddresses=" + to,
                "--content",
                Json.write(Map.of(
                        "Simple",
                        Map.of(
                                "Subject",
                                Map.of("Data", "From the CLI"),
                                "Body",
                                Map.of("Text", Map.of("Data", "Hello"))))));
        assertThat(Json.MAPPER.readTree(output).get("MessageId").asText()).startsWith("local-");
        assertThat(stack.ses().emails(to)).singleElement().satisfies(e -> {
            assertThat(e.subject()).isEqualTo("From the CLI");
            assertThat(e.text()).isEqualTo("Hello");
        });
    }
}
