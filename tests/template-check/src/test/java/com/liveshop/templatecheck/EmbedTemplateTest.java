package com.liveshop.templatecheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.shared.http.EdgeHeaders;
import dev.samlocal.template.Intrinsics;
import dev.samlocal.template.SamTemplate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 27: the brand sites of {@code EmbedAllowedOrigins} may put liveshop.js on their pages. The API answers their
 * browsers (CORS) and the CDN lets them, and only them, frame the player under /embed/* — with the headers the local
 * stack sends there ({@link EdgeHeaders#embedding}).
 */
class EmbedTemplateTest {

    private static final String TWO_SITES = "https://www.brand.example,http://localhost:3000";

    private static SamTemplate template;
    private static Map<String, Object> parameter;

    @BeforeAll
    static void load() {
        template = TemplateSupport.template();
        parameter = SamTemplate.map(
                SamTemplate.map(template.raw().get("Parameters")).get("EmbedAllowedOrigins"));
    }

    /** The template's values resolved as CloudFormation would with this EmbedAllowedOrigins. */
    private static Object resolved(Object value, String embedAllowedOrigins) {
        Map<String, String> refs = new HashMap<>(TemplateSupport.localRefs(template));
        refs.put("EmbedAllowedOrigins", embedAllowedOrigins);
        Map<String, Object> conditions = SamTemplate.map(template.raw().get("Conditions"));
        return new Intrinsics(refs, conditions, (service, reference) -> null).resolve(value);
    }

    @Test
    void nobodyMayEmbedUntilTheHostListsASite() {
        assertThat(parameter).containsEntry("Type", "String").containsEntry("Default", "");
        assertThat(EdgeHeaders.embedOrigins("")).isEmpty();
        assertThat(EdgeHeaders.embedding(List.of())).containsEntry("Content-Security-Policy", "frame-ancestors 'self'");
    }

    @Test
    void theParameterTakesCommaSeparatedOriginsAndRefusesWildcardsPathsAndSpaces() {
        String pattern = String.valueOf(parameter.get("AllowedPattern"));
        for (String good : List.of("", "https://brand.example", TWO_SITES, "http://127.0.0.1:8080")) {
            assertThat(good).as(good).matches(pattern);
        }
        for (String bad : List.of(
                "*",
                "https://*.brand.example",
                "https://brand.example/shop",
                "https://a.example, https://b.example",
                "https://a.example,",
                "brand.example",
                "javascript:alert(1)")) {
            assertThat(bad).as(bad).doesNotMatch(pattern);
        }
        assertThat(EdgeHeaders.embedOrigins(TWO_SITES))
                .containsExactly("https://www.brand.example", "http://localhost:3000");
    }

    @Test
    void theApiAnswersTheStorefrontAndEveryListedSite() {
        Object cors = SamTemplate.map(template.properties("HttpApi").get("CorsConfiguration"))
                .get("AllowOrigins");
        assertThat(resolved(cors, "")).isEqualTo(List.of("https://shop.example.com"));
        assertThat(resolved(cors, TWO_SITES))
                .isEqualTo(List.of("https://shop.example.com", "https://www.brand.example", "http://localhost:3000"));
    }

    @Test
    void onlyTheEmbedIsFramableAndOnlyByTheListedSitesWithTheHeadersTheLocalStackSends() {
        Map<String, Object> distribution =
                SamTemplate.map(template.properties("Cdn").get("DistributionConfig"));
        List<Map<String, Object>> embed = SamTemplate.list(distribution.get("CacheBehaviors")).stream()
                .map(SamTemplate::map)
                .filter(b -> String.valueOf(b.get("PathPattern")).startsWith("/embed"))
                .toList();
        assertThat(embed).hasSize(1);
        // It shadows no API route: the embed's paths are the pages'.
        template.functions().stream()
                .flatMap(f -> f.routeKeys().stream())
                .forEach(route -> assertThat(route).doesNotContain(" /embed"));
        Map<String, Object> behaviour = embed.get(0);
        Map<String, Object> defaults = SamTemplate.map(distribution.get("DefaultCacheBehavior"));
        assertThat(behaviour)
                .containsEntry("PathPattern", "/embed/*")
                .containsEntry("TargetOriginId", "pages")
                .containsEntry("ResponseHeadersPolicyId", Map.of("Ref", "EmbedHeadersPolicy"))
                .containsEntry("CachePolicyId", defaults.get("CachePolicyId"))
                .containsEntry("FunctionAssociations", defaults.get("FunctionAssociations"))
                .containsEntry("AllowedMethods", List.of("GET", "HEAD"));

        Map<String, Object> config =
                SamTemplate.map(template.properties("EmbedHeadersPolicy").get("ResponseHeadersPolicyConfig"));
        for (String origins : List.of("", "https://brand.example", TWO_SITES)) {
            Map<String, Object> security =
                    SamTemplate.map(SamTemplate.map(resolved(config, origins)).get("SecurityHeadersConfig"));
            Map<String, String> local = EdgeHeaders.embedding(EdgeHeaders.embedOrigins(origins));
            assertThat(SamTemplate.map(security.get("ContentSecurityPolicy")))
                    .as(origins)
                    .containsEntry("ContentSecurityPolicy", local.get("Content-Security-Policy"))
                    .containsEntry("Override", true);
            assertThat(SamTemplate.map(security.get("ReferrerPolicy")))
                    .containsEntry("ReferrerPolicy", local.get("Referrer-Policy"));
            assertThat(SamTemplate.map(security.get("ContentTypeOptions"))).containsEntry("Override", true);
        }
        assertThat(EdgeHeaders.embedding(EdgeHeaders.embedOrigins(TWO_SITES)))
                .containsEntry(
                        "Content-Security-Policy",
                        "frame-ancestors 'self' https://www.brand.example http://localhost:3000")
                .containsEntry("X-Content-Type-Options", "nosniff");
    }
}
