package com.liveshop.templatecheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.samlocal.template.SamTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 24: GetStreamKey is conditioned on the stream key's liveshop=session tag, so the role that may tag must not be
 * able to give that tag to any resource it likes. Every statement of every function that allows ivs:TagResource is
 * checked: stream keys only, the one tag key, and only where the key has no such tag yet.
 */
class StreamKeyTaggingTest {

    private final SamTemplate template = TemplateSupport.template();

    private List<Map<String, Object>> statementsAllowing(String action) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (SamTemplate.FunctionDef function : template.functions()) {
            for (Object policy :
                    SamTemplate.list(template.properties(function.logicalId()).get("Policies"))) {
                if (!(policy instanceof Map<?, ?> map) || !map.containsKey("Statement")) {
                    continue;
                }
                for (Object s : SamTemplate.list(map.get("Statement"))) {
                    Map<String, Object> statement = SamTemplate.map(s);
                    Object actions = statement.get("Action");
                    if (actions instanceof List<?> list ? list.contains(action) : action.equals(actions)) {
                        found.add(statement);
                    }
                }
            }
        }
        return found;
    }

    @Test
    void tagResourceCannotGrantTheGetStreamKeyConditionToAnyResource() {
        List<Map<String, Object>> getKey = statementsAllowing("ivs:GetStreamKey");
        assertThat(getKey)
                .isNotEmpty()
                .allSatisfy(s -> assertThat(SamTemplate.map(
                                SamTemplate.map(s.get("Condition")).get("StringEquals")))
                        .containsEntry("aws:ResourceTag/liveshop", "session"));

        List<Map<String, Object>> tagging = statementsAllowing("ivs:TagResource");
        assertThat(tagging).isNotEmpty().allSatisfy(s -> {
            assertThat(s.get("Action"))
                    .as("TagResource in a statement of its own")
                    .isEqualTo("ivs:TagResource");
            assertThat(String.valueOf(s.get("Resource")))
                    .as("stream keys only, never channels")
                    .contains(":stream-key/*")
                    .doesNotContain(":channel/");
            Map<String, Object> condition = SamTemplate.map(s.get("Condition"));
            assertThat(SamTemplate.map(condition.get("StringEquals")))
                    .containsEntry("aws:RequestTag/liveshop", "session");
            assertThat(SamTemplate.map(condition.get("ForAllValues:StringEquals")))
                    .containsEntry("aws:TagKeys", List.of("liveshop"));
            assertThat(SamTemplate.map(condition.get("Null")))
                    .as("never overwrites a liveshop tag")
                    .containsEntry("aws:ResourceTag/liveshop", "true");
        });
        // CreateChannel may tag what it creates with the one key only.
        assertThat(statementsAllowing("ivs:CreateChannel"))
                .isNotEmpty()
                .allSatisfy(s -> assertThat(SamTemplate.map(
                                SamTemplate.map(s.get("Condition")).get("ForAllValues:StringEquals")))
                        .containsEntry("aws:TagKeys", List.of("liveshop")));
    }
}
