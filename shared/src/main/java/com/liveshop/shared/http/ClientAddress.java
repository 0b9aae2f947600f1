package com.liveshop.shared.http;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The address of the client a request comes from, the key of every per-address limit (chat tickets, reminders, waitlist
 * joins, held stock). Behind CloudFront, API Gateway's {@code sourceIp} is an edge server's address, shared by
 * thousands of viewers; the viewer's own address arrives in {@code CloudFront-Viewer-Address} ("ip:port"). That header
 * is trusted only on a request that carried the CDN's secret origin header (anyone can send the header itself), and
 * {@code X-Forwarded-For} never is: a client writes what it likes there and CloudFront appends to it.
 */
public final class ClientAddress {

    /** The viewer's address and source port as CloudFront forwards it (origin request policy), lower-cased. */
    public static final String VIEWER_ADDRESS_HEADER = "cloudfront-viewer-address";

    /** An IPv4 or IPv6 literal: what may be a rate-limit key (hex digits, dots and colons, at most 45 characters). */
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ClientAddress() {}

    /**
     * The viewer address from {@code viewerAddressHeader} when the request came through the CDN
     * ({@code originVerified}) and the header has CloudFront's "ip:port" shape; else {@code sourceIp}.
     */
    public static String of(boolean originVerified, Optional<String> viewerAddressHeader, String sourceIp) {
        if (originVerified) {
            Optional<String> viewer = viewerAddressHeader.flatMap(ClientAddress::withoutPort);
            if (viewer.isPresent()) {
                return viewer.get();
            }
        }
        return sourceIp == null ? "" : sourceIp;
    }

    /** "198.51.100.10:46532" → 198.51.100.10; "2001:db8::1:46532" → 2001:db8::1 (the port follows the last colon). */
    static Optional<String> withoutPort(String value) {
        String v = value.strip();
        int colon = v.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String ip = v.substring(0, colon);
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        String port = v.substring(colon + 1);
        if (port.isEmpty()
                || port.length() > 5
                || !port.chars().allMatch(Character::isDigit)
                || !ADDRESS.matcher(ip).matches()) {
            return Optional.empty();
        }
        return Optional.of(ip.toLowerCase(java.util.Locale.ROOT));
    }
}
