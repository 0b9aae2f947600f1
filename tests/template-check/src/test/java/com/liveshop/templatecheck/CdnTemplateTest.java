package com.liveshop.templatecheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.shared.http.CacheControl;
import com.liveshop.shared.http.EdgeHeaders;
import com.liveshop.shared.http.OriginCheck;
import dev.samlocal.template.SamTemplate;
import dev.samlocal.template.SamTemplate.FunctionDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CDN of issue 11: which route a CloudFront behaviour serves is decided here the way CloudFront decides it (the
 * first path pattern that matches, in order, '*' spanning '/'), over the template's own routes, so a new route or a
 * reordered behaviour cannot cache what must not be cached.
 */
class CdnTemplateTest {

    static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    static final String ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
    static final Map<String, Object> CACHED = Map.of("Ref", "PublicReadsCachePolicy");
    static final Set<String> ALL_METHODS = Set.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE");

    record Behaviour(String pathPattern, Map<String, Object> settings) {
        boolean cached() {
            return CACHED.equals(settings.get("CachePolicyId"));
        }

        String origin() {
            return String.valueOf(settings.get("TargetOriginId"));
        }
    }

    private static SamTemplate template;
    private static Map<String, Object> distribution;
    private static List<Behaviour> behaviours;

    @BeforeAll
    static void load() {
        template = TemplateSupport.template();
        distribution = SamTemplate.map(template.properties("Cdn").get("DistributionConfig"));
        behaviours = new ArrayList<>();
        for (Object b : SamTemplate.list(distribution.get("CacheBehaviors"))) {
            Map<String, Object> settings = SamTemplate.map(b);
            Behaviour behaviour = new Behaviour(String.valueOf(settings.get("PathPattern")), settings);
            // The API's behaviours; the one pages behaviour besides the default is the embed's (EmbedTemplateTest).
            if (behaviour.origin().equals("pages")) {
                assertThat(behaviour.pathPattern()).isEqualTo("/embed/*");
            } else {
                behaviours.add(behaviour);
            }
        }
    }

    /** CloudFront path patterns: '*' is any run of characters ('/' included), '?' one; case-sensitive, whole path. */
    static boolean matches(String pathPattern, String path) {
        StringBuilder regex = new StringBuilder();
        for (char c : pathPattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return path.matches(regex.toString());
    }

    /** The behaviour CloudFront picks for a path: the first that matches, else the default (null: the pages). */
    static Behaviour behaviourFor(String path) {
        return behaviours.stream()
                .filter(b -> matches(b.pathPattern(), path))
                .findFirst()
                .orElse(null);
    }

    /** A concrete path for a route path: each {param} becomes a value with no '/'. */
    static String samplePath(String routePath) {
        return routePath.replaceAll("\\{[^}]+}", "p-1");
    }

    static List<String> routeKeys() {
        return template.functions().stream()
                .map(FunctionDef::routeKeys)
                .flatMap(List::stream)
                .toList();
    }

    @Test
    void patternsMatchAsCloudFrontMatchesThem() {
        assertThat(matches("/sessions/*", "/sessions/a/b")).isTrue();
        assertThat(matches("/sessions/*/*", "/sessions/a")).isFalse();
        assertThat(matches("/sessions", "/sessions/a")).isFalse();
        assertThat(matches("/sessions/*/calendar.ics", "/sessions/a/calendarXics"))
                .isFalse();
        assertThat(matches("/products/*", "/Products/a")).isFalse();
    }

    @Test
    void everyPublicReadIsARouteCachedByItsOwnCacheControl() {
        assertThat(routeKeys()).containsAll(CacheControl.PUBLIC_READS.keySet());
        for (String routeKey : CacheControl.PUBLIC_READS.keySet()) {
            Behaviour b = behaviourFor(samplePath(routeKey.substring(routeKey.indexOf(' ') + 1)));
            assertThat(b).as("%s goes to a behaviour of the API", routeKey).isNotNull();
            assertThat(b.origin()).as(routeKey).isEqualTo("api");
            assertThat(b.cached())
                    .as("%s is cached (behaviour %s)", routeKey, b.pathPattern())
                    .isTrue();
            assertThat(SamTemplate.list(b.settings().get("CachedMethods")))
                    .as(routeKey)
                    .containsExactlyInAnyOrder("GET", "HEAD");
        }
    }

    /**
     * CloudFront caches GET and HEAD only: another method may share a cached path, a GET that is not public may not.
     */
    @Test
    void noOtherRouteIsCachedAndEveryRouteReachesTheApi() {
        for (String routeKey : routeKeys()) {
            String method = routeKey.substring(0, routeKey.indexOf(' '));
            Behaviour b = behaviourFor(samplePath(routeKey.substring(routeKey.indexOf(' ') + 1)));
            assertThat(b)
                    .as("%s has an API behaviour (not the pages)", routeKey)
                    .isNotNull();
            assertThat(b.origin()).as(routeKey).isEqualTo("api");
            assertThat(SamTemplate.list(b.settings().get("AllowedMethods")))
                    .as(routeKey)
                    .contains(method);
            if (!CacheControl.isPublicRead(routeKey) && (method.equals("GET") || method.equals("HEAD"))) {
                assertThat(b.settings().get("CachePolicyId"))
                        .as("%s must not be cached (behaviour %s)", routeKey, b.pathPattern())
                        .isEqualTo(CACHING_DISABLED);
            }
        }
        assertThat(CacheControl.forAnswer("GET /carts/{cartId}", 200)).isEqualTo("no-store");
    }

    @Test
    void everyApiBehaviourPassesTheViewersHeadersAndAuthorizedReadsNeverShareTheAnonymousEntry() {
        for (Behaviour b : behaviours) {
            assertThat(b.origin()).as(b.pathPattern()).isEqualTo("api");
            assertThat(b.settings())
                    .as(b.pathPattern())
                    .containsEntry("OriginRequestPolicyId", ALL_VIEWER_EXCEPT_HOST)
                    .containsEntry("ViewerProtocolPolicy", "https-only");
            assertThat(SamTemplate.list(b.settings().get("AllowedMethods")))
                    .as(b.pathPattern())
                    .containsExactlyInAnyOrderElementsOf(ALL_METHODS);
            assertThat(b.cached() || CACHING_DISABLED.equals(b.settings().get("CachePolicyId")))
                    .as(b.pathPattern())
                    .isTrue();
        }
        Map<String, Object> policy =
                SamTemplate.map(template.properties("PublicReadsCachePolicy").get("CachePolicyConfig"));
        // Only the origin's Cache-Control keeps an answer: none (or no-store) is not kept.
        assertThat(policy).containsEntry("MinTTL", 0).containsEntry("DefaultTTL", 0);
        assertThat((Integer) policy.get("MaxTTL"))
                .isGreaterThanOrEqualTo(CacheControl.PUBLIC_READS.values().stream()
                        .mapToInt(CacheControl.Ttl::sMaxAge)
                        .max()
                        .orElseThrow());
        Map<String, Object> key = SamTemplate.map(policy.get("ParametersInCacheKeyAndForwardedToOrigin"));
        Map<String, Object> headers = SamTemplate.map(key.get("HeadersConfig"));
        assertThat(headers).containsEntry("HeaderBehavior", "whitelist");
        assertThat(SamTemplate.list(headers.get("Headers"))).contains("Authorization", "Origin");
        Map<String, Object> query = SamTemplate.map(key.get("QueryStringsConfig"));
        assertThat(query).containsEntry("QueryStringBehavior", "whitelist");
        assertThat(SamTemplate.list(query.get("QueryStrings"))).containsExactlyInAnyOrder("limit", "cursor");
    }

    @Test
    void everyBehaviourAddsTheSecurityHeadersTheLocalStackSends() {
        Map<String, Object> ref = Map.of("Ref", "EdgeHeadersPolicy");
        assertThat(SamTemplate.map(distribution.get("DefaultCacheBehavior")))
                .containsEntry("ResponseHeadersPolicyId", ref);
        behaviours.forEach(
                b -> assertThat(b.settings()).as(b.pathPattern()).containsEntry("ResponseHeadersPolicyId", ref));
        Map<String, Object> security = SamTemplate.map(
                SamTemplate.map(template.properties("EdgeHeadersPolicy").get("ResponseHeadersPolicyConfig"))
                        .get("SecurityHeadersConfig"));
        assertThat(SamTemplate.map(security.get("ContentTypeOptions"))).containsEntry("Override", true);
        assertThat(EdgeHeaders.SECURITY).containsEntry("X-Content-Type-Options", "nosniff");
        assertThat(SamTemplate.map(security.get("ReferrerPolicy")))
                .containsEntry("ReferrerPolicy", EdgeHeaders.SECURITY.get("Referrer-Policy"));
        assertThat(SamTemplate.map(security.get("ContentSecurityPolicy")))
                .containsEntry("ContentSecurityPolicy", EdgeHeaders.SECURITY.get("Content-Security-Policy"));
    }

    @Test
    void theDistributionHasThePrivatePagesBucketAndTheApiStageAsOrigins() {
        Map<String, Map<String, Object>> origins = new java.util.HashMap<>();
        SamTemplate.list(distribution.get("Origins"))
                .forEach(o -> origins.put(String.valueOf(SamTemplate.map(o).get("Id")), SamTemplate.map(o)));
        assertThat(origins).containsOnlyKeys("pages", "api");
        assertThat(origins.get("pages"))
                .containsEntry("DomainName", Map.of("Fn::GetAtt", List.of("PagesBucket", "RegionalDomainName")))
                .containsEntry(
                        "OriginAccessControlId", Map.of("Fn::GetAtt", List.of("PagesOriginAccessControl", "Id")));
        assertThat(origins.get("api"))
                .containsEntry(
                        "DomainName", Map.of("Fn::Sub", "${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"))
                .containsEntry("OriginPath", Map.of("Fn::Sub", "/${StageName}"));
        assertThat(SamTemplate.map(origins.get("api").get("CustomOriginConfig")))
                .containsEntry("OriginProtocolPolicy", "https-only");
        assertThat(SamTemplate.map(distribution.get("DefaultCacheBehavior"))).containsEntry("TargetOriginId", "pages");

        Map<String, Object> block =
                SamTemplate.map(template.properties("PagesBucket").get("PublicAccessBlockConfiguration"));
        assertThat(block)
                .containsEntry("BlockPublicAcls", true)
                .containsEntry("BlockPublicPolicy", true)
                .containsEntry("IgnorePublicAcls", true)
                .containsEntry("RestrictPublicBuckets", true);
        assertThat(template.properties("PagesBucket")).containsKey("BucketEncryption");
        List<Object> statements = SamTemplate.list(
                SamTemplate.map(template.properties("PagesBucketPolicy").get("PolicyDocument"))
                        .get("Statement"));
        List<Map<String, Object>> allows = statements.stream()
                .map(SamTemplate::map)
                .filter(s -> "Allow".equals(s.get("Effect")))
                .toList();
        assertThat(allows).singleElement().satisfies(s -> {
            assertThat(s)
                    .containsEntry("Principal", Map.of("Service", "cloudfront.amazonaws.com"))
                    .containsEntry("Action", "s3:GetObject");
            assertThat(String.valueOf(s.get("Condition")))
                    .contains("AWS:SourceArn")
                    .contains("distribution/${Cdn}");
        });
        Map<String, Object> oac =
                SamTemplate.map(template.properties("PagesOriginAccessControl").get("OriginAccessControlConfig"));
        assertThat(oac).containsEntry("OriginAccessControlOriginType", "s3").containsEntry("SigningBehavior", "always");
    }

    @Test
    void theOptionalWafRateLimitsHoldsOrdersTicketsMessagesAndReminders() {
        Map<String, Object> acl = SamTemplate.map(template.resources().get("CdnWebAcl"));
        assertThat(acl).containsEntry("Condition", "CreateCdnWaf");
        assertThat(SamTemplate.map(template.raw().get("Conditions"))).containsKey("CreateCdnWaf");
        assertThat(SamTemplate.map(
                        SamTemplate.map(template.raw().get("Parameters")).get("EnableWaf")))
                .containsEntry("Default", "false");
        assertThat(distribution.get("WebACLId"))
                .isEqualTo(Map.of(
                        "Fn::If",
                        List.of(
                                "CreateCdnWaf",
                                Map.of("Fn::GetAtt", List.of("CdnWebAcl", "Arn")),
                                Map.of("Ref", "AWS::NoValue"))));
        Map<String, Object> props = SamTemplate.map(acl.get("Properties"));
        assertThat(props).containsEntry("Scope", "CLOUDFRONT");
        List<Pattern> limited = new ArrayList<>();
        for (Object r : SamTemplate.list(props.get("Rules"))) {
            Map<String, Object> rate = SamTemplate.map(
                    SamTemplate.map(SamTemplate.map(r).get("Statement")).get("RateBasedStatement"));
            assertThat(rate).as(String.valueOf(SamTemplate.map(r).get("Name"))).containsEntry("AggregateKeyType", "IP");
            findRegexes(rate.get("ScopeDownStatement"), limited);
        }
        for (String path : List.of(
                "/carts/p-1/items",
                "/orders",
                "/sessions/p-1/chat-tickets",
                "/sessions/p-1/messages",
                "/sessions/p-1/reminders")) {
            assertThat(limited)
                    .as("a rate rule for %s", path)
                    .anyMatch(p -> p.matcher(path).find());
        }
        assertThat(limited)
                .as("public reads are the CDN's, not rate-limited")
                .noneMatch(p -> p.matcher("/sessions/p-1").find()
                        || p.matcher("/products/p-1").find());
        assertThat(SamTemplate.map(template.raw().get("Rules"))).containsKey("WafNeedsUsEast1");
    }

    private static void findRegexes(Object node, List<Pattern> out) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("RegexString") instanceof String regex) {
                out.add(Pattern.compile(regex));
            }
            map.values().forEach(v -> findRegexes(v, out));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> findRegexes(v, out));
        }
    }

    /**
     * The pages router (a CloudFront Function, cloudfront-js-2.0) run by Node on the pages' addresses the local stack
     * serves (LocalWeb): each lands on the same file under web/, and anything else is left alone.
     */
    @Test
    void thePagesRouterMapsEveryPageAddressToItsFile() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(nodeAvailable(), "node is not installed");
        String code = String.valueOf(template.properties("PagesRouterFunction").get("FunctionCode"));
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("/", "/web/index.html");
        expected.put("/watch/0b6f1c1e-5e0c-4a57-9d7e-2f1b0d0c7a11", "/web/watch.html");
        expected.put("/host", "/web/host.html");
        expected.put("/host/report/0b6f1c1e-5e0c-4a57-9d7e-2f1b0d0c7a11", "/web/report.html");
        expected.put("/embed/watch/0b6f1c1e-5e0c-4a57-9d7e-2f1b0d0c7a11", "/web/watch.html");
        expected.put("/embed/liveshop.js", "/web/embed/liveshop.js");
        expected.put("/embed/other.js", "/embed/other.js");
        expected.put("/web/app.css", "/web/app.css");
        expected.put("/watch/a/b", "/watch/a/b");
        expected.put("/host/report/", "/host/report/");
        StringBuilder script = new StringBuilder(code).append("\nconst out = {};\n");
        for (String uri : expected.keySet()) {
            script.append("out[")
                    .append(com.liveshop.shared.json.Json.write(uri))
                    .append("] = handler({request: {uri: ")
                    .append(com.liveshop.shared.json.Json.write(uri))
                    .append(", headers: {}}}).uri;\n");
        }
        script.append("console.log(JSON.stringify(out));\n");
        java.nio.file.Path file = java.nio.file.Files.createTempFile("pages-router", ".js");
        java.nio.file.Files.writeString(file, script);
        Process node = new ProcessBuilder("node", file.toString())
                .redirectErrorStream(true)
                .start();
        String output =
                new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertThat(node.waitFor()).as(output).isZero();
        java.nio.file.Files.delete(file);
        assertThat(com.liveshop.shared.json.Json.MAPPER.readValue(output, Map.class))
                .isEqualTo(expected);
    }

    private static boolean nodeAvailable() {
        try {
            return new ProcessBuilder("node", "--version").start().waitFor() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Issue 24: the api origin sends the origin secret (its value a dynamic reference to the template's secret, never a
     * literal), every API function is told where it is and may read it (and no other function may), so a request to the
     * execute-api URL is answered 403 DIRECT_ACCESS by {@link OriginCheck}.
     */
    @Test
    void theApiOriginSendsTheOriginSecretThatEveryApiFunctionAndOnlyThoseMayRead() {
        Map<String, Object> api = SamTemplate.list(distribution.get("Origins")).stream()
                .map(SamTemplate::map)
                .filter(o -> "api".equals(o.get("Id")))
                .findFirst()
                .orElseThrow();
        List<Object> custom = SamTemplate.list(api.get("OriginCustomHeaders"));
        assertThat(custom).singleElement().satisfies(h -> {
            Map<String, Object> header = SamTemplate.map(h);
            assertThat(String.valueOf(header.get("HeaderName"))).isEqualToIgnoringCase(OriginCheck.HEADER);
            assertThat(header.get("HeaderValue"))
                    .isEqualTo(Map.of("Fn::Sub", "{{resolve:secretsmanager:${OriginVerifySecret}:SecretString}}"));
        });
        assertThat(SamTemplate.map(template.resources().get("OriginVerifySecret")))
                .containsEntry("Type", "AWS::SecretsManager::Secret");
        assertThat(SamTemplate.map(template.properties("OriginVerifySecret").get("GenerateSecretString")))
                .containsKey("PasswordLength");

        Map<String, Object> globals = SamTemplate.map(SamTemplate.map(SamTemplate.map(
                                SamTemplate.map(template.raw().get("Globals")).get("Function"))
                        .get("Environment"))
                .get("Variables"));
        assertThat(globals)
                .containsEntry(OriginCheck.ARN_VARIABLE, Map.of("Ref", "OriginVerifySecret"))
                .containsEntry(OriginCheck.TTL_VARIABLE, Map.of("Ref", "OriginSecretTtlSeconds"));
        assertThat(SamTemplate.map(
                        SamTemplate.map(template.raw().get("Parameters")).get("OriginSecretTtlSeconds")))
                .containsEntry("Default", OriginCheck.DEFAULT_TTL_SECONDS)
                .containsKey("Description");

        Map<String, Object> readPolicy = Map.of("Ref", "ReadOriginSecretPolicy");
        for (FunctionDef function : template.functions()) {
            List<Object> policies =
                    SamTemplate.list(template.properties(function.logicalId()).get("Policies"));
            if (function.routeKeys().isEmpty()) {
                assertThat(policies)
                        .as("%s serves no route: it must not read the origin secret", function.logicalId())
                        .doesNotContain(readPolicy);
            } else {
                assertThat(policies)
                        .as("%s serves routes: it reads the origin secret", function.logicalId())
                        .contains(readPolicy);
            }
        }
        Map<String, Object> document =
                SamTemplate.map(template.properties("ReadOriginSecretPolicy").get("PolicyDocument"));
        assertThat(SamTemplate.list(document.get("Statement")))
                .singleElement()
                .satisfies(st -> assertThat(SamTemplate.map(st))
                        .containsEntry("Effect", "Allow")
                        .containsEntry("Action", "secretsmanager:GetSecretValue")
                        .containsEntry("Resource", Map.of("Ref", "OriginVerifySecret")));
    }

    /**
     * The viewer's address reaches the API (CloudFront-Viewer-Address, part of the managed AllViewerExceptHostHeader
     * every API behaviour uses) and the viewer's Host never does: no origin request policy of the template forwards
     * every viewer header (allViewer, allViewerAndWhitelistCloudFront), which would send Host too (API Gateway: 403).
     */
    @Test
    void noOriginRequestPolicyForwardsTheViewersHost() {
        behaviours.forEach(b -> assertThat(b.settings())
                .as(b.pathPattern())
                .containsEntry("OriginRequestPolicyId", ALL_VIEWER_EXCEPT_HOST));
        template.resourcesOfType("AWS::CloudFront::OriginRequestPolicy").forEach((id, resource) -> {
            Map<String, Object> headers = SamTemplate.map(SamTemplate.map(
                    SamTemplate.map(SamTemplate.map(resource.get("Properties")).get("OriginRequestPolicyConfig"))
                            .get("HeadersConfig")));
            assertThat(String.valueOf(headers.get("HeaderBehavior"))).as(id).doesNotStartWith("allViewer");
        });
    }

    @Test
    void outputsNameTheCdnAndThePagesBucket() {
        assertThat(SamTemplate.map(template.raw().get("Outputs")))
                .containsKeys("CdnUrl", "CdnDomainName", "CdnDistributionId", "PagesBucketName", "OriginSecretArn");
    }
}
