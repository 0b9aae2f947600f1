package dev.samlocal.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fn::ForEach expanded as AWS::LanguageExtensions does, on the forms template.yaml uses. */
class ForEachTest {

    @Test
    void eachValueGetsTheFragmentWithTheIdentifierReplacedInKeysStringsAndRefs() {
        Map<String, Object> template = Map.of(
                "Resources",
                Map.of(
                        "Plain", Map.of("Type", "AWS::SNS::Topic"),
                        "Fn::ForEach::Alarms",
                                List.of(
                                        "F",
                                        List.of("CartFunction", "OrderFunction"),
                                        Map.of(
                                                "${F}ErrorsAlarm",
                                                Map.of(
                                                        "Type",
                                                        "AWS::CloudWatch::Alarm",
                                                        "Properties",
                                                        Map.of(
                                                                "AlarmDescription", Map.of("Fn::Sub", "${F} failed"),
                                                                "Dimensions",
                                                                        List.of(Map.of(
                                                                                "Name",
                                                                                "FunctionName",
                                                                                "Value",
                                                                                Map.of("Fn::Sub", "${${F}}"))),
                                                                "Label", Map.of("Ref", "F")))))));

        Map<String, Object> resources = SamTemplate.map(ForEach.expand(template).get("Resources"));

        assertThat(resources).containsOnlyKeys("Plain", "CartFunctionErrorsAlarm", "OrderFunctionErrorsAlarm");
        Map<String, Object> props = SamTemplate.map(
                SamTemplate.map(resources.get("OrderFunctionErrorsAlarm")).get("Properties"));
        assertThat(props)
                .containsEntry("AlarmDescription", Map.of("Fn::Sub", "OrderFunction failed"))
                .containsEntry(
                        "Dimensions",
                        List.of(Map.of("Name", "FunctionName", "Value", Map.of("Fn::Sub", "${OrderFunction}"))))
                .containsEntry("Label", "OrderFunction");
    }

    @Test
    void aLoopProducingOneKeyTwiceIsRefused() {
        Map<String, Object> template = Map.of(
                "Resources",
                Map.of(
                        "Fn::ForEach::Twice",
                        List.of("T", List.of("A", "A"), Map.of("${T}Topic", Map.of("Type", "AWS::SNS::Topic")))));
        assertThatThrownBy(() -> ForEach.expand(template)).hasMessageContaining("ATopic twice");
    }
}
