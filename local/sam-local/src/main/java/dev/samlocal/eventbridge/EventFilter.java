package dev.samlocal.eventbridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import software.amazon.event.ruler.Machine;

/**
 * Event patterns in EventBridge's syntax, compiled and matched by AWS event-ruler, the library AWS publishes for
 * EventBridge's pattern language: an event passes when any pattern matches it. An EventBridge rule has one pattern; a
 * Lambda event source mapping's {@code FilterCriteria} up to five, and none lets every record pass.
 *
 * <p>Where the local matching differs from AWS (event-ruler 1.8.1):
 *
 * <ul>
 *   <li>Nested keys are joined with dots, so {@code {"a":{"b":[1]}}} also matches an event {@code {"a.b":1}}
 *       (event-ruler's documented caveat).
 *   <li>{@code FilterCriteria} accept every operator event-ruler knows, EventBridge's full set; Lambda's filter syntax
 *       may be narrower (not checked against Lambda for {@code wildcard}, {@code cidr}, {@code $or}), so a filter that
 *       works here could still be refused by a deploy.
 * </ul>
 *
 * Like EventBridge, {@code exists} looks at leaves only: a field holding an object does not "exist".
 */
public final class EventFilter {

    /** No patterns: nothing is filtered out (a mapping without {@code FilterCriteria}). */
    public static final EventFilter NONE = new EventFilter(List.of());

    private static final String MATCHED = "matched";

    private final List<JsonNode> patterns;
    private final Machine machine = Machine.builder().build();

    /** @throws IllegalArgumentException naming the first pattern event-ruler refuses, and its reason */
    public EventFilter(List<JsonNode> patterns) {
        this.patterns = List.copyOf(patterns);
        for (JsonNode pattern : this.patterns) {
            try {
                machine.addRule(MATCHED, pattern.toString());
            } catch (IOException | RuntimeException e) {
                String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                throw new IllegalArgumentException("Event pattern is not valid: " + reason + ": " + pattern, e);
            }
        }
    }

    /** The patterns as given (for {@code GET /_local}). */
    public List<JsonNode> patterns() {
        return patterns;
    }

    public boolean matches(JsonNode event) {
        return patterns.isEmpty() || !machine.rulesForJSONEvent(event).isEmpty();
    }
}
