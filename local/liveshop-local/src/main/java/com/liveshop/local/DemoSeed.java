package com.liveshop.local;

import com.liveshop.shared.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "Cyber Deals Sunday" demo catalog, created through the real admin route ({@code PUT /products/{sku}} with a host
 * token, over HTTP), so the demo data goes through the same authorizer, handler and validation as any host's request.
 * Products that already exist are updated, their stock kept.
 */
public final class DemoSeed {

    /** One demo product; prices in cents (USD), images are local placeholder paths. */
    public record DemoProduct(String sku, String title, String description, long priceCents, long stock) {

        Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("title", title);
            body.put("description", description);
            body.put("priceCents", priceCents);
            body.put("currency", "USD");
            body.put("imageUrl", "https://images.liveshop.example/cds/" + sku + ".jpg");
            body.put("stock", stock);
            return body;
        }
    }

    public static final List<DemoProduct> PRODUCTS = List.of(
            new DemoProduct(
                    "cds-cashmere-sweater",
                    "Cashmere Crew Sweater",
                    "Grade-A Mongolian cashmere, relaxed fit, oatmeal heather.",
                    12900,
                    50),
            new DemoProduct(
                    "cds-wireless-earbuds",
                    "Noise-Cancelling Wireless Earbuds",
                    "Active noise cancelling, 30 h with the case, IPX4.",
                    7900,
                    120),
            new DemoProduct(
                    "cds-fitness-smartwatch",
                    "Fitness Smartwatch",
                    "GPS, heart-rate and sleep tracking, 7-day battery.",
                    14900,
                    40),
            new DemoProduct(
                    "cds-leather-tote",
                    "Italian Leather Tote",
                    "Full-grain vegetable-tanned leather, fits a 15-inch laptop.",
                    18900,
                    25),
            new DemoProduct(
                    "cds-espresso-maker",
                    "Compact Espresso Maker",
                    "15-bar pump, steam wand, heats up in 30 seconds.",
                    9900,
                    30),
            new DemoProduct(
                    "cds-silk-scarf",
                    "Printed Silk Scarf",
                    "100% mulberry silk, hand-rolled edges, 90 x 90 cm.",
                    4900,
                    80),
            new DemoProduct(
                    "cds-running-shoes",
                    "Lightweight Running Shoes",
                    "Responsive foam, breathable knit upper, 230 g.",
                    8900,
                    60),
            new DemoProduct(
                    "cds-skincare-set",
                    "Vitamin C Skincare Set",
                    "Serum, moisturiser and SPF 30 day cream.",
                    3900,
                    150),
            new DemoProduct(
                    "cds-led-desk-lamp",
                    "Dimmable LED Desk Lamp",
                    "Five colour temperatures, USB-C charging port.",
                    4500,
                    70),
            new DemoProduct(
                    "cds-weighted-blanket",
                    "Weighted Blanket",
                    "7 kg, breathable cotton cover, machine washable.",
                    6900,
                    35));

    private static final Logger LOG = LoggerFactory.getLogger(DemoSeed.class);

    private DemoSeed() {}

    /**
     * Schedules the demo show "Cyber Deals Sunday" (starting in 30 minutes, six demo products) through the real
     * {@code POST /sessions}, so the viewer page at {@code /} has a show to count down to. Returns its id, or null
     * (logged) when it could not be created.
     */
    public static String seedShow(HttpClient http, String baseUrl, String hostToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Cyber Deals Sunday");
        body.put(
                "description",
                "One hour of live deals: cashmere, earbuds, smartwatches and more. "
                        + "Start the broadcast from the host console.");
        body.put(
                "startsAt",
                java.time.Instant.now()
                        .plus(Duration.ofMinutes(30))
                        .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                        .toString());
        body.put("lineup", PRODUCTS.subList(0, 6).stream().map(DemoProduct::sku).toList());
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/sessions"))
                .timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + hostToken)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 201) {
                return Json.MAPPER.readTree(response.body()).get("sessionId").asText();
            }
            LOG.warn("Demo show not scheduled: {}", response.statusCode());
        } catch (IOException e) {
            LOG.warn("Demo show not scheduled: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** PUTs every demo product; returns how many were created or updated (logs the rest). */
    public static int seed(HttpClient http, String baseUrl, String hostToken) {
        int saved = 0;
        for (DemoProduct product : PRODUCTS) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/products/" + product.sku()))
                    .timeout(Duration.ofSeconds(30))
                    .header("authorization", "Bearer " + hostToken)
                    .header("content-type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(Json.write(product.body())))
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 || response.statusCode() == 201) {
                    saved++;
                } else {
                    LOG.warn(
                            "Demo product {} not seeded: {} {}", product.sku(), response.statusCode(), response.body());
                }
            } catch (IOException e) {
                LOG.warn("Demo product {} not seeded: {}", product.sku(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return saved;
            }
        }
        return saved;
    }
}
