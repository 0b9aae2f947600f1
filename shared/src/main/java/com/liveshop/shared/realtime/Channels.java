package com.liveshop.shared.realtime;

/**
 * The AppSync Events channels (namespaces in template.yaml): {@code /shows/{sessionId}} is what every viewer of a show
 * sees, {@code /hosts/{sessionId}} is for the show's hosts only, {@code /carts/{cartId}} is one buyer's own. Ids are
 * UUIDs: letters, digits and dashes, as channel segments must be.
 */
public final class Channels {

    public static final String SHOWS = "shows";
    public static final String HOSTS = "hosts";
    public static final String CARTS = "carts";

    private Channels() {}

    public static String show(String sessionId) {
        return "/" + SHOWS + "/" + sessionId;
    }

    public static String hosts(String sessionId) {
        return "/" + HOSTS + "/" + sessionId;
    }

    public static String cart(String cartId) {
        return "/" + CARTS + "/" + cartId;
    }
}
