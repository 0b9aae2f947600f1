package com.liveshop.shared.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.liveshop.shared.json.Json;
import java.util.HashMap;
import java.util.Map;

/** Builds API Gateway HTTP API (payload v2.0) responses: JSON bodies and the one error shape. */
public final class HttpResponses {

    private HttpResponses() {}

    public static APIGatewayV2HTTPResponse json(int status, Object body) {
        return json(status, body, Map.of());
    }

    public static APIGatewayV2HTTPResponse json(int status, Object body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.put("content-type", "application/json");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(Json.write(body))
                .withIsBase64Encoded(false)
                .build();
    }

    public static APIGatewayV2HTTPResponse noContent() {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(204)
                .withHeaders(Map.of())
                .withIsBase64Encoded(false)
                .build();
    }

    public static APIGatewayV2HTTPResponse error(ApiException e) {
        return error(e.status(), e.code(), e.getMessage(), e.headers());
    }

    public static APIGatewayV2HTTPResponse error(
            int status, String code, String message, Map<String, String> extraHeaders) {
        return json(status, Map.of("error", Map.of("code", code, "message", message)), extraHeaders);
    }
}
