package dev.samlocal.appsync;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A channel path as AppSync Events accepts it: {@code /namespace/segment…}, 1 to 5 segments in all (the namespace and
 * up to 4 more), each 1–50 characters of letters, digits and dashes. A subscription may end in {@code /*} (every
 * channel below); a publish names one channel, never a wildcard.
 */
public record ChannelPath(String namespace, List<String> segments, boolean wildcard) {

    static final int MAX_SEGMENTS = 5;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9-]{1,50}");

    /** Parses {@code path}; empty if AppSync would refuse it. The leading slash is optional, as in AppSync. */
    public static Optional<ChannelPath> parse(String path, boolean allowWildcard) {
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        List<String> segments = List.of(trimmed.split("/", -1));
        boolean wildcard =
                segments.size() > 1 && segments.get(segments.size() - 1).equals("*");
        if (wildcard && !allowWildcard) {
            return Optional.empty();
        }
        List<String> named = wildcard ? segments.subList(0, segments.size() - 1) : segments;
        if (segments.size() > MAX_SEGMENTS
                || named.isEmpty()
                || !named.stream().allMatch(s -> SEGMENT.matcher(s).matches())) {
            return Optional.empty();
        }
        return Optional.of(new ChannelPath(named.get(0), List.copyOf(named), wildcard));
    }

    /** Whether an event published to {@code channel} (no wildcard) reaches a subscription to this path. */
    public boolean matches(ChannelPath channel) {
        if (wildcard) {
            return channel.segments.size() > segments.size()
                    && channel.segments.subList(0, segments.size()).equals(segments);
        }
        return channel.segments.equals(segments);
    }

    @Override
    public String toString() {
        return "/" + String.join("/", segments) + (wildcard ? "/*" : "");
    }
}
