package com.liveshop.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.chat.ChatHandler;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * One cold start of ChatFunction, run by {@link ChatColdStart} in a fresh JVM whose class path is the shaded chat jar
 * and this class only (as Lambda loads it): the handler built from the environment, then its first request. Prints
 * {@code probe <jvm-start-to-handler ms> <construction ms> <first request ms> <status>}. Uses nothing but the JDK and
 * what the chat jar holds.
 *
 * <p>{@code ticket}: the first request is {@code POST /sessions/{id}/chat-tickets} (the key read from Secrets Manager,
 * the name checked for look-alikes, the limits, the ticket written). {@code bare}: the same handler's first request is
 * {@code GET /sessions/{id}/messages} (one DynamoDB read: no key, no name check).
 */
public final class ChatColdStartProbe {

    private ChatColdStartProbe() {}

    public static void main(String[] args) {
        String mode = args[0];
        String session = args[1];
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long t0 = System.nanoTime();
        long sinceJvm = System.currentTimeMillis() - jvmStart;
        ChatHandler handler = new ChatHandler();
        long t1 = System.nanoTime();
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setSourceIp("198.51.100." + (1 + (int) (Math.random() * 250)));
        context.setHttp(http);
        event.setRequestContext(context);
        event.setPathParameters(Map.of("sessionId", session));
        event.setHeaders(Map.of("content-type", "application/json"));
        if (mode.equals("ticket")) {
            http.setMethod("POST");
            event.setRouteKey("POST /sessions/{sessionId}/chat-tickets");
            event.setBody("{\"name\":\"Zoë Ꮋappy\"}");
        } else {
            http.setMethod("GET");
            event.setRouteKey("GET /sessions/{sessionId}/messages");
        }
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, new ProbeContext());
        long t2 = System.nanoTime();
        System.out.printf(
                "probe %d %.1f %.1f %d%n", sinceJvm, (t1 - t0) / 1e6, (t2 - t1) / 1e6, response.getStatusCode());
    }

    /** The Lambda context a handler gets; nothing here reads more than its name. */
    static final class ProbeContext implements Context {
        @Override
        public String getAwsRequestId() {
            return "probe";
        }

        @Override
        public String getLogGroupName() {
            return "probe";
        }

        @Override
        public String getLogStreamName() {
            return "probe";
        }

        @Override
        public String getFunctionName() {
            return "ChatFunction";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:ChatFunction";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 30_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.err.print(message);
                }

                @Override
                public void log(byte[] message) {
                    System.err.write(message, 0, message.length);
                }
            };
        }
    }
}
