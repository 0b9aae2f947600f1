package com.liveshop.checkout.domain;

/** What an Idempotency-Key was first used for: the request's hash and the order it created. */
public record IdempotencyRecord(String key, String requestHash, String orderId) {}
