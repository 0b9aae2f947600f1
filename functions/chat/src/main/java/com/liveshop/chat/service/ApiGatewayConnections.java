package com.liveshop.chat.service;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/** {@link ConnectionGateway} over the real ApiGatewayManagementApiClient (POST / DELETE @connections/{id}). */
public class ApiGatewayConnections implements ConnectionGateway {

    private final ApiGatewayManagementApiClient client;

    public ApiGatewayConnections(ApiGatewayManagementApiClient client) {
        this.client = client;
    }

    @Override
    public Outcome post(String connectionId, String frame) {
        try {
            client.postToConnection(r -> r.connectionId(connectionId).data(SdkBytes.fromUtf8String(frame)));
            return Outcome.SENT;
        } catch (GoneException e) {
            return Outcome.GONE;
        }
    }

    @Override
    public void close(String connectionId) {
        try {
            client.deleteConnection(r -> r.connectionId(connectionId));
        } catch (GoneException alreadyGone) {
            // nothing to close
        }
    }
}
