package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.Options;
import dev.samlocal.ivs.LocalIvs;
import dev.samlocal.ivs.SimulatedViewers;
import dev.samlocal.sesv2.LocalSesV2;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reminders through the whole local stack, as in AWS: the sign-up route queues a confirmation on the template's
 * ReminderQueue (local SQS), the SQS event source runs ReminderSendFunction, which sends through the real SesV2Client
 * to the local SES; the confirm link answers from the local API; the broadcast's Stream Start makes SessionLive, whose
 * rule runs ReminderDispatchFunction, whose messages the sender turns into "We're live" bulk emails; the one-click
 * unsubscribe URL of the email's List-Unsubscribe header works as a mail client would POST it.
 */
class RemindersEndToEndTest {

    private static final Pattern CONFIRM = Pattern.compile("(http://\\S+/reminders/confirm\\?token=[A-Za-z0-9._-]+)");

    private static LocalStack stack;
    private static String hostToken;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false));
        hostToken = LocalHttp.json(send("GET", "/_local/host-token", null))
                .get("token")
                .asText();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void signUpConfirmGoLiveAndUnsubscribeWithOneClick() throws Exception {
        String sku = "lamp-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin(
                                "PUT",
                                "/products/" + sku,
                                "{\"title\":\"Lamp\",\"priceCents\":3900,\"currency\":\"USD\",\"stock\":5}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> created = admin(
                "POST",
                "/sessions",
                "{\"title\":\"Lamp <Night>\",\"startsAt\":\"" + Instant.now().plusSeconds(600) + "\",\"lineup\":[\""
                        + sku + "\"]}");
        JsonNode session = LocalHttp.json(created);
        String sessionId = session.get("sessionId").asText();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ana = "ana-" + run + "@example.com";
        String bo = "bo-" + run + "@example.com";
        String cy = "cy-" + run + "@example.com";
        List<String> fans = List.of(ana, bo, cy);

        for (String fan : fans) {
            // Three fans, three addresses (the per-address reminder limit sees each as behind CloudFront).
            HttpResponse<String> signUp = send(
                    "POST",
                    "/sessions/" + sessionId + "/reminders",
                    "{\"email\":\"" + fan + "\"}",
                    SimulatedViewers.HEADER,
                    SimulatedViewers.address(fans.indexOf(fan)));
            assertThat(signUp.statusCode()).as(signUp.body()).isEqualTo(202);
            assertThat(LocalHttp.json(signUp).get("status").asText()).isEqualTo("PENDING_CONFIRMATION");
        }
        await(() -> fans.stream().allMatch(fan -> stack.ses().emails(fan).size() == 1), "the confirmations");
        // As a developer reads them: GET /_local/emails?to=
        JsonNode listed = LocalHttp.json(send("GET", "/_local/emails?to=" + ana, null));
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("subject").asText()).contains("Lamp <Night>");
        assertThat(listed.get(0).get("text").asText()).contains("/reminders/confirm?token=");
        LocalSesV2.Email confirmation = stack.ses().emails(ana).get(0);
        assertThat(confirmation.from()).isEqualTo("shows@liveshop.local");
        assertThat(confirmation.to()).containsExactly(ana);
        assertThat(confirmation.html()).contains("Lamp &lt;Night&gt;").doesNotContain("<Night>");
        assertThat(confirmation.headers()).containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");

        // Ana and Bo confirm (Bo twice: the same page); Cy never does.
        for (String fan : List.of(ana, bo, bo)) {
            Matcher link = CONFIRM.matcher(stack.ses().emails(fan).get(0).text());
            assertThat(link.find()).isTrue();
            URI uri = URI.create(link.group(1));
            assertThat(uri.getAuthority())
                    .as("links point at this stack")
                    .isEqualTo(URI.create(stack.url()).getAuthority());
            HttpResponse<String> page = send("GET", uri.getRawPath() + "?" + uri.getRawQuery(), null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
            assertThat(page.body()).contains("Reminder confirmed");
        }

        String channelArn = session.get("channelArn").asText();
        assertThat(send("POST", LocalIvs.BROADCAST_PATH, "{\"channelArn\":\"" + channelArn + "\",\"action\":\"start\"}")
                        .statusCode())
                .isEqualTo(200);
        await(
                () -> stack.ses().emails(ana).size() == 2
                        && stack.ses().emails(bo).size() == 2,
                "the We're live emails");
        stack.sqs().awaitIdle(Duration.ofSeconds(10));
        LocalSesV2.Email live = stack.ses().emails(ana).get(1);
        assertThat(live.subject()).isEqualTo("We're live: Lamp <Night>");
        assertThat(live.text()).contains(stack.url() + "/watch/" + sessionId);
        assertThat(live.html()).contains(stack.url() + "/watch/" + sessionId).contains("Lamp &lt;Night&gt;");
        assertThat(live.headers().get("List-Unsubscribe"))
                .startsWith("<" + stack.url() + "/reminders/unsubscribe?token=")
                .endsWith(">");
        assertThat(live.headers()).containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        JsonNode sessionLive = LocalHttp.json(send("GET", "/_local/events?detailType=SessionLive", null));
        assertThat(sessionLive).hasSize(1);
        assertThat(sessionLive.get(0).get("detail").get("reminderCount").asInt())
                .as("the count of confirmed reminders")
                .isEqualTo(2);
        assertThat(sessionLive.get(0).toString()).as("never an address").doesNotContain("@");
        assertThat(live.to()).containsExactly(ana);
        assertThat(live.text() + live.html() + live.headers())
                .doesNotContain(bo)
                .doesNotContain(cy);
        assertThat(stack.ses().emails(cy)).as("never confirmed: no We're live").hasSize(1);
        assertThat(stack.ses().emails(bo)).hasSize(2);

        // One click, as a mail client does it (RFC 8058): POST the List-Unsubscribe URL with
        // List-Unsubscribe=One-Click.
        String header = live.headers().get("List-Unsubscribe");
        URI unsubscribe = URI.create(header.substring(1, header.length() - 1));
        HttpResponse<String> gone = send(
                "POST",
                unsubscribe.getRawPath() + "?" + unsubscribe.getRawQuery(),
                "List-Unsubscribe=One-Click",
                "content-type",
                "application/x-www-form-urlencoded");
        assertThat(gone.statusCode()).isEqualTo(200);
        assertThat(LocalHttp.json(send("GET", "/sessions/" + sessionId, null)).toString())
                .doesNotContain(ana);
        assertThat(stack.ses().emails(ana)).hasSize(2);

        // SessionLive delivered again (EventBridge is at-least-once): no one is emailed twice, the unsubscribed not at
        // all.
        com.fasterxml.jackson.databind.node.ObjectNode again = (com.fasterxml.jackson.databind.node.ObjectNode)
                sessionLive.get(0).deepCopy();
        String bus = again.remove("eventBusName").asText();
        stack.eventBridge().putEvent(bus, again);
        // A second show going live: Ana signed up for the first show only, and is forgotten there.
        HttpResponse<String> second = admin(
                "POST",
                "/sessions",
                "{\"title\":\"Encore\",\"startsAt\":\"" + Instant.now().plusSeconds(600) + "\",\"lineup\":[\"" + sku
                        + "\"]}");
        String secondArn = LocalHttp.json(second).get("channelArn").asText();
        assertThat(send("POST", LocalIvs.BROADCAST_PATH, "{\"channelArn\":\"" + secondArn + "\",\"action\":\"start\"}")
                        .statusCode())
                .isEqualTo(200);
        await(() -> sessionLives() == 3, "the second SessionLive");
        stack.sqs().awaitIdle(Duration.ofSeconds(30));
        assertThat(stack.ses().emails(ana)).as("unsubscribed: nothing more").hasSize(2);
        assertThat(stack.ses().emails(bo))
                .as("the redelivered SessionLive sends no second email")
                .hasSize(2);
        assertThat(stack.ses().emails(cy))
                .as("never confirmed: never the live email")
                .hasSize(1);
        assertThat(stack.sqs().queues())
                .as("nothing left over, nothing dead-lettered")
                .allSatisfy(q -> assertThat(q.depth()).isZero());
    }

    private static int sessionLives() {
        try {
            return LocalHttp.json(send("GET", "/_local/events?detailType=SessionLive", null))
                    .size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, path, body, "authorization", "Bearer " + hostToken);
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        return LocalHttp.send(stack.url(), method, path, body, headers);
    }
}
