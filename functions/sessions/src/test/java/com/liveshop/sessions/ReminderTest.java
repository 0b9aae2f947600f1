package com.liveshop.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.sessions.SessionsFixture.Response;
import com.liveshop.sessions.service.ReminderEmails;
import com.liveshop.sessions.service.ReminderMessage;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

/**
 * Reminders with double opt-in, on DynamoDB Local through the real handlers: sign-up → confirmation email (through the
 * queue) → confirm link → SessionLive → "We're live" in bulk calls of ≤ 50, each address once, each email with its own
 * one-click unsubscribe; retries after throttling; links that are not ours change nothing.
 */
class ReminderTest {

    /** A fresh database for every test, as each test starts from empty tables. */
    @RegisterExtension
    final DynamoDbLocalExtension dynamo = DynamoDbLocalExtension.withTemplateTables();

    SessionsFixture f;

    @BeforeEach
    void start() {
        f = new SessionsFixture(dynamo);
        f.product("cds-wool-scarf", "Wool Scarf", 3900, 10);
    }

    private long count(String sessionId) {
        return f.wiring.sessions().find(sessionId).orElseThrow().reminderCount();
    }

    @Test
    void aSignUpAnswersTheSameWhateverTheAddressAndSendsOneConfirmationPerTenMinutes() {
        String id = f.scheduled("cds-wool-scarf");
        Response fresh = f.remind(id, "fan@example.com");
        assertThat(fresh.status()).isEqualTo(202);
        assertThat(f.queued)
                .containsExactly(ReminderMessage.confirm(
                        id, f.queued.get(0).reminderIds().get(0)));
        assertThat(f.queued.get(0).toString())
                .as("the queue names reminders, not addresses")
                .doesNotContain("fan@");
        f.deliverQueued();
        assertThat(f.mailbox.to("fan@example.com")).hasSize(1);

        Response pending = f.remind(id, "FAN@example.com");
        assertThat(pending.rawBody()).isEqualTo(fresh.rawBody());
        assertThat(f.queued)
                .as("a pending address within ten minutes: nothing sent")
                .isEmpty();
        f.clock.advance(Duration.ofMinutes(11));
        f.remind(id, "fan@example.com");
        f.deliverQueued();
        assertThat(f.mailbox.to("fan@example.com"))
                .as("after ten minutes, another confirmation")
                .hasSize(2);

        f.confirm(f.confirmToken("fan@example.com"));
        f.clock.advance(Duration.ofMinutes(11));
        Response confirmed = f.remind(id, "fan@example.com");
        assertThat(confirmed.rawBody()).isEqualTo(fresh.rawBody());
        assertThat(f.queued).as("a confirmed address gets nothing").isEmpty();
    }

    @Test
    void concurrentSignUpsOfOneAddressQueueOneConfirmation() throws Exception {
        String id = f.scheduled("cds-wool-scarf");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String ip = "192.0.2." + i;
            results.add(pool.submit(() -> {
                go.await();
                return f.remind(id, "same@example.com", ip).status();
            }));
        }
        go.countDown();
        for (Future<Integer> r : results) {
            assertThat(r.get()).isEqualTo(202);
        }
        pool.shutdown();
        assertThat(f.queued).hasSize(1);
    }

    @Test
    void theConfirmationHasBothPartsTheTitleEscapedAndAOneClickUnsubscribe() {
        String id = f.createSession(SessionsFixture.createBody(
                        "<script>alert(1)</script> & {{unsubscribeUrl}} Deals",
                        f.clock.instant().plus(Duration.ofHours(1)).toString(),
                        "cds-wool-scarf"))
                .body()
                .get("sessionId")
                .asText();
        f.remind(id, "fan@example.com");
        f.deliverQueued();
        ReminderEmails.Email email = f.mailbox.to("fan@example.com").get(0);
        assertThat(email.subject()).contains("Confirm your reminder");
        assertThat(email.html())
                .doesNotContain("<script>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#123;&#123;");
        assertThat(email.text())
                .contains("<script>alert(1)</script>")
                .contains(SessionsFixture.PUBLIC_BASE + "/reminders/confirm?token=");
        String unsubscribe =
                SessionsFixture.PUBLIC_BASE + "/reminders/unsubscribe?token=" + f.unsubscribeToken("fan@example.com");
        assertThat(email.headers())
                .containsEntry("List-Unsubscribe", "<" + unsubscribe + ">")
                .containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        assertThat(email.html()).contains(unsubscribe);
    }

    @Test
    void confirmingIsIdempotentAndCountsOnce() {
        String id = f.scheduled("cds-wool-scarf");
        f.remind(id, "fan@example.com");
        f.deliverQueued();
        String token = f.confirmToken("fan@example.com");
        Response first = f.confirm(token);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.headers())
                .containsEntry("content-type", "text/html; charset=utf-8")
                .containsEntry("cache-control", "no-store");
        assertThat(first.rawBody()).contains("Reminder confirmed").contains("href=\"../watch/" + id + "\"");
        Response second = f.confirm(token);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.rawBody()).isEqualTo(first.rawBody());
        assertThat(count(id)).isEqualTo(1);
    }

    @Test
    void linksThatAreNotOursAre400AndWriteNothing() {
        String id = f.scheduled("cds-wool-scarf");
        f.remind(id, "fan@example.com");
        f.deliverQueued();
        String confirm = f.confirmToken("fan@example.com");
        String unsubscribe = f.unsubscribeToken("fan@example.com");
        var before = f.snapshot();
        String tampered = confirm.substring(0, confirm.length() - 2) + (confirm.endsWith("AA") ? "BB" : "AA");
        String otherReminder = confirm.replaceFirst("\\.[A-Za-z0-9_-]{22}\\.", ".AAAAAAAAAAAAAAAAAAAAAA.");
        for (Response r : List.of(
                f.confirm(tampered),
                f.confirm(otherReminder),
                f.confirm(unsubscribe),
                f.confirm(null),
                f.confirm("c." + id),
                f.confirm("x".repeat(300)),
                f.unsubscribe(confirm),
                f.unsubscribePage(confirm),
                f.unsubscribe(unsubscribe.replace("u.", "c.")))) {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.headers().get("content-type")).startsWith("text/html");
            assertThat(r.rawBody())
                    .contains("This link is invalid or has expired")
                    .doesNotContain("fan@");
        }
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void atMostThreeConfirmationsInAllAndTheLinkExpiresWithTheShow() {
        String id = f.scheduled("cds-wool-scarf");
        for (int i = 0; i < 5; i++) {
            assertThat(f.remind(id, "busy@example.com").status()).isEqualTo(202);
            f.deliverQueued();
            f.clock.advance(Duration.ofMinutes(11));
        }
        assertThat(f.mailbox.to("busy@example.com"))
                .as("3 in all, however long apart")
                .hasSize(3);

        String token = f.confirmToken("busy@example.com");
        f.end(id);
        var before = f.snapshot();
        Response expired = f.confirm(token);
        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.rawBody()).contains("This link is invalid or has expired");
        assertThat(f.snapshot()).as("an expired link writes nothing").isEqualTo(before);
    }

    @Test
    void unsubscribingForgetsTheAddressAndUncountsIt() {
        String id = f.scheduled("cds-wool-scarf");
        f.confirmedReminder(id, "fan@example.com");
        assertThat(count(id)).isEqualTo(1);
        String token = f.unsubscribeToken("fan@example.com");
        var before = f.snapshot();
        Response page = f.unsubscribePage(token);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.rawBody()).contains("<form method=\"post\"").contains("Unsubscribe");
        assertThat(f.snapshot())
                .as("opening the link (a mail scanner may) unsubscribes no one")
                .isEqualTo(before);

        Response oneClick = f.unsubscribe(token);
        assertThat(oneClick.status()).isEqualTo(200);
        assertThat(count(id)).isZero();
        assertThat(f.snapshot().toString()).doesNotContain("fan@example.com");
        assertThat(f.unsubscribe(token).status()).as("idempotent").isEqualTo(200);
        assertThat(count(id)).isZero();
        assertThat(f.confirm(f.confirmToken("fan@example.com")).status())
                .as("an old confirm link after unsubscribing")
                .isEqualTo(400);
        assertThat(count(id)).isZero();
    }

    @Test
    void goingLiveEmailsEachConfirmedAddressOnceInBulkCallsOfFifty() {
        String id = f.scheduled("cds-wool-scarf");
        List<String> confirmed = new ArrayList<>();
        for (int i = 0; i < 121; i++) {
            confirmed.add("fan" + i + "@example.com");
            f.confirmedReminder(id, confirmed.get(i));
        }
        f.remind(id, "pending@example.com", "192.0.2.200");
        f.unsubscribe(f.unsubscribeToken("fan120@example.com"));
        confirmed.remove("fan120@example.com");
        f.deliverQueued();
        f.mailbox.sent.clear();
        assertThat(count(id)).isEqualTo(120);

        f.startStream(id, "st-live", f.clock.instant());
        assertThat(f.dispatchLive(id)).isEqualTo(120);
        assertThat(f.queued)
                .hasSize(3)
                .allSatisfy(m -> assertThat(m.reminderIds()).hasSizeLessThanOrEqualTo(50));
        assertThat(f.deliverQueued()).isZero();
        assertThat(f.mailbox.bulkSizes).containsExactly(50, 50, 20);
        assertThat(f.mailbox.sent).hasSize(120);
        Set<String> unsubscribeLinks = new HashSet<>();
        for (String address : confirmed) {
            List<ReminderEmails.Email> got = f.mailbox.to(address);
            assertThat(got).as(address).hasSize(1);
            ReminderEmails.Email email = got.get(0);
            assertThat(email.subject()).isEqualTo("We're live: Cyber Deals Sunday");
            assertThat(email.text()).contains(SessionsFixture.PUBLIC_BASE + "/watch/" + id);
            assertThat(email.html())
                    .contains(SessionsFixture.PUBLIC_BASE + "/watch/" + id)
                    .doesNotContain("{{");
            assertThat(email.text() + email.html() + email.headers())
                    .as("no one else's address")
                    .doesNotContainPattern("fan\\d+@")
                    .doesNotContain("pending@");
            String link = email.headers().get("List-Unsubscribe");
            assertThat(email.html()).contains(link.substring(1, link.length() - 1));
            assertThat(email.headers()).containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            unsubscribeLinks.add(link);
        }
        assertThat(unsubscribeLinks).as("each email its own unsubscribe").hasSize(120);
        assertThat(f.mailbox.to("pending@example.com")).isEmpty();
        assertThat(f.mailbox.to("fan120@example.com")).isEmpty();

        // SessionLive delivered again (EventBridge is at-least-once): nothing left to send.
        f.dispatchLive(id);
        f.deliverQueued();
        assertThat(f.mailbox.sent).hasSize(120);
    }

    @Test
    void throttledEntriesAndFailedCallsAreSentOnRedeliveryAndNoOneTwice() {
        String id = f.scheduled("cds-wool-scarf");
        for (int i = 0; i < 60; i++) {
            f.confirmedReminder(id, "fan" + i + "@example.com");
        }
        f.mailbox.sent.clear();
        f.startStream(id, "st-live", f.clock.instant());
        f.mailbox.throttleOnce.addAll(List.of("fan3@example.com", "fan55@example.com"));
        f.mailbox.failNextCall = TooManyRequestsException.builder()
                .message("Maximum sending rate exceeded.")
                .build();
        f.dispatchLive(id);
        int failedDeliveries = f.deliverQueued();
        // The failed call's message, then the message(s) holding the two throttled entries (ids sort by their HMAC).
        assertThat(failedDeliveries).isBetween(2, 3);
        assertThat(f.queued).isEmpty();
        for (int i = 0; i < 60; i++) {
            assertThat(f.mailbox.to("fan" + i + "@example.com")).as("fan" + i).hasSize(1);
        }
    }

    @Test
    void anEndedShowSendsNoLiveEmailAndRefusesSignUps() {
        String id = f.scheduled("cds-wool-scarf");
        f.confirmedReminder(id, "fan@example.com");
        f.mailbox.sent.clear();
        f.startStream(id, "st-live", f.clock.instant());
        f.dispatchLive(id);
        f.end(id);
        f.deliverQueued();
        assertThat(f.mailbox.sent).isEmpty();
        assertThat(f.remind(id, "late@example.com").errorCode()).isEqualTo("SESSION_ENDED");
    }

    @Test
    void anUnreadableMessageIsReportedFailedEveryTimeSoItEndsInTheDeadLetterQueue() {
        f.queued.add(new ReminderMessage("live", null, List.of()));
        assertThat(f.deliverQueued(5)).as("each of the queue's 5 receives").isEqualTo(5);
        assertThat(f.mailbox.sent).isEmpty();
    }

    @Test
    void aBulkSendTakesItsShareOfTheRate() throws Exception {
        List<Duration> slept = new ArrayList<>();
        long[] now = {0};
        var pacer = new com.liveshop.sessions.service.IntervalPacer(10, () -> now[0], d -> {
            slept.add(d);
            now[0] += d.toNanos();
        });
        pacer.await(50);
        pacer.await(1);
        pacer.await(20);
        assertThat(slept).containsExactly(Duration.ofSeconds(5), Duration.ofMillis(100));
        assertThat(Instant.EPOCH.plusNanos(now[0])).isEqualTo(Instant.EPOCH.plusMillis(5100));
    }
}
