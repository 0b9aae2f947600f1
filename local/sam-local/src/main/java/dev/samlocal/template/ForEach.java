package dev.samlocal.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands {@code Fn::ForEach::<Loop>} in Resources, Conditions and Outputs as the AWS::LanguageExtensions transform
 * does before SAM and CloudFormation see the template: for each value of the collection, the output fragment with
 * {@code ${Identifier}} and {@code &{Identifier}} replaced in every key and string, and {@code {"Ref": Identifier}}
 * replaced by the value. Collections must be literal lists (not a Ref to a CommaDelimitedList parameter).
 */
public final class ForEach {

    private static final String PREFIX = "Fn::ForEach::";

    private ForEach() {}

    public static Map<String, Object> expand(Map<String, Object> template) {
        Map<String, Object> out = new LinkedHashMap<>(template);
        for (String section : List.of("Resources", "Conditions", "Outputs")) {
            if (template.get(section) instanceof Map<?, ?> entries) {
                out.put(section, expandSection(SamTemplate.map(entries)));
            }
        }
        return out;
    }

    private static Map<String, Object> expandSection(Map<String, Object> entries) {
        Map<String, Object> out = new LinkedHashMap<>();
        entries.forEach((key, value) -> {
            if (!key.startsWith(PREFIX)) {
                out.put(key, value);
                return;
            }
            List<Object> loop = SamTemplate.list(value);
            if (loop.size() != 3 || !(loop.get(1) instanceof List<?>)) {
                throw new IllegalStateException(key + " needs [identifier, [values…], {fragment}]");
            }
            String identifier = String.valueOf(loop.get(0));
            for (Object item : SamTemplate.list(loop.get(1))) {
                Map<String, Object> fragment =
                        SamTemplate.map(substitute(loop.get(2), identifier, String.valueOf(item)));
                // A nested loop inside the fragment expands in turn.
                expandSection(fragment).forEach((k, v) -> {
                    if (out.put(k, v) != null) {
                        throw new IllegalStateException(key + " produces " + k + " twice");
                    }
                });
            }
        });
        return out;
    }

    private static Object substitute(Object value, String identifier, String item) {
        if (value instanceof String s) {
            return s.replace("${" + identifier + "}", item).replace("&{" + identifier + "}", item);
        }
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1 && identifier.equals(map.get("Ref"))) {
                return item;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) ->
                    out.put((String) substitute(String.valueOf(k), identifier, item), substitute(v, identifier, item)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(substitute(v, identifier, item)));
            return out;
        }
        return value;
    }
}
