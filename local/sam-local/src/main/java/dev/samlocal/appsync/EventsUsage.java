package dev.samlocal.appsync;

/**
 * What AppSync Events bills and limits, since the start: inbound publish requests (HTTP and WebSocket) and the events
 * they carried, outbound {@code data} messages, connections opened, the most open at once, and subscribe requests.
 */
public record EventsUsage(
        long publishRequests,
        long eventsPublished,
        long messagesDelivered,
        long connectionsOpened,
        int peakConnections,
        long subscribeRequests) {}
