package dev.samlocal.appsync;

import dev.samlocal.core.Json;
import io.javalin.websocket.WsContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client connection: its connection header, subscriptions (id → channel) and ordered sends. */
final class EventsConnection {

    private static final Logger LOG = LoggerFactory.getLogger(EventsConnection.class);

    final WsContext ctx;
    final Map<String, String> header;
    final Map<String, ChannelPath> subscriptions = new ConcurrentHashMap<>();
    volatile boolean acked;
    volatile long nextKeepAlive;

    EventsConnection(WsContext ctx, Map<String, String> header) {
        this.ctx = ctx;
        this.header = Map.copyOf(header);
    }

    /** Jetty allows one outstanding write per session: sends are serialized here. */
    void send(Object message) {
        sendRaw(Json.write(message));
    }

    synchronized void sendRaw(String text) {
        try {
            if (ctx.session.isOpen()) {
                ctx.send(text);
            }
        } catch (RuntimeException e) {
            LOG.debug("AppSync Events send failed: {}", e.toString());
        }
    }

    void close(int code, String reason) {
        try {
            ctx.closeSession(code, reason);
        } catch (RuntimeException e) {
            LOG.debug("AppSync Events close failed: {}", e.toString());
        }
    }
}
