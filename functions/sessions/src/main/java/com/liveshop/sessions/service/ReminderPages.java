package com.liveshop.sessions.service;

/** The small HTML pages the email links open (no scripts, nothing from the user but the escaped title). */
public final class ReminderPages {

    /** A page and its HTTP status. */
    public record Page(int status, String html) {}

    private ReminderPages() {}

    /** The show's page by a relative link: this page is served from the pages' origin (the CDN, or the local stack). */
    static Page confirmed(String title, String sessionId) {
        return page(
                200,
                "Reminder confirmed",
                "<p>You will get one email when <strong>" + Html.escape(title)
                        + "</strong> goes live.</p><p><a href=\"../watch/" + Html.escape(sessionId)
                        + "\">The show's page</a></p>");
    }

    /** 400 for every link that cannot be used: not ours, altered, expired with its show, or of a cancelled reminder. */
    static Page invalidLink() {
        return page(
                400,
                "This link is invalid or has expired",
                "<p>Reminder links work until the show ends. "
                        + "To get a reminder, sign up again on the show's page.</p>");
    }

    static Page unsubscribeForm(String title, String token) {
        return page(
                200,
                "Unsubscribe",
                "<p>Stop the reminder for <strong>" + Html.escape(title) + "</strong>?</p>"
                        + "<form method=\"post\" action=\"unsubscribe?token=" + Html.escape(token) + "\">"
                        + "<button type=\"submit\">Unsubscribe</button></form>");
    }

    static Page unsubscribed() {
        return page(
                200,
                "Unsubscribed",
                "<p>You will get no more emails about this show, and your address is forgotten.</p>");
    }

    private static Page page(int status, String heading, String body) {
        return new Page(
                status,
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + heading
                        + "</title></head>"
                        + "<body style=\"font-family:sans-serif;max-width:32rem;margin:3rem auto\"><h1>" + heading
                        + "</h1>" + body
                        + "</body></html>");
    }
}
