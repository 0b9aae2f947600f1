package dev.samlocal.core;

import io.javalin.config.RoutesConfig;
import java.util.Map;

/**
 * An AWS service emulated by the local stack as HTTP endpoints that the real SDK clients reach through an endpoint
 * override (EventBridge, IVS; the WebSocket @connections API plugs in the same way).
 */
public interface LocalService extends AutoCloseable {

    /** Settings every function gets, typically {@code AWS_ENDPOINT_URL_<SERVICE>} pointing at this service. */
    Map<String, String> functionSettings();

    /** Adds this service's endpoints; called before the HTTP API's catch-all route is added. */
    void register(RoutesConfig routes);

    /** Endpoint → what it is, for {@code GET /_local}. */
    Map<String, String> describe();

    @Override
    default void close() {}
}
