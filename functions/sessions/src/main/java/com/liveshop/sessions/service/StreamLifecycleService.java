package com.liveshop.sessions.service;

import com.liveshop.sessions.repository.Session;
import com.liveshop.sessions.repository.SessionRepository;
import com.liveshop.shared.events.EventPublisher;
import com.liveshop.shared.events.SessionEnded;
import com.liveshop.shared.events.SessionLive;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a session's stream from IVS's EventBridge events, which may come late, twice or out of order. Every change is
 * a conditional write (see {@link SessionRepository}), so replaying any event, in any order, changes nothing twice and
 * never moves a session back: SCHEDULED → LIVE → ENDED.
 */
public class StreamLifecycleService {

    private static final Logger LOG = LoggerFactory.getLogger(StreamLifecycleService.class);

    private final SessionRepository sessions;
    private final EventPublisher events;
    private final String replayBaseUrl;

    public StreamLifecycleService(SessionRepository sessions, EventPublisher events, String replayBaseUrl) {
        this.sessions = sessions;
        this.events = events;
        this.replayBaseUrl =
                replayBaseUrl.endsWith("/") ? replayBaseUrl.substring(0, replayBaseUrl.length() - 1) : replayBaseUrl;
    }

    public void handle(IvsEvent event) {
        Optional<String> sessionId = sessions.sessionIdOfChannel(event.channelArn());
        if (sessionId.isEmpty()) {
            LOG.info("Ignoring {} for channel {}: no session uses it", event.detailType(), event.channelArn());
            return;
        }
        String id = sessionId.get();
        if (IvsEvent.STREAM_STATE_CHANGE.equals(event.detailType())) {
            streamStateChange(id, event);
        } else if (IvsEvent.RECORDING_STATE_CHANGE.equals(event.detailType())) {
            recordingStateChange(id, event);
        } else {
            LOG.info("Ignoring {} on session {}", event.detailType(), id);
        }
    }

    private void streamStateChange(String sessionId, IvsEvent event) {
        String name = String.valueOf(event.eventName());
        if (event.streamId() == null) {
            LOG.warn("Ignoring {} on session {}: no stream_id", name, sessionId);
            return;
        }
        long at = event.time().toEpochMilli();
        switch (name) {
            case "Stream Start" -> {
                Optional<Long> endedFirst = sessions.recordStreamStart(sessionId, event.streamId(), at);
                Optional<String> before = sessions.markLive(sessionId, event.streamId(), at);
                before.ifPresentOrElse(
                        status -> {
                            LOG.info("Session {} LIVE with broadcast {} (was {})", sessionId, event.streamId(), status);
                            if (Session.SCHEDULED.equals(status)) {
                                publishLive(sessionId);
                            }
                        },
                        () -> LOG.info(
                                "Stream Start {} on session {} changed nothing (duplicate, older or ended)",
                                event.streamId(),
                                sessionId));
                // Its Stream End arrived before its start: now that it is current, end it as that event would have.
                endedFirst.ifPresent(endedAt -> end(sessionId, event.streamId(), endedAt, "Stream End (seen earlier)"));
            }
            case "Stream End", "Session Ended" -> {
                sessions.recordStreamEnd(sessionId, event.streamId(), at);
                end(sessionId, event.streamId(), at, name);
            }
            default -> LOG.info("Ignoring stream event {} on session {}", name, sessionId);
        }
    }

    private void end(String sessionId, String streamId, long at, String why) {
        if (sessions.markEndedByStream(sessionId, streamId, at)) {
            LOG.info("Session {} ENDED by {} of broadcast {}", sessionId, why, streamId);
            // Once, on the transition (the conditional write lets only one caller see it).
            events.publish(new SessionEnded(sessionId, Instant.ofEpochMilli(at)));
        } else {
            LOG.info(
                    "{} of broadcast {} on session {} changed nothing (duplicate, newer broadcast or ended)",
                    why,
                    streamId,
                    sessionId);
        }
    }

    private void recordingStateChange(String sessionId, IvsEvent event) {
        if (!"Recording End".equals(event.recordingStatus())) {
            LOG.info("Ignoring recording status {} on session {}", event.recordingStatus(), sessionId);
            return;
        }
        if (event.recordingKeyPrefix() == null || event.recordingDurationMs() == null) {
            LOG.warn("Ignoring Recording End on session {}: no S3 key prefix or duration", sessionId);
            return;
        }
        String prefix = event.recordingKeyPrefix().replaceAll("^/+|/+$", "");
        Session.Replay replay = new Session.Replay(
                replayBaseUrl + "/" + prefix + "/media/hls/master.m3u8", event.recordingDurationMs());
        if (sessions.setReplay(sessionId, replay, event.time().toEpochMilli())) {
            LOG.info("Session {} replay ready ({} ms)", sessionId, replay.durationMs());
        }
    }

    /** Published once, on the SCHEDULED → LIVE transition (the conditional write lets only one caller see it). */
    private void publishLive(String sessionId) {
        Session s = sessions.find(sessionId).orElseThrow();
        events.publish(new SessionLive(
                s.sessionId(), s.title(), s.startsAt(), s.liveAt(), s.playbackUrl(), s.reminderCount()));
    }
}
