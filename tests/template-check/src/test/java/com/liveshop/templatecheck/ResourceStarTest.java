package com.liveshop.templatecheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.samlocal.template.CfnYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An IAM statement may grant {@code Resource: '*'} only where AWS requires it (an action with no resource-level
 * permissions), and the template must say so right above it: {@code # Resource '*': <why AWS requires it>}. A bare '*'
 * fails the build.
 */
class ResourceStarTest {

    /** The annotation that must sit on the line right above a '*' resource (or a '*' item of a Resource list). */
    static final Pattern ANNOTATION = Pattern.compile("^\\s*#\\s*Resource '\\*':\\s*\\S.*");

    private static final Pattern STAR_LINE = Pattern.compile(
            "^\\s*(-\\s*)?(Resource:\\s*)?['\"]?\\*['\"]?\\s*(#.*)?$|.*Resource:\\s*\\[?\\s*['\"]\\*['\"].*");

    /** Lines (1-based) holding a '*' resource with no annotation above them. */
    static List<Integer> unannotatedStars(String yaml) {
        String[] lines = yaml.split("\n", -1);
        List<Integer> bare = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (STAR_LINE.matcher(lines[i]).matches()
                    && !(i > 0 && ANNOTATION.matcher(lines[i - 1]).matches())) {
                bare.add(i + 1);
            }
        }
        return bare;
    }

    /** How many statements of the parsed template grant a '*' resource (a cross-check of the line scan). */
    static int starStatements(Object node) {
        int count = 0;
        if (node instanceof Map<?, ?> map) {
            Object resource = map.get("Resource");
            if (map.containsKey("Effect")
                    && (resource instanceof String s && s.equals("*")
                            || resource instanceof List<?> list && list.contains("*"))) {
                count++;
            }
            for (Object value : map.values()) {
                count += starStatements(value);
            }
        } else if (node instanceof List<?> list) {
            for (Object value : list) {
                count += starStatements(value);
            }
        }
        return count;
    }

    @Test
    void theTemplateGrantsResourceStarOnlyWithTheReasonAwsRequiresIt() throws IOException {
        String yaml = Files.readString(TemplateSupport.repoRoot().resolve("template.yaml"));
        assertThat(unannotatedStars(yaml))
                .as("lines with Resource '*' and no \"# Resource '*': <reason>\" above")
                .isEmpty();
        long annotated =
                yaml.lines().filter(l -> ANNOTATION.matcher(l).matches()).count();
        assertThat(starStatements(CfnYaml.parse(yaml)))
                .as("statements granting '*'")
                .isLessThanOrEqualTo((int) annotated);
    }

    @Test
    void aBareStarFailsAndAnAnnotatedOnePasses() {
        String bare = """
                Statement:
                  - Effect: Allow
                    Action: xray:PutTraceSegments
                    Resource: '*'
                  - Effect: Allow
                    Action: [cloudwatch:PutMetricData]
                    Resource:
                      - '*'
                  - { Effect: Allow, Action: logs:CreateLogGroup, Resource: "*" }
                """;
        assertThat(unannotatedStars(bare)).containsExactly(4, 8, 9);
        assertThat(starStatements(CfnYaml.parse(bare))).isEqualTo(3);
        String annotated = """
                Statement:
                  - Effect: Allow
                    Action: xray:PutTraceSegments
                    # Resource '*': X-Ray's PutTraceSegments has no resource-level permissions.
                    Resource: '*'
                """;
        assertThat(unannotatedStars(annotated)).isEmpty();
        assertThat(unannotatedStars(annotated.replace("has no resource-level permissions.", "")))
                .isEmpty();
        assertThat(unannotatedStars(annotated.replace(
                        "# Resource '*': X-Ray's PutTraceSegments has no resource-level permissions.", "# why")))
                .containsExactly(5);
    }
}
