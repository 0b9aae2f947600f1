package com.liveshop.sessions.service;

import java.util.List;

/**
 * One message on the reminder queue, written by the sign-up and the SessionLive dispatch and read by the sender:
 * {@code confirm} (one reminder's confirmation) or {@code live} (the "We're live" email to at most
 * {@value #MAX_LIVE_RECIPIENTS} reminders, one SES bulk call). Only reminder ids, never addresses.
 */
public record ReminderMessage(String type, String sessionId, List<String> reminderIds) {

    public static final String CONFIRM = "confirm";
    public static final String LIVE = "live";
    /** SES SendBulkEmail takes at most 50 entries per call. */
    public static final int MAX_LIVE_RECIPIENTS = 50;

    public static ReminderMessage confirm(String sessionId, String reminderId) {
        return new ReminderMessage(CONFIRM, sessionId, List.of(reminderId));
    }

    public static ReminderMessage live(String sessionId, List<String> reminderIds) {
        return new ReminderMessage(LIVE, sessionId, List.copyOf(reminderIds));
    }
}
