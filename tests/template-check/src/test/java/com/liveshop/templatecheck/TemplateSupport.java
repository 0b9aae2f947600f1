package com.liveshop.templatecheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.LocalAws;
import dev.samlocal.template.CfnYaml;
import dev.samlocal.template.ForEach;
import dev.samlocal.template.Intrinsics;
import dev.samlocal.template.SamTemplate;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** template.yaml for the checks: as data, as a Jackson tree, and each function's environment resolved locally. */
final class TemplateSupport {

    static final ObjectMapper MAPPER = new ObjectMapper();

    static final Set<String> PSEUDO_PARAMETERS = Set.of(
            "AWS::AccountId",
            "AWS::NotificationARNs",
            "AWS::NoValue",
            "AWS::Partition",
            "AWS::Region",
            "AWS::StackId",
            "AWS::StackName",
            "AWS::URLSuffix");

    /** Stands in for every endpoint: nothing listens there, and constructing a handler must not call out. */
    static final String DUMMY_ENDPOINT = "http://127.0.0.1:9";

    private TemplateSupport() {}

    static SamTemplate template() {
        return SamTemplate.loadFromRepo();
    }

    static Path repoRoot() {
        return SamTemplate.repoRoot();
    }

    /** The template in CloudFormation's long JSON form, Fn::ForEach expanded, a fresh mutable copy on each call. */
    static ObjectNode json() {
        return (ObjectNode)
                MAPPER.valueToTree(ForEach.expand(CfnYaml.read(repoRoot().resolve("template.yaml"))));
    }

    /**
     * What the function's environment would be after deployment, with parameter defaults and local names for resources
     * (a table's Ref is its logical id, as LocalTables names them). Fn::If is decided on the defaults.
     */
    static Map<String, String> resolvedEnvironment(SamTemplate template, SamTemplate.FunctionDef function) {
        Intrinsics intrinsics = new Intrinsics(
                localRefs(template), SamTemplate.map(template.raw().get("Conditions")), (service, reference) -> null);
        Map<String, String> env = new LinkedHashMap<>();
        function.environment().forEach((name, value) -> env.put(name, intrinsics.resolveString(value)));
        return env;
    }

    /** The settings a handler is constructed with: the template's environment, local credentials, a dummy endpoint. */
    static Map<String, String> handlerSettings(Map<String, String> templateEnvironment) {
        Map<String, String> extra = new HashMap<>(templateEnvironment);
        extra.put("AWS_ENDPOINT_URL", DUMMY_ENDPOINT);
        return LocalAws.settings(extra);
    }

    /** What a deployer gives the parameters that have no default (TemplateDeploymentTest checks each has one here). */
    static final Map<String, String> REQUIRED_PARAMETER_SAMPLES = Map.of(
            "CorsAllowOrigin", "https://shop.example.com",
            "SenderEmail", "shows@shop.example.com");

    static Map<String, String> localRefs(SamTemplate template) {
        Map<String, String> refs = new HashMap<>();
        SamTemplate.map(template.raw().get("Parameters")).forEach((name, p) -> {
            Object defaultValue = SamTemplate.map(p).get("Default");
            refs.put(
                    name,
                    defaultValue == null
                            ? REQUIRED_PARAMETER_SAMPLES.getOrDefault(name, "")
                            : String.valueOf(defaultValue));
        });
        refs.put("AWS::Region", LocalAws.REGION);
        refs.put("AWS::AccountId", "000000000000");
        refs.put("AWS::Partition", "aws");
        refs.put("AWS::URLSuffix", "amazonaws.com");
        refs.put("AWS::StackName", "liveshop");
        return refs;
    }

    static JsonNode at(JsonNode root, String... path) {
        JsonNode node = root;
        for (String p : path) {
            node = node.path(p);
        }
        return node;
    }
}
