package com.liveshop.sessions.service;

import com.liveshop.sessions.repository.Session;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two reminder emails, each with a text and an HTML part (the show's title escaped) and RFC 8058 one-click
 * unsubscribe headers. The "We're live" email is a template: its one per-recipient value is {@code unsubscribeUrl}.
 */
public final class ReminderEmailContent {

    /** The per-recipient placeholder of the "We're live" template. */
    public static final String UNSUBSCRIBE_URL = "unsubscribeUrl";

    private final String publicBaseUrl;

    /** @param publicBaseUrl where the pages and the API are reached (the CDN's https URL, or the local stack's) */
    public ReminderEmailContent(String publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl.replaceAll("/+$", "");
    }

    public String confirmUrl(String token) {
        return publicBaseUrl + "/reminders/confirm?token=" + token;
    }

    public String unsubscribeUrl(String token) {
        return publicBaseUrl + "/reminders/unsubscribe?token=" + token;
    }

    public String watchUrl(String sessionId) {
        return publicBaseUrl + "/watch/" + sessionId;
    }

    /** RFC 8058: the URL a mail client POSTs {@code List-Unsubscribe=One-Click} to. */
    public static Map<String, String> unsubscribeHeaders(String unsubscribeUrl) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("List-Unsubscribe", "<" + unsubscribeUrl + ">");
        headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return headers;
    }

    public ReminderEmails.Email confirmation(String to, Session session, String confirmToken, String unsubscribeToken) {
        String confirm = confirmUrl(confirmToken);
        String unsubscribe = unsubscribeUrl(unsubscribeToken);
        String title = session.title();
        String watch = watchUrl(session.sessionId());
        String text = "Someone (we hope you) asked to be reminded when \"" + title + "\" goes live (starts "
                + session.startsAt() + ").\n\nConfirm the reminder: " + confirm + "\nThe show's page: " + watch
                + "\n\nIf it was not you, ignore this email: nothing will be sent without the confirmation.\n"
                + "Stop these emails: " + unsubscribe + "\n";
        String html = "<!doctype html><html><body style=\"font-family:sans-serif\">"
                + "<p>Someone (we hope you) asked to be reminded when <strong>" + Html.escape(title)
                + "</strong> goes live (starts " + Html.escape(session.startsAt()) + ").</p>"
                + "<p><a href=\"" + Html.escape(confirm) + "\">Confirm the reminder</a></p>"
                + "<p><a href=\"" + Html.escape(watch) + "\">The show's page</a></p>"
                + "<p>If it was not you, ignore this email: nothing will be sent without the confirmation.</p>"
                + "<p style=\"font-size:small\"><a href=\"" + Html.escape(unsubscribe) + "\">Stop these emails</a></p>"
                + "</body></html>";
        return new ReminderEmails.Email(
                to, "Confirm your reminder for " + title, text, html, unsubscribeHeaders(unsubscribe));
    }

    /** The "We're live" template for one show; each entry fills {@value #UNSUBSCRIBE_URL}. */
    public ReminderEmails.Template live(Session session) {
        String watch = watchUrl(session.sessionId());
        String placeholder = "{{" + UNSUBSCRIBE_URL + "}}";
        String text = "\"" + Html.plainTemplateText(session.title()) + "\" is live now.\n\nWatch: " + watch
                + "\n\nYou get this because you asked for a reminder. Unsubscribe: " + placeholder + "\n";
        String html = "<!doctype html><html><body style=\"font-family:sans-serif\">"
                + "<p><strong>" + Html.escape(session.title()) + "</strong> is live now.</p>"
                + "<p><a href=\"" + Html.escape(watch) + "\">Watch the show</a></p>"
                + "<p style=\"font-size:small\">You get this because you asked for a reminder. "
                + "<a href=\"" + placeholder + "\">Unsubscribe</a></p></body></html>";
        return new ReminderEmails.Template("We're live: " + Html.plainTemplateText(session.title()), text, html);
    }
}
