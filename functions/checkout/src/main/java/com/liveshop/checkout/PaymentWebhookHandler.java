package com.liveshop.checkout;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.checkout.service.PaymentService;
import com.liveshop.checkout.service.PaymentService.PaymentStatus;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.HttpRequest;
import com.liveshop.shared.http.HttpResponses;
import com.liveshop.shared.http.Validation;
import java.time.Clock;
import java.util.Map;

/** The payment provider's signed callback: PAID confirms, FAILED cancels. The signature is checked before parsing. */
public class PaymentWebhookHandler extends ApiHandler {

    /** Body of POST /payments/webhook. */
    public record PaymentNotice(String orderId, String status, String paymentId) {}

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
        return wiring.paymentService(wiring.eventBridgePublisher(), Clock.systemUTC());
    }

    @Override
    protected Map<String, Route> routes() {
        return routes;
    }

    private APIGatewayV2HTTPResponse webhook(HttpRequest request) {
        String signature = request.header("X-Signature").orElse(null);
        if (signature == null) {
            throw new ApiException(401, "INVALID_SIGNATURE", "The X-Signature header is missing or does not match the body");
        }
        payments.verifySignature(request.rawBody(), signature);
        PaymentNotice notice = request.bodyAs(PaymentNotice.class);
        String orderId = Validation.requireUuid("orderId", notice.orderId());
        PaymentStatus status = parseStatus(notice.status());
        String paymentId = Validation.requireText("paymentId", notice.paymentId(), 128);
        return HttpResponses.json(200, payments.apply(orderId, status, paymentId));
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
