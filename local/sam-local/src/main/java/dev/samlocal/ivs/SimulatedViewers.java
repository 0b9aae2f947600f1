package dev.samlocal.ivs;

import dev.samlocal.apigw.HttpApiEmulator;

/**
 * Addresses for the viewers a test, bench or rehearsal plays from one machine. Every per-address limit keys on the
 * client's address (CloudFront-Viewer-Address behind the CDN), so a thousand simulated buyers sent from 127.0.0.1 would
 * be one client. The local CDN takes this header from a loopback client ({@link HttpApiEmulator}), so each simulated
 * viewer sends its own: viewer {@code i} is 10.x.y.z (a private address, never a real client's), with a port as
 * CloudFront writes it.
 */
public final class SimulatedViewers {

    /** The header a loopback client names its viewer with. */
    public static final String HEADER = "CloudFront-Viewer-Address";

    private SimulatedViewers() {}

    /** Viewer {@code index}'s "ip:port" (distinct for 0 ≤ index < 16,777,216). */
    public static String address(int index) {
        if (index < 0 || index >= 1 << 24) {
            throw new IllegalArgumentException("viewer index out of range: " + index);
        }
        return "10." + (index >> 16 & 255) + "." + (index >> 8 & 255) + "." + (index & 255) + ":"
                + (40000 + index % 20000);
    }
}
