package dev.samlocal.apigw;

import dev.samlocal.lambda.LocalFunction;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP API's routes ("METHOD /path/{param}") and API Gateway's way of choosing one: a method match beats ANY, a
 * literal segment beats {param}, which beats a greedy {param+}; {@code $default} catches the rest.
 */
public final class HttpRoutes {

    /** One route of the template. {@code authorizer} is the authorizer's name, or null for a public route. */
    public record Route(String routeKey, String method, String path, LocalFunction function, String authorizer) {

        List<String> segments() {
            return split(path);
        }
    }

    /** A route chosen for a request, with its path parameters (URL-decoded, as API Gateway passes them). */
    public record Match(Route route, Map<String, String> pathParameters) {}

    private final List<Route> routes = new ArrayList<>();

    public void add(Route route) {
        routes.add(route);
    }

    public List<Route> all() {
        return List.copyOf(routes);
    }

    public Optional<Match> match(String method, String rawPath) {
        List<String> segments = split(rawPath);
        Match best = null;
        Route bestRoute = null;
        for (Route route : routes) {
            if (route.routeKey().equals("$default")) {
                continue;
            }
            if (!route.method().equals("ANY") && !route.method().equalsIgnoreCase(method)) {
                continue;
            }
            Map<String, String> params = bind(route.segments(), segments);
            if (params != null && (bestRoute == null || PRECEDENCE.compare(route, bestRoute) < 0)) {
                best = new Match(route, params);
                bestRoute = route;
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        return routes.stream()
                .filter(r -> r.routeKey().equals("$default"))
                .findFirst()
                .map(r -> new Match(r, Map.of()));
    }

    /** Lower is more specific. */
    private static final Comparator<Route> PRECEDENCE = (a, b) -> {
        int method = Boolean.compare(a.method().equals("ANY"), b.method().equals("ANY"));
        if (method != 0) {
            return method;
        }
        List<String> x = a.segments();
        List<String> y = b.segments();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            int c = Integer.compare(rank(x.get(i)), rank(y.get(i)));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(y.size(), x.size());
    };

    private static int rank(String segment) {
        if (!segment.startsWith("{")) {
            return 0;
        }
        return segment.endsWith("+}") ? 2 : 1;
    }

    private static Map<String, String> bind(List<String> pattern, List<String> path) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (p.startsWith("{") && p.endsWith("+}")) {
                if (i >= path.size()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 2), decode(String.join("/", path.subList(i, path.size()))));
                return params;
            }
            if (i >= path.size()) {
                return null;
            }
            String s = path.get(i);
            if (p.startsWith("{") && p.endsWith("}")) {
                if (s.isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), decode(s));
            } else if (!p.equals(s)) {
                return null;
            }
        }
        return pattern.size() == path.size() ? params : null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static List<String> split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.isEmpty()) {
            return List.of();
        }
        return List.of(trimmed.split("/", -1));
    }

    /** "GET /products/{sku}" as (method, path), method upper-cased; ANY stays ANY. */
    public static String[] parseRouteKey(String routeKey) {
        String[] parts = routeKey.trim().split("\\s+", 2);
        return new String[] {parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""};
    }
}
