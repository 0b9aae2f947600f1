package com.liveshop.chat.service;

import com.liveshop.chat.repository.ChatKeys;
import com.liveshop.chat.repository.ChatRepository;
import com.liveshop.chat.repository.SessionState;
import com.liveshop.checkout.service.CartService;
import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.realtime.Channels;
import com.liveshop.shared.realtime.Frames;
import java.text.Normalizer;
import java.time.Clock;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Comment-to-buy: a chat message from a cart-bound ticket whose text is the show's buy keyword (case-insensitive,
 * default SOLD), optionally followed by a quantity ("sold 2"), holds the product on screen in that cart through the
 * cart's own rules ({@link CartService#addItemFromChat}: deal price, per-sku limit, the per-client cap, SOLD_OUT, one
 * currency; the hold records the show). The buyer alone learns the result, on {@code /carts/{cartId}} ({@code held} or
 * {@code holdRefused} with the cart route's error code, or NOTHING_FEATURED); the show sees a {@code claimed} frame at
 * most once a second. The chat message itself is stored already (ChatBatchFunction publishes it), whatever happens
 * here.
 */
public class CommentToBuy {

    private static final Logger LOG = LoggerFactory.getLogger(CommentToBuy.class);
    /** The keyword, then optionally whitespace and a quantity of 1-3 digits; nothing else. */
    private static final Pattern COMMAND = Pattern.compile("^(\\S+)(?:\\s+(\\d{1,3}))?$");

    private final Supplier<CartService> carts;
    private final ChatRepository chat;
    private final ChannelPublisher publisher;
    private final Clock clock;

    /** {@code carts} is asked on the first buy (and should keep what it built). */
    public CommentToBuy(Supplier<CartService> carts, ChatRepository chat, ChannelPublisher publisher, Clock clock) {
        this.carts = carts;
        this.chat = chat;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** The quantity a message asks for, if it is the keyword (alone or with a quantity). */
    public static OptionalInt quantityAsked(String text, String keyword) {
        Matcher m = COMMAND.matcher(fold(text.strip()));
        if (!m.matches() || !m.group(1).equals(fold(keyword))) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(m.group(2) == null ? 1 : Integer.parseInt(m.group(2)));
    }

    private static String fold(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** After a viewer's message from a cart-bound ticket was stored. */
    void onMessage(SessionState session, ChatTickets.Ticket sender, String text) {
        OptionalInt asked = quantityAsked(text, session.buyKeyword());
        if (asked.isEmpty()) {
            return;
        }
        String cart = Channels.cart(sender.cartId());
        String sku = session.featuredSku();
        if (sku == null) {
            publisher.publish(cart, new Frames.HoldRefused(null, "NOTHING_FEATURED"));
            return;
        }
        int quantity = asked.getAsInt();
        CartService cartService = carts.get();
        if (quantity < 1 || quantity > cartService.maxQuantityPerSku()) {
            publisher.publish(cart, new Frames.HoldRefused(sku, "QUANTITY_LIMIT"));
            return;
        }
        CartService.HoldView hold;
        try {
            // Counted against the client that obtained the ticket, as its cart-route holds are (the same fingerprint
            // key).
            hold = cartService.addItemFromChat(
                    sender.cartId(), sku, (long) quantity, session.sessionId(), sender.client());
        } catch (ApiException refused) {
            publisher.publish(cart, new Frames.HoldRefused(sku, refused.code()));
            return;
        } catch (RuntimeException e) {
            // The message is out already; the buyer is told, and the cart route remains for a retry.
            LOG.warn(
                    "Comment-to-buy hold failed in session {}: {}",
                    session.sessionId(),
                    e.getClass().getSimpleName());
            publisher.publish(cart, new Frames.HoldRefused(sku, "TRY_AGAIN"));
            return;
        }
        publisher.publish(
                cart,
                new Frames.Held(
                        sku,
                        quantity,
                        hold.priceCents(),
                        hold.currency(),
                        hold.expiresAt().toString()));
        long second = clock.instant().getEpochSecond();
        if (chat.tryCount(ChatKeys.limitPk(session.sessionId(), "claimed", "all", second), 1, second + 60)) {
            publisher.publish(Channels.show(session.sessionId()), new Frames.Claimed(sender.name(), sku));
        }
    }
}
