package com.liveshop.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.liveshop.shared.config.AppConfig;
import java.util.List;
import java.util.Map;

/** Test-only Lambda REQUEST authorizer: {@code ?token=good} is allowed (principal "alice"), anything else denied. */
public class WebSocketTestAuthorizer implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    public WebSocketTestAuthorizer(AppConfig config) {}

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Map<String, String> query = (Map<String, String>) event.getOrDefault("queryStringParameters", Map.of());
        String effect = "good".equals(query.get("token")) ? "Allow" : "Deny";
        return Map.of(
                "principalId",
                "alice",
                "policyDocument",
                Map.of(
                        "Version",
                        "2012-10-17",
                        "Statement",
                        List.of(Map.of(
                                "Action", "execute-api:Invoke", "Effect", effect, "Resource", event.get("methodArn")))),
                "context",
                Map.of("role", "host", "level", 3));
    }
}
