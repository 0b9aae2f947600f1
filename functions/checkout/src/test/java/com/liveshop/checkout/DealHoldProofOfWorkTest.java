package com.liveshop.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.liveshop.checkout.CheckoutFixture.Response;
import com.liveshop.shared.catalog.StockLevel;
import com.liveshop.shared.pow.Challenges;
import com.liveshop.shared.pow.ProofOfWork;
import com.liveshop.shared.pow.SpentChallenges;
import com.liveshop.testkit.AltchaSolver;
import com.liveshop.testkit.DynamoDbLocalExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 24: with RequireProofOfWork on, a hold of a sku whose deal is running needs a solved ALTCHA challenge in
 * X-Altcha, spent once (also when the same solution arrives many times at once); missing, expired or replayed is 400
 * CHALLENGE_INVALID and holds nothing. A sku without a running deal never needs one; off, no hold does.
 */
class DealHoldProofOfWorkTest {

    @RegisterExtension
    static final DynamoDbLocalExtension DYNAMO = DynamoDbLocalExtension.withTemplateTables();

    static final String KEY = "test-altcha-key-0123456789abcdef";

    static CheckoutFixture f;
    static Challenges challenges;
    static CartHandler guarded;

    @BeforeAll
    static void start() {
        f = new CheckoutFixture(DYNAMO);
        challenges = new Challenges(() -> KEY, ProofOfWork.DEFAULT_MAX_NUMBER, f.clock);
        guarded = new CartHandler(f.wiring.cartService(
                f.clock, new ProofOfWork(challenges, new SpentChallenges(f.client, CheckoutFixture.SESSIONS))));
    }

    static String dealSku() {
        String sku = "deal-" + UUID.randomUUID().toString().substring(0, 8);
        f.product(sku, 5000, "USD", 50);
        assertThat(f.products.setDeal(
                        sku,
                        2900,
                        f.clock.instant().plus(Duration.ofMinutes(10)).toString()))
                .isTrue();
        return sku;
    }

    static Response hold(CartHandler handler, String sku, String solution) {
        APIGatewayV2HTTPEvent e = CheckoutFixture.addItemEvent(UUID.randomUUID().toString(), sku, 1);
        Map<String, String> headers = new HashMap<>(e.getHeaders());
        if (solution != null) {
            headers.put("x-altcha", solution);
        }
        e.setHeaders(headers);
        return f.invoke(handler, e);
    }

    static String solved() {
        return AltchaSolver.solve(challenges.issue());
    }

    /**
     * The route as API Gateway sends it (events-samples/checkout/get-challenge.json): a challenge the deal hold takes.
     */
    @Test
    void getChallengesAnswersOneUncachedChallengeThatBuysADealHold() {
        ChallengeHandler route = new ChallengeHandler(challenges);
        Response issued = f.invoke(route, CheckoutFixture.sample("get-challenge.json"));
        assertThat(issued.status()).isEqualTo(200);
        assertThat(issued.headers()).containsEntry("cache-control", "no-store");
        assertThat(issued.body().path("algorithm").asText()).isEqualTo("SHA-256");
        assertThat(hold(guarded, dealSku(), AltchaSolver.solve(issued.body())).status())
                .isEqualTo(201);
    }

    @Test
    void aDealHoldNeedsASolvedChallengeSpentOnce() {
        String sku = dealSku();
        Response none = hold(guarded, sku, null);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.errorCode()).isEqualTo("CHALLENGE_INVALID");
        assertThat(f.products.stock(sku).held()).as("nothing held").isZero();

        String solution = solved();
        Response ok = hold(guarded, sku, solution);
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.body().path("priceCents").asLong()).isEqualTo(2900);

        Response replay = hold(guarded, sku, solution);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.errorCode()).isEqualTo("CHALLENGE_INVALID");
        StockLevel level = f.products.stock(sku);
        assertThat(level.held()).isEqualTo(1);
        assertThat(level.initial()).isEqualTo(level.available() + level.held() + level.sold());
    }

    @Test
    void anExpiredSolutionHoldsNothing() {
        String sku = dealSku();
        String solution = solved();
        f.clock.advance(Challenges.LIFETIME);
        Response late = hold(guarded, sku, solution);
        assertThat(late.status()).isEqualTo(400);
        assertThat(late.errorCode()).isEqualTo("CHALLENGE_INVALID");
        assertThat(late.body().path("error").path("message").asText()).contains("expired");
        assertThat(f.products.stock(sku).held()).isZero();
    }

    @Test
    void aSkuWithoutARunningDealNeverNeedsOne() {
        String plain = "plain-" + UUID.randomUUID().toString().substring(0, 8);
        f.product(plain, 5000, "USD", 10);
        assertThat(hold(guarded, plain, null).status()).isEqualTo(201);

        String ended = "ended-" + UUID.randomUUID().toString().substring(0, 8);
        f.product(ended, 5000, "USD", 10);
        assertThat(f.products.setDeal(
                        ended, 2900, f.clock.instant().minusSeconds(1).toString()))
                .isTrue();
        assertThat(hold(guarded, ended, null).status()).as("the deal has ended").isEqualTo(201);
    }

    @Test
    void offADealHoldNeedsNone() {
        assertThat(hold(f.cart, dealSku(), null).status()).isEqualTo(201);
    }

    /** The same solution sent by 16 buyers at once buys exactly one hold: the spend is one conditional put. */
    @RepeatedTest(20)
    void oneSolutionSentManyTimesAtOnceHoldsOnce() throws Exception {
        String sku = dealSku();
        String solution = solved();
        int n = 16;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return hold(guarded, sku, solution);
                }));
            }
            go.countDown();
            int held = 0;
            for (Future<Response> a : answers) {
                Response r = a.get();
                if (r.status() == 201) {
                    held++;
                } else {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.errorCode()).isEqualTo("CHALLENGE_INVALID");
                }
            }
            assertThat(held).isEqualTo(1);
            assertThat(f.products.stock(sku).held()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
