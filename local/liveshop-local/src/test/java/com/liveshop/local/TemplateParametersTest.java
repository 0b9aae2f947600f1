package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.samlocal.template.SamTemplate;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.samlocal.Options;
import dev.samlocal.lambda.TemplateFunctions;
import dev.samlocal.template.TemplateParameters;

/** --parameter Name=Value: parsing, and the template's own constraints as CloudFormation applies them. */
class TemplateParametersTest {

    private static SamTemplate template(String resource) throws Exception {
        return SamTemplate.load(Path.of(TemplateParametersTest.class.getClassLoader().getResource(resource).toURI()));
    }

    private static void refused(SamTemplate template, String name, String value, String... messageParts) {
        assertThatThrownBy(() -> TemplateParameters.of(template, Map.of(name, value)))
                .isInstanceOf(Options.UsageException.class)
                .hasMessageStartingWith("--parameter " + name)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void theCommandLineCollectsOverridesInOrderAndTheLastOfANameWins() {
        Options options = Options.parse("--parameter", "HoldSeconds=60", "--parameter", "MaxQuantityPerSku=2",
                "--parameter", "Empty=", "--parameter", "Url=https://x.example/?a=b", "--parameter", "HoldSeconds=90");
        assertThat(options.parameters()).containsExactly(Map.entry("MaxQuantityPerSku", "2"), Map.entry("Empty", ""),
                Map.entry("Url", "https://x.example/?a=b"), Map.entry("HoldSeconds", "90"));
        assertThat(Options.ephemeral().withParameter("HoldSeconds", "60").withPorts(0, 0).parameters())
                .containsExactly(Map.entry("HoldSeconds", "60"));
        assertThat(Options.USAGE).contains("--parameter <Name>=<Value>");
    }

    @Test
    void aParameterWithoutNameOrEqualsSignIsAUsageError() {
        assertThatThrownBy(() -> Options.parse("--parameter", "HoldSeconds")).isInstanceOf(Options.UsageException.class)
                .hasMessage("--parameter needs Name=Value (e.g. --parameter HoldSeconds=60), got 'HoldSeconds'");
        assertThatThrownBy(() -> Options.parse("--parameter", "=60")).isInstanceOf(Options.UsageException.class)
                .hasMessageContaining("needs Name=Value");
        assertThatThrownBy(() -> Options.parse("--parameter")).isInstanceOf(Options.UsageException.class)
                .hasMessage("--parameter needs a value");
    }

    @Test
    void defaultsApplyAndOverridesReplaceThem() throws Exception {
        SamTemplate repo = SamTemplate.loadFromRepo();
        assertThat(TemplateParameters.defaults(repo).values())
                .containsEntry("StageName", "live").containsEntry("HoldSeconds", "600").containsEntry("MaxQuantityPerSku", "5");
        assertThat(TemplateParameters.of(repo, Map.of("HoldSeconds", "30", "MaxQuantityPerSku", "100", "LogRetentionDays", "7",
                "PaymentWebhookSecretTtlSeconds", "1")).values())
                .containsEntry("HoldSeconds", "30").containsEntry("MaxQuantityPerSku", "100").containsEntry("LogRetentionDays", "7")
                .containsEntry("PaymentWebhookSecretTtlSeconds", "1").containsEntry("StageName", "live");
        // A parameter without a default has no value unless it is given one.
        SamTemplate test = template("parameters-template.yaml");
        assertThat(TemplateParameters.defaults(test).values()).doesNotContainKeys("Token", "Anything");
        assertThat(TemplateParameters.of(test, Map.of("Anything", "x")).values()).containsEntry("Anything", "x");
    }

    @Test
    void unknownNamesAreRefusedWithTheTemplatesParameters() throws Exception {
        refused(SamTemplate.loadFromRepo(), "HoldSecs", "60", "HoldSecs is not a parameter of the template", "HoldSeconds", "MaxQuantityPerSku");
    }

    @Test
    void numbersAndTheirBoundsAreChecked() throws Exception {
        SamTemplate test = template("parameters-template.yaml");
        refused(test, "Seconds", "sixty", "Seconds must be a number (Type Number), got 'sixty'");
        refused(test, "Seconds", "", "must be a number");
        refused(test, "Seconds", " 60", "must be a number");
        refused(test, "Seconds", "29", "Seconds must be at least 30 (MinValue)");
        refused(test, "Seconds", "3600.5", "Seconds must be at most 3600 (MaxValue)");
        assertThat(TemplateParameters.of(test, Map.of("Seconds", "30")).values()).containsEntry("Seconds", "30");
        assertThat(TemplateParameters.of(test, Map.of("Seconds", "3600")).values()).containsEntry("Seconds", "3600");
        refused(test, "Sizes", "1,x", "must be a number (Type List<Number>), got 'x'");
        assertThat(TemplateParameters.of(test, Map.of("Sizes", "3,4")).values()).containsEntry("Sizes", "3,4");
        refused(SamTemplate.loadFromRepo(), "MaxQuantityPerSku", "0", "MaxQuantityPerSku must be at least 1 (MinValue)");
        refused(SamTemplate.loadFromRepo(), "HoldSeconds", "3601", "HoldSeconds must be at most 3600 (MaxValue)");
    }

    @Test
    void allowedValuesPatternsAndLengthsAreChecked() throws Exception {
        SamTemplate test = template("parameters-template.yaml");
        refused(test, "Retention", "2", "Retention must be one of [1, 7, 30] (AllowedValues)");
        assertThat(TemplateParameters.of(test, Map.of("Retention", "7.0")).values()).containsEntry("Retention", "7.0");
        refused(test, "Stage", "prod", "Stage must be one of [live, test] (AllowedValues)");
        refused(test, "Zones", "a,d", "Zones must be one of [a, b, c]");
        assertThat(TemplateParameters.of(test, Map.of("Zones", "c,a")).values()).containsEntry("Zones", "c,a");
        // The pattern must match the whole value, anchored or not; the ConstraintDescription is part of the message.
        refused(test, "Version", "ab c", "Version must match [A-Za-z0-9-]* (AllowedPattern) — letters, digits and dashes only");
        refused(test, "Code", "a", "Code must be at least 2 characters long (MinLength)");
        refused(test, "Code", "abcde", "Code must be at most 4 characters long (MaxLength)");
        assertThat(TemplateParameters.of(test, Map.of("Code", "abcd")).values()).containsEntry("Code", "abcd");
        refused(SamTemplate.loadFromRepo(), "LogRetentionDays", "2", "LogRetentionDays must be one of [1, 3, 5, 7, 14, 30, 60, 90, 180, 365]");
        refused(SamTemplate.loadFromRepo(), "PaymentWebhookSecretTtlSeconds", "-1", "PaymentWebhookSecretTtlSeconds must be at least 0 (MinValue)");
    }

    @Test
    void noEchoValuesAreNeverShown() throws Exception {
        SamTemplate test = template("parameters-template.yaml");
        TemplateParameters parameters = TemplateParameters.of(test, Map.of("Token", "s3cret"));
        assertThat(parameters.values()).containsEntry("Token", "s3cret");
        assertThat(parameters.shown(test)).containsEntry("Token", "****").containsEntry("Stage", "live");
    }

    @Test
    void overridesReachFunctionEnvironmentsAndConditions() throws Exception {
        SamTemplate rules = template("rules-template.yaml");
        TemplateFunctions defaults = new TemplateFunctions(rules, Map.of(), Map.of());
        TemplateFunctions overridden = new TemplateFunctions(rules, TemplateParameters.of(rules, Map.of("Limit", "9", "SecretVersion", "v2")),
                Map.of(), Map.of(), Map.of());
        assertThat(environment(defaults)).containsEntry("LIMIT", "7").containsEntry("SECRET_VERSION", "latest");
        assertThat(environment(overridden)).containsEntry("LIMIT", "9").containsEntry("SECRET_VERSION", "v2");
    }

    private static Map<String, String> environment(TemplateFunctions template) {
        return template.instantiate(Map.of(), new LiveshopHandlers()).stream().filter(f -> f.logicalId().equals("RecorderFunction"))
                .findFirst().orElseThrow().environment();
    }
}
