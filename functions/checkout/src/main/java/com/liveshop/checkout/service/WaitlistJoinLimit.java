package com.liveshop.checkout.service;

import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.ratelimit.RateWindows;
import com.liveshop.shared.ratelimit.SourceFingerprint;
import com.liveshop.shared.waitlist.WaitlistKeys;
import java.time.Instant;

/**
 * Joins are a stranger's write: each source address (its HMAC fingerprint, never the address) gets at most
 * {@code perMinute} per minute over all skus (WAITLIST_JOINS_PER_IP_PER_MINUTE), counted by one conditional write in a
 * fixed window, as reminder sign-ups are.
 */
public final class WaitlistJoinLimit implements WaitlistService.JoinLimit {

    private final RateWindows windows;
    private final SourceFingerprint fingerprint;
    private final int perMinute;

    public WaitlistJoinLimit(RateWindows windows, SourceFingerprint fingerprint, int perMinute) {
        if (perMinute < 1) {
            throw new IllegalStateException("Configuration WAITLIST_JOINS_PER_IP_PER_MINUTE must be positive");
        }
        this.windows = windows;
        this.fingerprint = fingerprint;
        this.perMinute = perMinute;
    }

    @Override
    public void count(String sourceIp, Instant now) {
        long minute = now.getEpochSecond() / 60;
        if (!windows.tryCount(
                WaitlistKeys.joinLimitPk(fingerprint.of(sourceIp), minute), perMinute, (minute + 2) * 60)) {
            throw ApiException.tooManyRequests(
                    "RATE_LIMITED",
                    "Too many waitlist joins from this network; try again in a minute",
                    (minute + 1) * 60 - now.getEpochSecond());
        }
    }
}
