package dev.samlocal;

import dev.samlocal.appsync.EventsUsage;
import java.time.Instant;
import java.util.Map;

/**
 * What the local stack served since it started, counted per emulated AWS service on what a deployed stack is billed or
 * limited on ({@code GET /_local/usage}, {@link LocalStack#usage()}). Counts only grow: a caller that wants a window
 * takes two snapshots and subtracts.
 *
 * @param apiGatewayRequests HTTP API requests by route key ({@code (no route)}: a 404 from the gateway itself)
 * @param lambdaInvocations invocations by function logical id (HTTP routes, streams, rules, schedules, authorizers)
 * @param appSyncEvents AppSync Events inbound (publish requests, events), outbound (data messages), connections
 * @param ivsRequests IVS control-plane requests by operation (PutMetadata, GetStream, …)
 * @param eventBridge PutEvents requests and their entries
 * @param dynamoDbRequests DynamoDB requests by operation (GetItem, TransactWriteItems, …), the stack's own setup
 *     included
 * @param cloudFrontEligible public GETs a CDN in front of the API could answer, by route key
 * @param sqsRequests SQS requests by operation (SendMessage, ReceiveMessage, …); the local event source mappings poll
 *     in-process and are not counted
 */
public record LocalUsage(
        Instant since,
        Instant at,
        Map<String, Long> apiGatewayRequests,
        Map<String, Long> lambdaInvocations,
        EventsUsage appSyncEvents,
        Map<String, Long> ivsRequests,
        EventBridge eventBridge,
        Map<String, Long> dynamoDbRequests,
        Map<String, Long> cloudFrontEligible,
        Map<String, Long> sqsRequests) {

    /** EventBridge PutEvents: requests (the API's TPS quota) and entries (what is billed). */
    public record EventBridge(long putEventsRequests, long entries) {}
}
