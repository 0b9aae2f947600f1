package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.checkout.service.PaymentService;
import com.liveshop.checkout.service.PaymentService.PaymentNotice;
import com.liveshop.checkout.service.PaymentService.PaymentStatus;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import com.liveshop.shared.http.Validation;
import java.time.Clock;
import java.util.Map;

/**
 * The payment provider's signed callback: PAID confirms (for the order's exact amount), FAILED cancels. The signature
 * is checked before the body is parsed.
 */
public class PaymentWebhookHandler extends ApiHandler {

    /** Body of POST /payments/webhook. */
    public record PaymentNoticeBody(
            String orderId, String status, String paymentId, Long amountCents, String currency) {}

    private final PaymentService payments;
    private final Map<String, Route> routes;

    public PaymentWebhookHandler() {
        this(AppConfig.fromEnvironment());
    }

    public PaymentWebhookHandler(AppConfig config) {
        this(wire(new CheckoutWiring(config)));
    }

    public PaymentWebhookHandler(PaymentService payments) {
        this.payments = payments;
        this.routes = Map.of("POST /payments/webhook", this::webhook);
    }

    private static PaymentService wire(CheckoutWiring wiring) {
        return wiring.paymentService(Clock.systemUTC());
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse webhook(HttpRequest request) {
        payments.verifySignature(
                request.rawBody(), request.header("X-Signature").orElse(null));
        PaymentNoticeBody body = request.bodyAs(PaymentNoticeBody.class);
        PaymentNotice notice = new PaymentNotice(
                Validation.requireUuid("orderId", body.orderId()),
                parseStatus(body.status()),
                Validation.requireText("paymentId", body.paymentId(), 128),
                Validation.requireRange("amountCents", body.amountCents(), 0, Long.MAX_VALUE),
                Validation.requireText("currency", body.currency(), 3));
        return HttpResponses.json(200, payments.apply(notice));
    }

    private static PaymentStatus parseStatus(String status) {
        if ("PAID".equals(status)) {
            return PaymentStatus.PAID;
        }
        if ("FAILED".equals(status)) {
            return PaymentStatus.FAILED;
        }
        throw ApiException.validation("Field 'status' must be PAID or FAILED");
    }
}
