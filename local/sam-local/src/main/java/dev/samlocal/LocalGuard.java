package dev.samlocal;

import dev.samlocal.protocol.LocalJson;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a page on another site cannot make the local stack do. It listens on loopback, but a browser on this machine
 * reaches loopback for any page: a DNS-rebinding page (evil.example resolving to 127.0.0.1) is same-origin with the
 * stack and could read {@code /_local} (the webhook secret, host tokens). So every request, on every path of the port
 * (pages, API, {@code /_local}, the AWS emulators, WebSocket upgrades), must name the stack in its {@code Host}:
 * loopback ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}, any port) or the {@code --host} it was started with;
 * anything else is 421 MISDIRECTED_REQUEST. And a cross-site page may still send a form POST to
 * {@code http://localhost:3000/_local/...} (no preflight): a {@code /_local} request other than GET/HEAD/OPTIONS whose
 * {@code Origin} is not the stack's own ({@code http://} + the Host it was reached on) is 403. No Origin (curl,
 * scripts, the SDKs) passes.
 */
public final class LocalGuard {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final Set<HandlerType> SAFE = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

    private final Set<String> names;

    /**
     * @param listenHost the {@code --host} the stack was started with; a wildcard (0.0.0.0, ::) stands for every
     *     address of this machine
     */
    public LocalGuard(String listenHost) {
        Set<String> all = new java.util.HashSet<>(LOOPBACK);
        String h = listenHost.toLowerCase(Locale.ROOT);
        all.add(h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h);
        if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
            try {
                for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                    for (var address : java.util.Collections.list(nic.getInetAddresses())) {
                        String a = address.getHostAddress()
                                .replaceFirst("%.*$", "")
                                .toLowerCase(Locale.ROOT);
                        all.add(address instanceof java.net.Inet6Address ? "[" + a + "]" : a);
                    }
                }
            } catch (java.net.SocketException e) {
                // No interface list: loopback only.
            }
        }
        this.names = Set.copyOf(all);
    }

    /** Whether a {@code Host} header value names this stack. */
    boolean allowedHost(String host) {
        return hostName(host).filter(names::contains).isPresent();
    }

    /** "localhost:3000" → localhost; "[::1]:3000" → [::1]; empty for a blank or malformed value. */
    static Optional<String> hostName(String host) {
        if (host == null || host.isBlank()) {
            return Optional.empty();
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        int colon = h.startsWith("[") ? h.indexOf("]:") + 1 : h.lastIndexOf(':');
        if (h.startsWith("[") && !h.contains("]")) {
            return Optional.empty();
        }
        if (colon > 0) {
            String port = h.substring(colon + 1);
            if (port.isEmpty() || !port.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            h = h.substring(0, colon);
        }
        return h.isEmpty() ? Optional.empty() : Optional.of(h);
    }

    /** Javalin before-handler of every HTTP path: answers 421 or 403 and skips the rest, or lets the request on. */
    public void check(Context ctx) {
        String host = ctx.header("Host");
        if (!allowedHost(host)) {
            LocalJson.error(
                    ctx,
                    421,
                    "MISDIRECTED_REQUEST",
                    "This local stack answers only requests addressed to localhost, 127.0.0.1, [::1] or its --host");
            ctx.skipRemainingHandlers();
            return;
        }
        String origin = ctx.header("Origin");
        if (ctx.path().startsWith("/_local")
                && !SAFE.contains(ctx.method())
                && origin != null
                && !origin.equalsIgnoreCase("http://" + host.strip())) {
            LocalJson.error(
                    ctx,
                    403,
                    "CROSS_SITE_REQUEST",
                    "The local stack's controls refuse requests from another site's page");
            ctx.skipRemainingHandlers();
        }
    }

    /** The same Host rule before a WebSocket upgrade (the AppSync Events real-time endpoint, the local IVS players). */
    public void checkUpgrade(Context ctx) {
        if (!allowedHost(ctx.header("Host"))) {
            throw new HttpResponseException(
                    421,
                    "This local stack answers only requests addressed to localhost, 127.0.0.1, [::1] or its --host");
        }
    }
}
