package com.liveshop.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * Test-only WebSocket handler (named by src/test/resources/websocket-template.yaml): records every event, as the
 * Lambda runtime deserializes it, and answers by route: $connect refuses {@code ?deny=1} (403) and fails on
 * {@code ?boom=1}; {@code echo} returns the body; {@code fail} throws; {@code reply} answers through the real
 * @connections client at WEBSOCKET_ENDPOINT.
 */
public class WebSocketTestHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    static final List<APIGatewayV2WebSocketEvent> RECEIVED = new CopyOnWriteArrayList<>();

    private final ApiGatewayManagementApiClient connections;

    public WebSocketTestHandler(AppConfig config) {
        connections = AwsClients.configure(ApiGatewayManagementApiClient.builder(), config, "APIGATEWAYMANAGEMENTAPI")
                .endpointOverride(URI.create(config.required("WEBSOCKET_ENDPOINT")))
                .httpClient(AwsClients.httpClient())
                .build();
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        RECEIVED.add(event);
        String routeKey = event.getRequestContext().getRouteKey();
        Map<String, String> query = event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
        if (routeKey.equals("$connect") && query.containsKey("boom")) {
            throw new IllegalStateException("boom");
        }
        if (routeKey.equals("$connect") && query.containsKey("deny")) {
            return response(403, "denied");
        }
        if (routeKey.equals("fail")) {
            throw new IllegalStateException("failing on purpose");
        }
        if (routeKey.equals("reply")) {
            connections.postToConnection(r -> r.connectionId(event.getRequestContext().getConnectionId())
                    .data(SdkBytes.fromUtf8String("hello from handler")));
        }
        return response(200, routeKey.equals("echo") || routeKey.equals("ping") ? "echo:" + event.getBody() : "ok");
    }

    private static APIGatewayV2WebSocketResponse response(int status, String body) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(status);
        response.setBody(body);
        return response;
    }
}
