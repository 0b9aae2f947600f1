package com.liveshop.checkout.service;

import com.liveshop.shared.stats.ShowOrigin;
import java.util.Optional;

/**
 * Where a hold placed from a show comes from: the show and the highlight on its screen right now. Empty when no
 * such show exists. Implemented on the Sessions table (repository.SessionShowLookup).
 */
public interface ShowLookup {

    Optional<ShowOrigin> originNow(String sessionId);

    /** For a checkout without the Sessions table: every show is unknown. */
    ShowLookup NONE = sessionId -> Optional.empty();
}
