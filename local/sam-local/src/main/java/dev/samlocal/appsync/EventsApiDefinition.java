package dev.samlocal.appsync;

import dev.samlocal.template.SamTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the template says about its AppSync Events API: the API ({@code AWS::AppSync::Api} with {@code EventConfig}),
 * whether it has an {@code AWS::AppSync::ApiKey}, and its channel namespaces with their subscribe / publish auth modes
 * (a namespace without its own modes takes the API's defaults, as AppSync does).
 */
public record EventsApiDefinition(
        String logicalId,
        Set<String> connectionAuthModes,
        boolean hasApiKey,
        Map<String, Namespace> namespaces,
        String lambdaAuthorizerFunction) {

    public static final String API_KEY = "API_KEY";
    public static final String AWS_IAM = "AWS_IAM";
    public static final String COGNITO = "AMAZON_COGNITO_USER_POOLS";
    public static final String LAMBDA = "AWS_LAMBDA";

    /** A channel namespace: the first segment of every channel path in it. */
    public record Namespace(String name, Set<String> subscribeAuthModes, Set<String> publishAuthModes) {}

    /** The template's first Event API, if it has one. */
    public static Optional<EventsApiDefinition> fromTemplate(SamTemplate template) {
        Map<String, Map<String, Object>> apis = template.resourcesOfType("AWS::AppSync::Api");
        for (Map.Entry<String, Map<String, Object>> api : apis.entrySet()) {
            Map<String, Object> config = SamTemplate.map(
                    SamTemplate.map(api.getValue().get("Properties")).get("EventConfig"));
            if (config.isEmpty()) {
                continue; // a GraphQL API
            }
            String id = api.getKey();
            Set<String> defaultSubscribe = authTypes(config.get("DefaultSubscribeAuthModes"));
            Set<String> defaultPublish = authTypes(config.get("DefaultPublishAuthModes"));
            boolean hasKey = template.resourcesOfType("AWS::AppSync::ApiKey").values().stream()
                    .anyMatch(key -> id.equals(
                            referencedId(SamTemplate.map(key.get("Properties")).get("ApiId"))));
            Map<String, Namespace> namespaces = new LinkedHashMap<>();
            template.resourcesOfType("AWS::AppSync::ChannelNamespace").values().forEach(ns -> {
                Map<String, Object> props = SamTemplate.map(ns.get("Properties"));
                if (!id.equals(referencedId(props.get("ApiId")))) {
                    return;
                }
                Set<String> subscribe = authTypes(props.get("SubscribeAuthModes"));
                Set<String> publish = authTypes(props.get("PublishAuthModes"));
                String name = String.valueOf(props.get("Name"));
                namespaces.put(
                        name,
                        new Namespace(
                                name,
                                subscribe.isEmpty() ? defaultSubscribe : subscribe,
                                publish.isEmpty() ? defaultPublish : publish));
            });
            // The AWS_LAMBDA provider's function: AuthorizerUri is !Ref Fn.Alias, !GetAtt Fn.Arn or !Ref Fn.
            String authorizer = null;
            for (Object provider : SamTemplate.list(config.get("AuthProviders"))) {
                Object uri = SamTemplate.map(SamTemplate.map(provider).get("LambdaAuthorizerConfig"))
                        .get("AuthorizerUri");
                String ref = referencedId(uri);
                if (ref != null) {
                    authorizer = ref.split("\\.", 2)[0];
                }
            }
            return Optional.of(new EventsApiDefinition(
                    id, authTypes(config.get("ConnectionAuthModes")), hasKey, Map.copyOf(namespaces), authorizer));
        }
        return Optional.empty();
    }

    private static Set<String> authTypes(Object modes) {
        List<String> out = new ArrayList<>();
        SamTemplate.list(modes)
                .forEach(mode -> out.add(String.valueOf(SamTemplate.map(mode).get("AuthType"))));
        return Set.copyOf(out);
    }

    /** The logical id in {@code !GetAtt X.ApiId} / {@code !Ref X}, or null. */
    private static String referencedId(Object value) {
        Map<String, Object> intrinsic = SamTemplate.map(value);
        Object getAtt = intrinsic.get("Fn::GetAtt");
        if (getAtt instanceof List<?> list && !list.isEmpty()) {
            return String.valueOf(list.get(0));
        }
        if (getAtt instanceof String s) {
            return s.split("\\.", 2)[0];
        }
        Object ref = intrinsic.get("Ref");
        return ref == null ? null : String.valueOf(ref);
    }
}
