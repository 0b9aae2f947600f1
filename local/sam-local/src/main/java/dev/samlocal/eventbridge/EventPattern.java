package dev.samlocal.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An EventBridge event pattern: every field of the pattern must match the event. A leaf is a list of
 * alternatives: exact values (string, number, boolean, null), {@code prefix}, {@code suffix},
 * {@code equals-ignore-case}, {@code wildcard}, {@code anything-but} (value, list or prefix/suffix),
 * {@code exists} and {@code numeric} ranges; {@code $or} holds alternative sub-patterns. An event value that
 * is an array matches when any element does.
 */
public final class EventPattern {

    private final JsonNode pattern;

    public EventPattern(JsonNode pattern) {
        if (pattern == null || !pattern.isObject()) {
            throw new IllegalArgumentException("An event pattern must be a JSON object");
        }
        this.pattern = pattern;
    }

    public boolean matches(JsonNode event) {
        return matchObject(pattern, event);
    }

    private static boolean matchObject(JsonNode pattern, JsonNode event) {
        for (Map.Entry<String, JsonNode> field : pattern.properties()) {
            if (field.getKey().equals("$or")) {
                boolean any = false;
                for (JsonNode alternative : field.getValue()) {
                    any |= matchObject(alternative, event);
                }
                if (!any) {
                    return false;
                }
                continue;
            }
            JsonNode value = event == null ? null : event.get(field.getKey());
            JsonNode rule = field.getValue();
            boolean ok = rule.isObject() ? value != null && value.isObject() && matchObject(rule, value)
                    : rule.isArray() && matchLeaf(rule, value);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchLeaf(JsonNode alternatives, JsonNode value) {
        for (JsonNode alternative : alternatives) {
            if (alternative.isObject() && alternative.has("exists")) {
                boolean present = value != null && !(value.isArray() && value.isEmpty());
                if (alternative.get("exists").asBoolean() == present) {
                    return true;
                }
                continue;
            }
            if (alternative.isObject() && alternative.has("anything-but")) {
                if (value != null && values(value).stream().noneMatch(v -> matchesAny(alternative.get("anything-but"), v))) {
                    return true;
                }
                continue;
            }
            if (value == null) {
                continue; // an absent field matches nothing but exists:false (a JSON null is present)
            }
            for (JsonNode v : values(value)) {
                if (matchOne(alternative, v)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** anything-but's operand: a value, a list of values, or a prefix/suffix/equals-ignore-case/wildcard object. */
    private static boolean matchesAny(JsonNode operand, JsonNode value) {
        if (operand.isArray()) {
            for (JsonNode o : operand) {
                if (matchOne(o, value)) {
                    return true;
                }
            }
            return false;
        }
        return matchOne(operand, value);
    }

    private static boolean matchOne(JsonNode rule, JsonNode value) {
        if (!rule.isObject()) {
            if (rule.isNumber() && value.isNumber()) {
                return rule.decimalValue().compareTo(value.decimalValue()) == 0;
            }
            return rule.equals(value);
        }
        if (rule.has("prefix")) {
            JsonNode p = rule.get("prefix");
            if (p.isObject() && p.has("equals-ignore-case")) {
                return value.isTextual() && value.asText().toLowerCase(Locale.ROOT)
                        .startsWith(p.get("equals-ignore-case").asText().toLowerCase(Locale.ROOT));
            }
            return value.isTextual() && value.asText().startsWith(p.asText());
        }
        if (rule.has("suffix")) {
            JsonNode s = rule.get("suffix");
            if (s.isObject() && s.has("equals-ignore-case")) {
                return value.isTextual() && value.asText().toLowerCase(Locale.ROOT)
                        .endsWith(s.get("equals-ignore-case").asText().toLowerCase(Locale.ROOT));
            }
            return value.isTextual() && value.asText().endsWith(s.asText());
        }
        if (rule.has("equals-ignore-case")) {
            return value.isTextual() && value.asText().equalsIgnoreCase(rule.get("equals-ignore-case").asText());
        }
        if (rule.has("wildcard")) {
            String regex = Pattern.quote(rule.get("wildcard").asText()).replace("*", "\\E.*\\Q");
            return value.isTextual() && value.asText().matches(regex);
        }
        if (rule.has("numeric")) {
            return value.isNumber() && numeric(rule.get("numeric"), value.asDouble());
        }
        return false;
    }

    private static boolean numeric(JsonNode conditions, double value) {
        Iterator<JsonNode> it = conditions.iterator();
        while (it.hasNext()) {
            String op = it.next().asText();
            if (!it.hasNext()) {
                return false;
            }
            double bound = it.next().asDouble();
            boolean ok = switch (op) {
                case "=" -> value == bound;
                case "<" -> value < bound;
                case "<=" -> value <= bound;
                case ">" -> value > bound;
                case ">=" -> value >= bound;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static List<JsonNode> values(JsonNode value) {
        List<JsonNode> out = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(out::add);
        } else {
            out.add(value == null ? NullNode.getInstance() : value);
        }
        return out;
    }
}
