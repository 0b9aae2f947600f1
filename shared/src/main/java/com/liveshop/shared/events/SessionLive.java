package com.liveshop.shared.events;

/**
 * A session went live (SCHEDULED → LIVE, published once by the sessions module). Carries the count of confirmed
 * reminders, never their addresses: ReminderDispatchFunction reads those itself.
 */
public record SessionLive(
        String sessionId, String title, String startsAt, String liveAt, String playbackUrl, long reminderCount)
        implements BusEvent {

    public static final String DETAIL_TYPE = "SessionLive";

    @Override
    public String detailType() {
        return DETAIL_TYPE;
    }
}
