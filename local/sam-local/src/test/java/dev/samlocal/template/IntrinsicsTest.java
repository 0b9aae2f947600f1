package dev.samlocal.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one intrinsic resolver: references, conditions and dynamic references, as CloudFormation resolves them. */
class IntrinsicsTest {

    private static final Map<String, String> REFS = Map.of(
            "AWS::Region",
            "us-east-1",
            "AWS::AccountId",
            "000000000000",
            "Stage",
            "dev",
            "NotesTable",
            "notes",
            "NotesTable.Arn",
            "arn:aws:dynamodb:us-east-1:000000000000:table/notes");
    private static final Map<String, Object> CONDITIONS = Map.of(
            "IsProd", Map.of("Fn::Equals", List.of(Map.of("Ref", "Stage"), "prod")),
            "IsDev", Map.of("Fn::Not", List.of(Map.of("Condition", "IsProd"))),
            "DevAndDev", Map.of("Fn::And", List.of(Map.of("Condition", "IsDev"), Map.of("Condition", "IsDev"))));

    private final Intrinsics intrinsics = new Intrinsics(
            REFS,
            CONDITIONS,
            (service, reference) -> service.equals("secretsmanager") ? "value-of-" + reference : null);

    @Test
    void referencesSubstitutionsJoinsAndSelectsResolve() {
        assertThat(intrinsics.resolveString(Map.of("Ref", "NotesTable"))).isEqualTo("notes");
        assertThat(intrinsics.resolveString(Map.of("Fn::GetAtt", List.of("NotesTable", "Arn"))))
                .isEqualTo("arn:aws:dynamodb:us-east-1:000000000000:table/notes");
        assertThat(intrinsics.resolveString(Map.of("Fn::Sub", "${Stage}-${NotesTable.Arn}-${!Literal}")))
                .isEqualTo("dev-arn:aws:dynamodb:us-east-1:000000000000:table/notes-${Literal}");
        assertThat(intrinsics.resolveString(Map.of("Fn::Join", List.of(",", List.of("a", Map.of("Ref", "Stage"))))))
                .isEqualTo("a,dev");
        assertThat(intrinsics.resolveString(Map.of("Fn::Select", List.of("1", List.of("x", "y")))))
                .isEqualTo("y");
        assertThat(intrinsics.resolveString(Map.of("Ref", "Undeclared"))).isEqualTo("Undeclared");
    }

    @Test
    void splitGivesEveryPieceEmptyOnesIncludedAndFeedsJoinAndSelect() {
        Map<String, Object> split = Map.of("Fn::Split", List.of(",", Map.of("Fn::Sub", "a,${Stage},")));
        assertThat(intrinsics.resolve(split)).isEqualTo(List.of("a", "dev", ""));
        assertThat(intrinsics.resolveString(Map.of("Fn::Join", List.of(" ", split))))
                .isEqualTo("a dev ");
        assertThat(intrinsics.resolveString(Map.of("Fn::Select", List.of("1", split))))
                .isEqualTo("dev");
        assertThat(intrinsics.resolve(Map.of("Fn::Split", List.of("|", "one")))).isEqualTo(List.of("one"));
    }

    @Test
    void fnIfTakesTheBranchItsConditionSelectsAtAnyDepth() {
        Object value = Map.of(
                "Env",
                Map.of(
                        "Fn::If",
                        List.of(
                                "IsProd",
                                "big",
                                Map.of("Fn::If", List.of("DevAndDev", Map.of("Ref", "Stage"), "none")))));
        assertThat(intrinsics.resolve(value)).isEqualTo(Map.of("Env", "dev"));
        assertThat(intrinsics.condition("IsProd")).isFalse();
        assertThatThrownBy(() -> intrinsics.condition("Nope")).hasMessageContaining("Unknown condition Nope");
    }

    @Test
    void dynamicReferencesResolveInStringsOnlyWhereTheResolverKnowsThem() {
        assertThat(intrinsics.resolveString(Map.of("Fn::Sub", "{{resolve:secretsmanager:${NotesTable}:SecretString}}")))
                .isEqualTo("value-of-notes");
        assertThat(intrinsics.resolveString("{{resolve:ssm:/app/key}}")).isEqualTo("{{resolve:ssm:/app/key}}");
        assertThat(new Intrinsics(REFS).resolveString("{{resolve:secretsmanager:X}}"))
                .isEqualTo("{{resolve:secretsmanager:X}}");
    }
}
