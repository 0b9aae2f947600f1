package com.liveshop.templatecheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.metrics.ShowMetrics;
import dev.samlocal.template.Intrinsics;
import dev.samlocal.template.SamTemplate;
import dev.samlocal.template.SamTemplate.FunctionDef;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The show's alarms and dashboard (issue 11, part 3), on the template as CloudFormation deploys it (Fn::ForEach
 * expanded): every function's Errors and Throttles, every table's throttles, API 5xx, the sweep, publish failures; each
 * notifies the alarms topic; the dashboard body is JSON and names only metrics that exist.
 */
class AlarmsTemplateTest {

    private static final String TOPIC = "AlarmTopic";
    private static SamTemplate template;
    private static Map<String, Map<String, Object>> alarms;

    @BeforeAll
    static void load() {
        template = TemplateSupport.template();
        alarms = template.resourcesOfType("AWS::CloudWatch::Alarm");
    }

    @Test
    void everyFunctionHasAnErrorsAndAThrottlesAlarm() {
        assertThat(missingFunctionAlarms(template, alarms))
                .as("functions without their alarms")
                .isEmpty();
    }

    @Test
    void theFunctionAlarmCheckCatchesAFunctionLeftOutOfTheLoop() {
        Map<String, Map<String, Object>> fewer = new LinkedHashMap<>(alarms);
        fewer.remove("CartFunctionThrottlesAlarm");
        fewer.remove("ViewerCountFunctionErrorsAlarm");
        assertThat(missingFunctionAlarms(template, fewer))
                .containsExactlyInAnyOrder("CartFunction Throttles", "ViewerCountFunction Errors");
    }

    @Test
    void everyAlarmNotifiesTheTopicWhenItFiresAndWhenItClears() {
        assertThat(alarms).hasSizeGreaterThanOrEqualTo(2 * template.functions().size() + 6);
        Map<String, Object> topic = Map.of("Ref", TOPIC);
        alarms.forEach((id, alarm) -> {
            Map<String, Object> props = SamTemplate.map(alarm.get("Properties"));
            assertThat(SamTemplate.list(props.get("AlarmActions")))
                    .as("%s AlarmActions", id)
                    .containsExactly(topic);
            assertThat(SamTemplate.list(props.get("OKActions")))
                    .as("%s OKActions", id)
                    .containsExactly(topic);
            assertThat(props.get("AlarmDescription"))
                    .as("%s says what it means", id)
                    .isNotNull();
        });
        assertThat(template.resourcesOfType("AWS::SNS::Topic")).containsKey(TOPIC);
        Map<String, Object> subscription = SamTemplate.map(template.resources().get("AlarmEmailSubscription"));
        assertThat(subscription).containsEntry("Condition", "HasAlarmEmail");
        assertThat(SamTemplate.map(subscription.get("Properties")))
                .containsEntry("Protocol", "email")
                .containsEntry("Endpoint", Map.of("Ref", "AlarmEmail"));
        assertThat(SamTemplate.map(
                        SamTemplate.map(template.raw().get("Parameters")).get("AlarmEmail")))
                .containsEntry("Default", "");
    }

    @Test
    void theSweepAlarmFiresWhenTheSweepHasNotRunForFiveMinutesOrReportsNothing() {
        Map<String, Object> sweep = properties("HoldExpirySweepAlarm");
        assertThat(sweep)
                .containsEntry("Namespace", "AWS/Lambda")
                .containsEntry("MetricName", "Invocations")
                .containsEntry("Statistic", "Sum")
                .containsEntry("ComparisonOperator", "LessThanThreshold")
                .containsEntry("TreatMissingData", "breaching");
        assertThat(((Number) sweep.get("Threshold")).doubleValue()).isEqualTo(1.0);
        int window = ((Number) sweep.get("Period")).intValue() * ((Number) sweep.get("EvaluationPeriods")).intValue();
        assertThat(window).as("seconds without a sweep before it fires").isLessThanOrEqualTo(300);
        assertThat(dimensions(sweep)).containsEntry("FunctionName", Map.of("Ref", "HoldExpiryFunction"));
        assertThat(String.valueOf(template.function("HoldExpiryFunction")
                        .orElseThrow()
                        .events()
                        .get(0)
                        .properties()
                        .get("ScheduleExpression")))
                .as("the sweep runs every minute")
                .isEqualTo("rate(1 minute)");
    }

    @Test
    void apiTablesAndPublishFailuresHaveTheirAlarms() {
        Map<String, Object> api = properties("Api5xxAlarm");
        assertThat(api).containsEntry("Namespace", "AWS/ApiGateway").containsEntry("MetricName", "5xx");
        assertThat(dimensions(api)).containsEntry("ApiId", Map.of("Ref", "HttpApi"));

        for (String table : template.resourcesOfType("AWS::DynamoDB::Table").keySet()) {
            Map<String, Object> alarm = properties(table + "ThrottlesAlarm");
            List<String> metrics = new ArrayList<>();
            for (Object query : SamTemplate.list(alarm.get("Metrics"))) {
                Map<String, Object> metric =
                        SamTemplate.map(SamTemplate.map(SamTemplate.map(query).get("MetricStat"))
                                .get("Metric"));
                if (!metric.isEmpty()) {
                    assertThat(metric).containsEntry("Namespace", "AWS/DynamoDB");
                    assertThat(dimensions(metric)).containsEntry("TableName", Map.of("Fn::Sub", "${" + table + "}"));
                    metrics.add(String.valueOf(metric.get("MetricName")));
                }
            }
            assertThat(metrics).as(table).containsExactlyInAnyOrder("ReadThrottleEvents", "WriteThrottleEvents");
        }

        Map<String, Object> publish = properties("PublishFailuresAlarm");
        Map<String, String> env = globalsEnvironment();
        assertThat(publish)
                .containsEntry("Namespace", env.get("POWERTOOLS_METRICS_NAMESPACE"))
                .containsEntry("MetricName", ShowMetrics.PUBLISH_FAILURES);
        assertThat(env.get("POWERTOOLS_METRICS_NAMESPACE")).isEqualTo(ShowMetrics.NAMESPACE);
        assertThat(dimensions(publish))
                .containsExactly(Map.entry(ShowMetrics.SERVICE, env.get("POWERTOOLS_SERVICE_NAME")));
    }

    @Test
    void theDashboardBodyIsJsonAndNamesOnlyMetricsTheFunctionsWrite() throws Exception {
        Map<String, Object> dashboard =
                template.resourcesOfType("AWS::CloudWatch::Dashboard").get("ShowDashboard");
        assertThat(dashboard).isNotNull();
        Map<String, String> refs = new HashMap<>(TemplateSupport.localRefs(template));
        String body = new Intrinsics(refs)
                .resolveString(SamTemplate.map(dashboard.get("Properties")).get("DashboardBody"));
        JsonNode widgets = TemplateSupport.MAPPER.readTree(body).path("widgets");
        assertThat(widgets.size()).isGreaterThanOrEqualTo(8);

        Set<String> named = new HashSet<>();
        Pattern search = Pattern.compile("MetricName=\"(\\w+)\"");
        for (JsonNode widget : widgets) {
            for (JsonNode metric : widget.path("properties").path("metrics")) {
                if (metric.path(0).isTextual() && metric.path(0).asText().equals(ShowMetrics.NAMESPACE)) {
                    named.add(metric.path(1).asText());
                    assertThat(metric.path(2).asText() + "=" + metric.path(3).asText())
                            .isEqualTo(ShowMetrics.SERVICE + "="
                                    + globalsEnvironment().get("POWERTOOLS_SERVICE_NAME"));
                }
                Matcher m = search.matcher(metric.path(0).path("expression").asText());
                if (m.find()) {
                    named.add(m.group(1));
                }
            }
        }
        assertThat(showMetricNames()).containsAll(named);
        assertThat(named).as("the show's business metrics on the dashboard").containsAll(showMetricNames());
        assertThat(body).as("every ${…} resolved").doesNotContain("${");
    }

    /** "Function Errors" / "Function Throttles" for each function without that alarm in {@code alarms}. */
    private static List<String> missingFunctionAlarms(SamTemplate template, Map<String, Map<String, Object>> alarms) {
        Set<String> covered = new HashSet<>();
        alarms.values().forEach(alarm -> {
            Map<String, Object> props = SamTemplate.map(alarm.get("Properties"));
            if (!"AWS/Lambda".equals(props.get("Namespace"))) {
                return;
            }
            Object function = dimensions(props).get("FunctionName");
            String id = String.valueOf(SamTemplate.map(function)
                    .getOrDefault(
                            "Ref",
                            String.valueOf(SamTemplate.map(function).get("Fn::Sub"))
                                    .replaceAll("^\\$\\{(\\w+)}$", "$1")));
            covered.add(id + " " + props.get("MetricName"));
        });
        List<String> missing = new ArrayList<>();
        for (FunctionDef function : template.functions()) {
            for (String metric : List.of("Errors", "Throttles")) {
                if (!covered.contains(function.logicalId() + " " + metric)) {
                    missing.add(function.logicalId() + " " + metric);
                }
            }
        }
        return missing;
    }

    private static Map<String, Object> properties(String alarmId) {
        assertThat(alarms).containsKey(alarmId);
        return SamTemplate.map(alarms.get(alarmId).get("Properties"));
    }

    private static Map<String, Object> dimensions(Map<String, Object> metric) {
        Map<String, Object> out = new LinkedHashMap<>();
        SamTemplate.list(metric.get("Dimensions"))
                .forEach(d -> out.put(
                        String.valueOf(SamTemplate.map(d).get("Name")),
                        SamTemplate.map(d).get("Value")));
        return out;
    }

    private static Map<String, String> globalsEnvironment() {
        Map<String, Object> globals =
                SamTemplate.map(SamTemplate.map(template.raw().get("Globals")).get("Function"));
        Map<String, String> env = new HashMap<>();
        SamTemplate.map(SamTemplate.map(globals.get("Environment")).get("Variables"))
                .forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    /** The metric names ShowMetrics declares (its String constants other than the namespace and dimension names). */
    private static Set<String> showMetricNames() throws IllegalAccessException {
        Set<String> names = new HashSet<>();
        Set<String> notMetrics = Set.of(
                "NAMESPACE",
                "SERVICE",
                "OPERATION",
                "REASON",
                "CODE",
                "FRAME_TYPE",
                "TARGET",
                "CURRENCY",
                "APPSYNC_EVENTS",
                "EVENTBRIDGE");
        for (Field field : ShowMetrics.class.getFields()) {
            if (field.getType() == String.class
                    && Modifier.isStatic(field.getModifiers())
                    && !notMetrics.contains(field.getName())) {
                names.add((String) field.get(null));
            }
        }
        return names;
    }
}
