package com.liveshop.shared.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    @Test
    void theViewerAddressCountsOnlyOnARequestThatPassedTheOriginCheck() {
        assertThat(ClientAddress.of(true, Optional.of("198.51.100.10:46532"), "130.176.1.1"))
                .isEqualTo("198.51.100.10");
        assertThat(ClientAddress.of(false, Optional.of("198.51.100.10:46532"), "130.176.1.1"))
                .isEqualTo("130.176.1.1");
    }

    @Test
    void ipv6KeepsItsColonsAndLosesOnlyThePort() {
        assertThat(ClientAddress.of(true, Optional.of("2001:DB8::1:443"), "x")).isEqualTo("2001:db8::1");
        assertThat(ClientAddress.of(true, Optional.of("[2001:db8::2]:443"), "x"))
                .isEqualTo("2001:db8::2");
    }

    @Test
    void aMalformedViewerHeaderFallsBackToTheSourceAddress() {
        for (String bad : new String[] {
            "", "198.51.100.10", "198.51.100.10:", "evil:80", "1.2.3.4:99999999", "1.2.3.4 5:80", "x".repeat(60) + ":1"
        }) {
            assertThat(ClientAddress.of(true, Optional.of(bad), "130.176.1.1"))
                    .as(bad)
                    .isEqualTo("130.176.1.1");
        }
        assertThat(ClientAddress.of(true, Optional.empty(), null)).isEmpty();
    }

    @Test
    void xForwardedForIsNeverTheClient() {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setHeaders(Map.of("X-Forwarded-For", "203.0.113.9", "CloudFront-Viewer-Address", "198.51.100.7:1"));
        var context = new APIGatewayV2HTTPEvent.RequestContext();
        var http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setSourceIp("130.176.1.1");
        context.setHttp(http);
        event.setRequestContext(context);
        assertThat(new HttpRequest(event).clientAddress()).isEqualTo("130.176.1.1");
        assertThat(new HttpRequest(event, true).clientAddress()).isEqualTo("198.51.100.7");
    }
}
