package com.liveshop.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.sessions.SessionsFixture.Response;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reminder sign-ups are a stranger's route: at most REMINDERS_PER_IP_PER_MINUTE (10) per source address, show and
 * minute, counted by one conditional write per sign-up (real threads on DynamoDB Local), the address never stored.
 */
class ReminderLimitTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static SessionsFixture f;

    @BeforeAll
    static void start() {
        f = new SessionsFixture(DYNAMO);
        f.product("cds-wool-scarf", "Wool Scarf", 3900, 10);
    }

    @Test
    void theEleventhSignUpFromOneAddressInAMinuteIs429AndWritesNothing() {
        String show = f.scheduled("cds-wool-scarf");
        String other = f.scheduled("cds-wool-scarf");
        for (int i = 0; i < 10; i++) {
            assertThat(f.remind(show, "fan" + i + "@example.com", "203.0.113.7").status())
                    .isEqualTo(202);
        }
        var before = f.snapshot();
        Response refused = f.remind(show, "fan10@example.com", "203.0.113.7");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.errorCode()).isEqualTo("RATE_LIMITED");
        assertThat(Integer.parseInt(refused.headers().get("Retry-After"))).isBetween(1, 60);
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.snapshot().toString()).as("the address is never stored").doesNotContain("203.0.113.7");

        assertThat(f.remind(show, "fan10@example.com", "198.51.100.9").status())
                .as("another address")
                .isEqualTo(202);
        assertThat(f.remind(other, "fan10@example.com", "203.0.113.7").status())
                .as("another show")
                .isEqualTo(202);
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(f.remind(show, "fan11@example.com", "203.0.113.7").status())
                .as("the next minute")
                .isEqualTo(202);
    }

    @Test
    void badInputIsRefusedBeforeItCounts() {
        String show = f.scheduled("cds-wool-scarf");
        for (int i = 0; i < 15; i++) {
            assertThat(f.remind(show, "not an email", "192.0.2.1").status()).isEqualTo(400);
        }
        assertThat(f.remind(show, "real@example.com", "192.0.2.1").status()).isEqualTo(202);
    }

    @Test
    void twentyConcurrentSignUpsFromOneAddressAcceptExactlyTen() throws Exception {
        String show = f.scheduled("cds-wool-scarf");
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String email = "crowd" + i + "@example.com";
            results.add(pool.submit(() -> {
                start.await();
                return f.remind(show, email, "203.0.113.50").status();
            }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> r : results) {
            statuses.add(r.get());
        }
        pool.shutdown();
        assertThat(statuses).filteredOn(s -> s == 202).hasSize(10);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(10);
    }
}
