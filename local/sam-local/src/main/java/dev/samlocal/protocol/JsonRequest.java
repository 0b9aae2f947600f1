package dev.samlocal.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.samlocal.core.Json;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON object of an AWS request body, read member by member; bad input becomes {@link AwsError#validation} with the
 * messages AWS gives ("Value null at 'x' failed to satisfy constraint: Member must not be null").
 */
public final class JsonRequest {

    private final JsonNode body;

    private JsonRequest(JsonNode body) {
        this.body = body;
    }

    /** An empty body is an empty object; anything else must be a JSON object. */
    public static JsonRequest parse(String body) {
        if (body == null || body.isBlank()) {
            return new JsonRequest(Json.MAPPER.createObjectNode());
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                return new JsonRequest(node);
            }
        } catch (JsonProcessingException e) {
            // answered below
        }
        throw AwsError.validation("The request body is not a JSON object");
    }

    /** A member as it came, or null when absent. */
    public JsonNode get(String member) {
        return body.get(member);
    }

    public String text(String member) {
        JsonNode value = body.get(member);
        if (value == null || value.isNull()) {
            throw AwsError.validation(
                    "Value null at '" + member + "' failed to satisfy constraint: Member must not be null");
        }
        if (!value.isTextual()) {
            throw AwsError.validation("Value at '" + member + "' must be a string");
        }
        return value.asText();
    }

    public String optionalText(String member, String fallback) {
        JsonNode value = body.get(member);
        return value == null || value.isNull() ? fallback : text(member);
    }

    /** A required string matching {@code pattern}, at most {@code maxLength} long (an ARN). */
    public String matching(String member, Pattern pattern, int maxLength) {
        String value = text(member);
        if (value.length() > maxLength || !pattern.matcher(value).matches()) {
            throw AwsError.validation("Value at '" + member
                    + "' failed to satisfy constraint: Member must satisfy regular " + "expression pattern: "
                    + pattern.pattern() + " and have length less than or equal to " + maxLength);
        }
        return value;
    }

    public boolean optionalBoolean(String member) {
        JsonNode value = body.get(member);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw AwsError.validation("Value at '" + member + "' must be a boolean");
        }
        return value.asBoolean();
    }

    /** An optional enum member: one of {@code allowed}, {@code fallback} when absent. */
    public String oneOf(String member, Set<String> allowed, String fallback) {
        String value = optionalText(member, fallback);
        if (!allowed.contains(value)) {
            throw AwsError.validation("Value '" + value + "' at '" + member
                    + "' failed to satisfy constraint: Member must " + "satisfy enum value set: "
                    + allowed.stream().sorted().toList());
        }
        return value;
    }
}
