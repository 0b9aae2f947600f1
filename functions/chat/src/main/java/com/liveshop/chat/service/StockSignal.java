package com.liveshop.chat.service;

import com.liveshop.chat.repository.ChatRepository;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stock} frames: when the availability of a product that a live session features right now changes,
 * the session's connections get {@code {"type":"stock", sku, available}} — at most once per second per session
 * and sku (a lease on the session item), so a flash sale's thousands of holds per second cost one fan-out per
 * second, not one per hold. Viewers who need the exact figure read {@code GET /products/{sku}}.
 */
public class StockSignal {

    static final long MIN_INTERVAL_MS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(StockSignal.class);

    private final ChatRepository chat;
    private final Broadcaster broadcaster;
    private final Clock clock;

    public StockSignal(ChatRepository chat, Broadcaster broadcaster, Clock clock) {
        this.chat = chat;
        this.broadcaster = broadcaster;
        this.clock = clock;
    }

    /** The latest availability per sku (one stream batch); returns how many sessions were told. */
    public int changed(Map<String, Long> availableBySku) {
        if (availableBySku.isEmpty()) {
            return 0;
        }
        int pushed = 0;
        for (ChatRepository.FeaturedSku featured : chat.liveFeaturedSkus()) {
            Long available = availableBySku.get(featured.sku());
            if (available != null && chat.leaseStockPush(featured.sessionId(), featured.sku(), available, clock.millis(), MIN_INTERVAL_MS)) {
                Broadcaster.Result result = broadcaster.broadcast(featured.sessionId(), Frames.json(new Frames.Stock(featured.sku(), available)));
                LOG.info("stock {}={} on session {}: {} sent, {} gone, {} failed", featured.sku(), available,
                        featured.sessionId(), result.sent(), result.gone(), result.failed());
                pushed++;
            }
        }
        return pushed;
    }
}
