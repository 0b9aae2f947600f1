package dev.samlocal.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.samlocal.Options;
import dev.samlocal.lambda.TemplateFunctions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * --parameter Name=Value: parsing, and the template's own constraints as CloudFormation applies them, on a fixture
 * template with one parameter per constraint (template/parameters-template.yaml).
 */
class TemplateParametersTest {

    private static SamTemplate test;

    @BeforeAll
    static void load() throws Exception {
        test = SamTemplate.load(Path.of(TemplateParametersTest.class
                .getResource("/template/parameters-template.yaml")
                .toURI()));
    }

    private static void refused(SamTemplate template, String name, String value, String... messageParts) {
        assertThatThrownBy(() -> TemplateParameters.of(template, Map.of(name, value)))
                .isInstanceOf(Options.UsageException.class)
                .hasMessageStartingWith("--parameter " + name)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void theCommandLineCollectsOverridesInOrderAndTheLastOfANameWins() {
        Options options = Options.parse(
                "--parameter",
                "HoldSeconds=60",
                "--parameter",
                "MaxQuantityPerSku=2",
                "--parameter",
                "Empty=",
                "--parameter",
                "Url=https://x.example/?a=b",
                "--parameter",
                "HoldSeconds=90");
        assertThat(options.parameters())
                .containsExactly(
                        Map.entry("MaxQuantityPerSku", "2"),
                        Map.entry("Empty", ""),
                        Map.entry("Url", "https://x.example/?a=b"),
                        Map.entry("HoldSeconds", "90"));
        assertThat(Options.ephemeral()
                        .withParameter("HoldSeconds", "60")
                        .withPorts(0, 0)
                        .parameters())
                .containsExactly(Map.entry("HoldSeconds", "60"));
        assertThat(Options.USAGE).contains("--parameter <Name>=<Value>");
    }

    @Test
    void aParameterWithoutNameOrEqualsSignIsAUsageError() {
        assertThatThrownBy(() -> Options.parse("--parameter", "HoldSeconds"))
                .isInstanceOf(Options.UsageException.class)
                .hasMessage("--parameter needs Name=Value (e.g. --parameter HoldSeconds=60), got 'HoldSeconds'");
        assertThatThrownBy(() -> Options.parse("--parameter", "=60"))
                .isInstanceOf(Options.UsageException.class)
                .hasMessageContaining("needs Name=Value");
        assertThatThrownBy(() -> Options.parse("--parameter"))
                .isInstanceOf(Options.UsageException.class)
                .hasMessage("--parameter needs a value");
    }

    @Test
    void defaultsApplyAndOverridesReplaceThem() {
        assertThat(TemplateParameters.defaults(test).values())
                .containsEntry("Stage", "live")
                .containsEntry("Seconds", "600")
                .containsEntry("Zones", "a,b");
        assertThat(TemplateParameters.of(test, Map.of("Seconds", "30", "Stage", "test", "Retention", "7"))
                        .values())
                .containsEntry("Seconds", "30")
                .containsEntry("Stage", "test")
                .containsEntry("Retention", "7")
                .containsEntry("Code", "abc");
        // A parameter without a default has no value unless it is given one.
        assertThat(TemplateParameters.defaults(test).values()).doesNotContainKeys("Token", "Anything");
        assertThat(TemplateParameters.of(test, Map.of("Anything", "x")).values())
                .containsEntry("Anything", "x");
    }

    @Test
    void unknownNamesAreRefusedWithTheTemplatesParameters() {
        refused(test, "Secs", "60", "Secs is not a parameter of the template", "Seconds", "Retention");
    }

    @Test
    void numbersAndTheirBoundsAreChecked() {
        refused(test, "Seconds", "sixty", "Seconds must be a number (Type Number), got 'sixty'");
        refused(test, "Seconds", "", "must be a number");
        refused(test, "Seconds", " 60", "must be a number");
        refused(test, "Seconds", "29", "Seconds must be at least 30 (MinValue)");
        refused(test, "Seconds", "3600.5", "Seconds must be at most 3600 (MaxValue)");
        assertThat(TemplateParameters.of(test, Map.of("Seconds", "30")).values())
                .containsEntry("Seconds", "30");
        assertThat(TemplateParameters.of(test, Map.of("Seconds", "3600")).values())
                .containsEntry("Seconds", "3600");
        refused(test, "Sizes", "1,x", "must be a number (Type List<Number>), got 'x'");
        assertThat(TemplateParameters.of(test, Map.of("Sizes", "3,4")).values()).containsEntry("Sizes", "3,4");
    }

    @Test
    void allowedValuesPatternsAndLengthsAreChecked() {
        refused(test, "Retention", "2", "Retention must be one of [1, 7, 30] (AllowedValues)");
        assertThat(TemplateParameters.of(test, Map.of("Retention", "7.0")).values())
                .containsEntry("Retention", "7.0");
        refused(test, "Stage", "prod", "Stage must be one of [live, test] (AllowedValues)");
        refused(test, "Zones", "a,d", "Zones must be one of [a, b, c]");
        assertThat(TemplateParameters.of(test, Map.of("Zones", "c,a")).values()).containsEntry("Zones", "c,a");
        // The pattern must match the whole value, anchored or not; the ConstraintDescription is part of the message.
        refused(
                test,
                "Version",
                "ab c",
                "Version must match [A-Za-z0-9-]* (AllowedPattern) — letters, digits and dashes only");
        refused(test, "Code", "a", "Code must be at least 2 characters long (MinLength)");
        refused(test, "Code", "abcde", "Code must be at most 4 characters long (MaxLength)");
        assertThat(TemplateParameters.of(test, Map.of("Code", "abcd")).values()).containsEntry("Code", "abcd");
    }

    @Test
    void noEchoValuesAreNeverShown() {
        TemplateParameters parameters = TemplateParameters.of(test, Map.of("Token", "s3cret"));
        assertThat(parameters.values()).containsEntry("Token", "s3cret");
        assertThat(parameters.shown(test)).containsEntry("Token", "****").containsEntry("Stage", "live");
    }

    @Test
    void overridesReachFunctionEnvironmentsAndConditions() {
        TemplateFunctions defaults = new TemplateFunctions(test, Map.of(), Map.of());
        TemplateFunctions overridden = new TemplateFunctions(
                test, TemplateParameters.of(test, Map.of("Limit", "9", "Version", "v2")), Map.of(), Map.of(), Map.of());
        assertThat(environment(defaults)).containsEntry("LIMIT", "7").containsEntry("VERSION", "latest");
        assertThat(environment(overridden)).containsEntry("LIMIT", "9").containsEntry("VERSION", "v2");
    }

    private static Map<String, String> environment(TemplateFunctions template) {
        return template.instantiate(Map.of()).stream()
                .filter(f -> f.logicalId().equals("ConfiguredFunction"))
                .findFirst()
                .orElseThrow()
                .environment();
    }
}
