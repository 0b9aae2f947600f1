package dev.samlocal.template;

import dev.samlocal.Options;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The values of the template's Parameters for one local run: each parameter's {@code Default}, replaced by the value
 * given with {@code --parameter Name=Value}. An override is checked against the parameter's own constraints the way
 * CloudFormation checks {@code sam deploy --parameter-overrides} before it touches a stack, so a local run refuses what
 * a deploy would refuse instead of running with a value AWS never accepts.
 */
public final class TemplateParameters {

    private final Map<String, String> values;

    private TemplateParameters(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** The template's defaults, no overrides. */
    public static TemplateParameters defaults(SamTemplate template) {
        return of(template, Map.of());
    }

    /**
     * The defaults with {@code overrides} applied.
     *
     * @throws Options.UsageException naming the parameter, for a name the template does not declare or a value its
     *     Type, MinValue/MaxValue, AllowedValues, AllowedPattern or MinLength/MaxLength refuse
     */
    public static TemplateParameters of(SamTemplate template, Map<String, String> overrides) {
        Map<String, Object> declared = SamTemplate.map(template.raw().get("Parameters"));
        Map<String, String> values = new LinkedHashMap<>();
        declared.forEach((name, definition) -> {
            Object value = SamTemplate.map(definition).get("Default");
            if (value != null) {
                values.put(name, String.valueOf(value));
            }
        });
        overrides.forEach((name, value) -> {
            if (!declared.containsKey(name)) {
                throw new Options.UsageException(
                        "--parameter " + name + ": " + name + " is not a parameter of the template"
                                + (declared.isEmpty()
                                        ? " (it declares none)"
                                        : " (its parameters: " + String.join(", ", declared.keySet()) + ")"));
            }
            Map<String, Object> definition = SamTemplate.map(declared.get(name));
            String problem = problem(definition, value);
            if (problem != null) {
                String hint = definition.get("ConstraintDescription") instanceof String d ? " — " + d : "";
                throw new Options.UsageException(
                        "--parameter " + name + "=" + shown(definition, value) + ": " + name + " " + problem + hint);
            }
            values.put(name, value);
        });
        return new TemplateParameters(values);
    }

    /** Parameter name → the value in force; a parameter with neither a default nor an override has no entry. */
    public Map<String, String> values() {
        return values;
    }

    /**
     * {@link #values()} as CloudFormation shows them: a {@code NoEcho} parameter's value as {@code ****}, since NoEcho
     * marks a secret that must not reach a console, a response or a log line.
     */
    public Map<String, String> shown(SamTemplate template) {
        Map<String, Object> declared = SamTemplate.map(template.raw().get("Parameters"));
        Map<String, String> shown = new LinkedHashMap<>();
        values.forEach((name, value) -> shown.put(name, shown(SamTemplate.map(declared.get(name)), value)));
        return shown;
    }

    private static String shown(Map<String, Object> definition, String value) {
        return "true".equalsIgnoreCase(String.valueOf(definition.get("NoEcho"))) ? "****" : value;
    }

    /** What CloudFormation would object to in {@code value}, or null. */
    private static String problem(Map<String, Object> definition, String value) {
        String type = String.valueOf(definition.getOrDefault("Type", "String"));
        // List types are checked item by item (CommaDelimitedList: AllowedValues and AllowedPattern apply to each).
        boolean list = type.equals("CommaDelimitedList") || type.startsWith("List<");
        List<String> items =
                list ? Arrays.stream(value.split(",", -1)).map(String::strip).toList() : List.of(value);
        boolean numeric = type.equals("Number") || type.equals("List<Number>");
        for (String item : items) {
            BigDecimal number = numeric ? number(item) : null;
            if (numeric && number == null) {
                return "must be a number (Type " + type + "), got '" + item + "'";
            }
            if (numeric
                    && definition.get("MinValue") != null
                    && number.compareTo(number(definition.get("MinValue"))) < 0) {
                return "must be at least " + definition.get("MinValue") + " (MinValue)";
            }
            if (numeric
                    && definition.get("MaxValue") != null
                    && number.compareTo(number(definition.get("MaxValue"))) > 0) {
                return "must be at most " + definition.get("MaxValue") + " (MaxValue)";
            }
            List<Object> allowed = SamTemplate.list(definition.get("AllowedValues"));
            if (!allowed.isEmpty()
                    && allowed.stream()
                            .noneMatch(a -> numeric
                                    ? sameNumber(number, a)
                                    : String.valueOf(a).equals(item))) {
                return "must be one of " + allowed + " (AllowedValues)";
            }
            if (definition.get("AllowedPattern") != null
                    && !matchesWhole(String.valueOf(definition.get("AllowedPattern")), item)) {
                return "must match " + definition.get("AllowedPattern") + " (AllowedPattern)";
            }
        }
        if (!list
                && definition.get("MinLength") != null
                && value.length() < number(definition.get("MinLength")).intValue()) {
            return "must be at least " + definition.get("MinLength") + " characters long (MinLength)";
        }
        if (!list
                && definition.get("MaxLength") != null
                && value.length() > number(definition.get("MaxLength")).intValue()) {
            return "must be at most " + definition.get("MaxLength") + " characters long (MaxLength)";
        }
        return null;
    }

    /** CloudFormation's AllowedPattern must match the entire value, anchored or not. */
    private static boolean matchesWhole(String pattern, String value) {
        try {
            return Pattern.compile(pattern).matcher(value).matches();
        } catch (PatternSyntaxException e) {
            throw new IllegalStateException(
                    "The template's AllowedPattern " + pattern + " is not a valid regular expression", e);
        }
    }

    /** 7 and 7.0 are the same number to a Number parameter. */
    private static boolean sameNumber(BigDecimal number, Object allowed) {
        BigDecimal other = number(allowed);
        return other != null && number.compareTo(other) == 0;
    }

    private static BigDecimal number(Object value) {
        try {
            return new BigDecimal(String.valueOf(value));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
