package com.liveshop.sessions.service;

import java.util.List;

/** Request bodies, parsed strictly by HttpRequest#bodyAs and checked by the services. */
public final class Requests {

    private Requests() {}

    /** POST /sessions. */
    public record CreateSession(String title, String startsAt, List<String> lineup, String description) {}

    /** POST /sessions/{id}/reminders. */
    public record CreateReminder(String email) {}

    /** POST /sessions/{id}/highlights. */
    public record CreateHighlight(String sku, Long dealPriceCents, String dealEndsAt) {}
}
