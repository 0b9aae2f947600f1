package dev.samlocal.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the CloudFormation intrinsics the template uses in values that matter locally (environment
 * variables, table names): Ref, Fn::Sub, Fn::GetAtt, Fn::Join, Fn::Select. {@code refs} maps a logical id,
 * parameter or pseudo parameter to its local value; {@code Ref} to anything else resolves to its name.
 */
public final class Intrinsics {

    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private final Map<String, String> refs;

    public Intrinsics(Map<String, String> refs) {
        this.refs = refs;
    }

    public String resolveString(Object value) {
        Object resolved = resolve(value);
        return resolved == null ? null : String.valueOf(resolved);
    }

    public Object resolve(Object value) {
        if (value instanceof Map<?, ?> map && map.size() == 1) {
            var entry = map.entrySet().iterator().next();
            String fn = String.valueOf(entry.getKey());
            Object arg = entry.getValue();
            switch (fn) {
                case "Ref":
                    return ref(String.valueOf(arg));
                case "Fn::GetAtt": {
                    List<Object> parts = SamTemplate.list(arg);
                    String id = String.valueOf(parts.get(0));
                    String attribute = parts.size() > 1 ? String.valueOf(parts.get(1)) : "";
                    return refs.getOrDefault(id + "." + attribute, "arn:aws:local:" + ref("AWS::Region") + ":000000000000:" + id + "/" + attribute);
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
            String replacement = vars.containsKey(name) ? resolveString(vars.get(name))
                    : name.contains(".") ? resolveString(Map.of("Fn::GetAtt", List.of(name.split("\\.", 2))))
                    : ref(name);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString().replace("${!", "${");
    }
}
