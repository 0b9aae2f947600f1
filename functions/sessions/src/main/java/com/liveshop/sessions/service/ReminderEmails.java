package com.liveshop.sessions.service;

import java.util.List;
import java.util.Map;

/** Outgoing reminder email (SES v2 in AWS and locally: {@code ses.SesReminderEmails}). */
public interface ReminderEmails {

    /** One email to one address, both parts, with its headers (List-Unsubscribe…). */
    record Email(String to, String subject, String text, String html, Map<String, String> headers) {
        @Override
        public String toString() {
            return "Email[subject=" + subject + "]";
        }
    }

    /** A template whose {@code {{name}}} placeholders each entry fills with its own values. */
    record Template(String subject, String text, String html) {}

    /** One destination of a bulk send: its address, its template values and its own headers. */
    record BulkEntry(String to, Map<String, String> values, Map<String, String> headers) {
        @Override
        public String toString() {
            return "BulkEntry";
        }
    }

    /**
     * What SES said of one bulk entry; {@code retryable} when sending again later may succeed (throttling, transient).
     */
    record EntryResult(boolean sent, boolean retryable, String status) {}

    void send(Email email);

    /** At most 50 entries; one result per entry, in order. */
    List<EntryResult> sendBulk(Template template, List<BulkEntry> entries);
}
