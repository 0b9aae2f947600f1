package dev.samlocal.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one resolver of the CloudFormation intrinsics a template uses in values that matter locally (environment
 * variables, names, patterns): Ref, Fn::Sub, Fn::GetAtt, Fn::Join, Fn::Split, Fn::Select, Fn::If with the template's
 * Conditions (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition), and dynamic references
 * ({@code {{resolve:secretsmanager:…}}}) in resolved strings. {@code refs} maps a logical id, parameter or pseudo
 * parameter (and {@code Id.Attribute} for GetAtt) to its local value; {@code Ref} to anything else resolves to its
 * name.
 */
public final class Intrinsics {

    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!][^}]*)}");
    /** A dynamic reference; a Secrets Manager one may name its secret by ARN (what {@code ${Secret}} gives). */
    private static final Pattern DYNAMIC_REFERENCE = Pattern.compile("\\{\\{resolve:(secretsmanager|ssm|ssm-secure):"
            + "((?:arn:[^:}]+:secretsmanager:[^:}]+:[^:}]+:secret:)?[^:}]+)[^}]*}}");

    private final Map<String, String> refs;
    private final Map<String, Object> conditions;
    private final BinaryOperator<String> dynamicReferences;

    /** Without conditions; dynamic references stay as written. */
    public Intrinsics(Map<String, String> refs) {
        this(refs, Map.of(), (service, reference) -> null);
    }

    /**
     * @param conditions the template's Conditions section
     * @param dynamicReferences (service, reference) → the local value of {@code {{resolve:service:reference}}}, or null
     *     to leave it as written
     */
    public Intrinsics(
            Map<String, String> refs, Map<String, Object> conditions, BinaryOperator<String> dynamicReferences) {
        this.refs = refs;
        this.conditions = conditions;
        this.dynamicReferences = dynamicReferences;
    }

    /** A value resolved to a string, dynamic references included. */
    public String resolveString(Object value) {
        Object resolved = resolve(value);
        return resolved == null ? null : resolveDynamicReferences(String.valueOf(resolved));
    }

    /** A value with its intrinsics resolved, keeping its structure (maps, lists). */
    public Object resolve(Object value) {
        if (value instanceof Map<?, ?> map && map.size() == 1) {
            var entry = map.entrySet().iterator().next();
            String fn = String.valueOf(entry.getKey());
            Object arg = entry.getValue();
            switch (fn) {
                case "Fn::If": {
                    List<Object> args = SamTemplate.list(arg);
                    return resolve(condition(String.valueOf(args.get(0))) ? args.get(1) : args.get(2));
                }
                case "Ref":
                    return ref(String.valueOf(arg));
                case "Fn::GetAtt": {
                    List<Object> parts = SamTemplate.list(arg);
                    String id = String.valueOf(parts.get(0));
                    String attribute = parts.size() > 1 ? String.valueOf(parts.get(1)) : "";
                    return refs.getOrDefault(
                            id + "." + attribute,
                            "arn:aws:local:" + ref("AWS::Region") + ":" + ref("AWS::AccountId") + ":" + id + "/"
                                    + attribute);
                }
                case "Fn::Sub":
                    return sub(arg);
                case "Fn::Join": {
                    List<Object> parts = SamTemplate.list(arg);
                    List<String> items = new ArrayList<>();
                    for (Object item : SamTemplate.list(resolve(parts.get(1)))) {
                        items.add(resolveString(item));
                    }
                    return String.join(String.valueOf(parts.get(0)), items);
                }
                case "Fn::Split": {
                    List<Object> parts = SamTemplate.list(arg);
                    String text = resolveString(parts.get(1));
                    return new ArrayList<Object>(List.of(text.split(Pattern.quote(String.valueOf(parts.get(0))), -1)));
                }
                case "Fn::Select": {
                    List<Object> parts = SamTemplate.list(arg);
                    int index = Integer.parseInt(resolveString(parts.get(0)));
                    return resolve(SamTemplate.list(resolve(parts.get(1))).get(index));
                }
                default:
                    break;
            }
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), resolve(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(resolve(v)));
            return out;
        }
        return value;
    }

    /** The value of one of the template's conditions. */
    public boolean condition(String name) {
        Object definition = conditions.get(name);
        if (definition == null) {
            throw new IllegalArgumentException("Unknown condition " + name);
        }
        return evaluate(definition);
    }

    private boolean evaluate(Object expression) {
        Map<String, Object> fn = SamTemplate.map(expression);
        if (fn.size() != 1) {
            return Boolean.parseBoolean(String.valueOf(expression));
        }
        var entry = fn.entrySet().iterator().next();
        List<Object> args = SamTemplate.list(entry.getValue());
        return switch (entry.getKey()) {
            case "Fn::Equals" ->
                String.valueOf(resolveString(args.get(0))).equals(String.valueOf(resolveString(args.get(1))));
            case "Fn::Not" -> !evaluate(args.get(0));
            case "Fn::And" -> args.stream().allMatch(this::evaluate);
            case "Fn::Or" -> args.stream().anyMatch(this::evaluate);
            case "Condition" -> condition(String.valueOf(entry.getValue()));
            default -> throw new IllegalArgumentException("Unsupported condition function " + entry.getKey());
        };
    }

    private String resolveDynamicReferences(String value) {
        Matcher m = DYNAMIC_REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String local = dynamicReferences.apply(m.group(1), m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(local == null ? m.group() : local));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String ref(String name) {
        return refs.getOrDefault(name, name);
    }

    private String sub(Object arg) {
        String template;
        Map<String, Object> vars = Map.of();
        if (arg instanceof List<?> list) {
            template = String.valueOf(list.get(0));
            vars = SamTemplate.map(list.get(1));
        } else {
            template = String.valueOf(arg);
        }
        Matcher m = SUB_VAR.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = vars.containsKey(name)
                    ? resolveString(vars.get(name))
                    : name.contains(".")
                            ? resolveString(Map.of("Fn::GetAtt", List.of(name.split("\\.", 2))))
                            : ref(name);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString().replace("${!", "${");
    }
}
