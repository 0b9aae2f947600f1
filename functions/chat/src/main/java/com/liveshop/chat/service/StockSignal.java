package com.liveshop.chat.service;

import com.liveshop.chat.repository.ChatRepository;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.Frames;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stock} frames: when the availability of a product that a live session features right now changes, the show's
 * channel gets {@code {"type":"stock", sku, available}} — at most once per second per session and sku (a lease on the
 * session item), so a flash sale's thousands of holds per second cost one publish per second, not one per hold. Viewers
 * who need the exact figure read {@code GET /products/{sku}}.
 */
public class StockSignal {

    static final long MIN_INTERVAL_MS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(StockSignal.class);

    private final ChatRepository chat;
    private final ChannelPublisher publisher;
    private final Clock clock;

    public StockSignal(ChatRepository chat, ChannelPublisher publisher, Clock clock) {
        this.chat = chat;
        this.publisher = publisher;
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
            if (available != null
                    && chat.leaseStockPush(
                            featured.sessionId(), featured.sku(), available, clock.millis(), MIN_INTERVAL_MS)) {
                publisher.publish(Channels.show(featured.sessionId()), new Frames.Stock(featured.sku(), available));
                LOG.info("stock {}={} on session {}", featured.sku(), available, featured.sessionId());
                pushed++;
            }
        }
        return pushed;
    }
}
