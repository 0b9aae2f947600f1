package com.liveshop.checkout.service;

import com.liveshop.shared.stats.ShowOrigin;
import java.util.Optional;

/**
 * Where a hold placed from a show comes from: the show and the highlight on its screen right now. Empty unless the show
 * is LIVE and {@code sku} is in its lineup: a hold may name any show, and only a live show selling the sku gets credit
 * for it. Implemented on the Sessions table (repository.SessionShowLookup).
 */
public interface ShowLookup {

    Optional<ShowOrigin> originNow(String sessionId, String sku);

    /** For a checkout without the Sessions table: no show gets credit. */
    ShowLookup NONE = (sessionId, sku) -> Optional.empty();
}
