package com.liveshop.templatecheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.liveshop.shared.auth.AuthClaims;
import dev.samlocal.template.CfnYaml;
import dev.samlocal.template.SamTemplate;
import dev.samlocal.template.SamTemplate.FunctionDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The deployment properties issue 2 asks of template.yaml: Globals, a log group with retention per function,
 * least-privilege policies scoped to table and index ARNs, the Cognito-backed JWT authorizer, a secret that is never a
 * literal, and the Outputs a deployer needs.
 */
class TemplateDeploymentTest {

    private static final Set<String> DYNAMODB_READS =
            Set.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem");
    private static final Pattern INDEX_ARN = Pattern.compile("\\$\\{(\\w+)\\.Arn}/index/(\\w+)");
    /** IVS channels and stream keys are created at run time: scoped to this account and region, never '*'. */
    private static final Pattern IVS_ARN = Pattern.compile(
            "arn:\\$\\{AWS::Partition}:ivs:\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:(channel|stream-key)/\\*");

    /** The reminder sender sends as the one SES identity the template creates from SenderEmail, never identity/*. */
    private static final String SENDER_IDENTITY_ARN =
            "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SenderEmail}";

    private static SamTemplate template;

    @BeforeAll
    static void load() {
        template = TemplateSupport.template();
    }

    static Stream<String> functions() {
        return TemplateSupport.template().functions().stream().map(FunctionDef::logicalId);
    }

    @Test
    void globalsSetTheRuntimeSnapStartAndJsonLogging() {
        Map<String, Object> globals =
                SamTemplate.map(SamTemplate.map(template.raw().get("Globals")).get("Function"));
        assertThat(globals)
                .containsEntry("Runtime", "java21")
                .containsEntry("Architectures", List.of("arm64"))
                .containsKeys("MemorySize", "Timeout", "AutoPublishAlias");
        assertThat(SamTemplate.map(globals.get("SnapStart"))).containsEntry("ApplyOn", "PublishedVersions");
        assertThat(SamTemplate.map(globals.get("LoggingConfig"))).containsEntry("LogFormat", "JSON");
    }

    /** A setting every function shares lives in Globals once: no function repeats a Globals value as its own. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void noFunctionRepeatsAGlobalsSetting(String logicalId) {
        Map<String, Object> globals =
                SamTemplate.map(SamTemplate.map(template.raw().get("Globals")).get("Function"));
        Map<String, Object> own = template.properties(logicalId);
        globals.forEach((name, value) -> assertThat(own.get(name))
                .as("%s repeats Globals' %s", logicalId, name)
                .isNotEqualTo(value));
    }

    /**
     * The log groups and the alarms are each one Fn::ForEach over the functions: the two lists are the same, in the
     * same order (a function added to one is added to the other in the same place), and name every function of the
     * template.
     */
    @Test
    void theLogGroupsAndTheAlarmsLoopOverTheSameFunctions() {
        Map<String, Object> resources =
                SamTemplate.map(CfnYaml.read(TemplateSupport.repoRoot().resolve("template.yaml"))
                        .get("Resources"));
        List<Object> logGroups = SamTemplate.list(SamTemplate.list(resources.get("Fn::ForEach::FunctionLogGroups"))
                .get(1));
        List<Object> alarms = SamTemplate.list(
                SamTemplate.list(resources.get("Fn::ForEach::FunctionAlarms")).get(1));
        assertThat(logGroups).as("Fn::ForEach::FunctionLogGroups").isEqualTo(alarms);
        assertThat(logGroups)
                .as("every function, once")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        functions().map(Object.class::cast).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void eachFunctionLogsToItsOwnGroupWithRetention(String logicalId) {
        Map<String, Object> own = template.properties(logicalId);
        Object logGroup = SamTemplate.map(own.get("LoggingConfig")).get("LogGroup");
        String groupId = String.valueOf(SamTemplate.map(logGroup).get("Ref"));
        Map<String, Object> group = SamTemplate.map(template.resources().get(groupId));
        assertThat(group.get("Type"))
                .as("%s LoggingConfig.LogGroup must Ref an AWS::Logs::LogGroup", logicalId)
                .isEqualTo("AWS::Logs::LogGroup");
        Map<String, Object> props = template.properties(groupId);
        assertThat(props.get("RetentionInDays"))
                .as("%s retention", groupId)
                .isEqualTo(Map.of("Ref", "LogRetentionDays"));
        String name = String.valueOf(SamTemplate.map(props.get("LogGroupName")).get("Fn::Sub"));
        assertThat(name)
                .as("%s LogGroupName", groupId)
                .startsWith("/aws/lambda/")
                .contains("${AWS::StackName}")
                .doesNotContain("${" + logicalId + "}");
        long sharing = template.functions().stream()
                .filter(f -> logGroup.equals(
                        SamTemplate.map(template.properties(f.logicalId()).get("LoggingConfig"))
                                .get("LogGroup")))
                .count();
        assertThat(sharing).as("functions logging to %s", groupId).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void policiesAreScopedToTablesAndIndexesWithExplicitActions(String logicalId) {
        FunctionDef function = template.function(logicalId).orElseThrow();
        List<Map<String, Object>> statements = statements(function);
        for (Object policy : SamTemplate.list(template.properties(logicalId).get("Policies"))) {
            if (policy instanceof String
                    || SamTemplate.map(policy).keySet().stream().anyMatch(k -> k.startsWith("DynamoDB"))) {
                assertThat(policy)
                        .as("%s: broad managed/CRUD policy instead of explicit actions", logicalId)
                        .isNotInstanceOf(String.class);
                assertThat(SamTemplate.map(policy))
                        .as("%s: use explicit DynamoDB actions, not a SAM DynamoDB* template", logicalId)
                        .isEmpty();
            }
        }
        for (Map<String, Object> statement : statements) {
            assertThat(statement.get("Effect")).isEqualTo("Allow");
            for (String action : actions(statement)) {
                assertThat(action).as("%s action", logicalId).doesNotContain("*");
            }
            for (Object resource : asList(statement.get("Resource"))) {
                // '*' only where AWS requires it, annotated in the template (ResourceStarTest).
                if (!"*".equals(resource)) {
                    checkTableOrIndexArn(logicalId, resource);
                }
            }
        }
        boolean readOnlyRoutes =
                !function.routeKeys().isEmpty() && function.routeKeys().stream().allMatch(r -> r.startsWith("GET "));
        if (readOnlyRoutes) {
            List<String> writes = statements.stream()
                    .flatMap(s -> actions(s).stream())
                    .filter(a -> a.startsWith("dynamodb:") && !DYNAMODB_READS.contains(a))
                    .toList();
            assertThat(writes)
                    .as("%s serves only GET routes but may write", logicalId)
                    .isEmpty();
        }
    }

    @Test
    void hostsSignInWithASecondFactorAndAStrongPassword() {
        Map<String, Object> pool = template.properties("UserPool");
        assertThat(pool)
                .containsEntry("MfaConfiguration", Map.of("Ref", "HostMfa"))
                .containsEntry("EnabledMfas", List.of("SOFTWARE_TOKEN_MFA"));
        Map<String, Object> parameter = SamTemplate.map(
                SamTemplate.map(template.raw().get("Parameters")).get("HostMfa"));
        assertThat(parameter).containsEntry("Default", "ON").containsEntry("AllowedValues", List.of("ON", "OPTIONAL"));
        Map<String, Object> password =
                SamTemplate.map(SamTemplate.map(pool.get("Policies")).get("PasswordPolicy"));
        assertThat((Integer) password.get("MinimumLength")).isGreaterThanOrEqualTo(14);
        assertThat(password)
                .containsEntry("RequireLowercase", true)
                .containsEntry("RequireUppercase", true)
                .containsEntry("RequireNumbers", true)
                .containsEntry("RequireSymbols", true);
        assertThat(SamTemplate.map(pool.get("AdminCreateUserConfig"))).containsEntry("AllowAdminCreateUserOnly", true);
    }

    /**
     * Checkout keeps its share of the account's concurrency whatever floods (and the chat sender is capped), each a
     * parameter where 0 reserves nothing: Lambda refuses a reservation that leaves under 100 unreserved.
     */
    @Test
    void checkoutReservesConcurrencyAndTheChatSenderIsCappedEachByAParameterWhere0ReservesNone() {
        Map<String, String> reserved = Map.of(
                "CartFunction",
                "CheckoutConcurrency",
                "OrderFunction",
                "CheckoutConcurrency",
                "PaymentWebhookFunction",
                "CheckoutConcurrency",
                "ChatSendFunction",
                "ChatSendConcurrency");
        Map<String, Object> parameters = SamTemplate.map(template.raw().get("Parameters"));
        Map<String, Object> conditions = SamTemplate.map(template.raw().get("Conditions"));
        reserved.forEach((function, parameter) -> {
            Object value = template.properties(function).get("ReservedConcurrentExecutions");
            List<Object> branches = SamTemplate.list(SamTemplate.map(value).get("Fn::If"));
            assertThat(branches)
                    .as(
                            "%s ReservedConcurrentExecutions: !If [<condition>, !Ref %s, !Ref AWS::NoValue]",
                            function, parameter)
                    .hasSize(3);
            assertThat(branches.get(1)).isEqualTo(Map.of("Ref", parameter));
            assertThat(branches.get(2)).isEqualTo(Map.of("Ref", "AWS::NoValue"));
            assertThat(String.valueOf(conditions.get(String.valueOf(branches.get(0)))))
                    .as("condition of %s", function)
                    .contains(parameter)
                    .contains("0");
            Map<String, Object> definition = SamTemplate.map(parameters.get(parameter));
            assertThat(definition).as(parameter).containsEntry("Type", "Number").containsEntry("MinValue", 0);
            assertThat(((Number) definition.get("Default")).intValue())
                    .as(parameter)
                    .isPositive();
        });
        // The defaults leave the 100 unreserved executions Lambda requires in a default 1,000 account.
        int sum = 3
                        * ((Number) SamTemplate.map(parameters.get("CheckoutConcurrency"))
                                        .get("Default"))
                                .intValue()
                + ((Number) SamTemplate.map(parameters.get("ChatSendConcurrency"))
                                .get("Default"))
                        .intValue();
        assertThat(sum).isLessThanOrEqualTo(900);
    }

    @Test
    void everyTableSurvivesADeleteOrAReplacingChangeAndIsDeletionProtected() {
        Map<String, Map<String, Object>> tables = template.resourcesOfType("AWS::DynamoDB::Table");
        assertThat(tables).containsOnlyKeys("CatalogTable", "ReservationsTable", "SessionsTable");
        tables.forEach((id, table) -> {
            assertThat(table)
                    .as(id)
                    .containsEntry("DeletionPolicy", "Retain")
                    .containsEntry("UpdateReplacePolicy", "Retain");
            assertThat(SamTemplate.map(table.get("Properties")))
                    .as(id)
                    .containsEntry("DeletionProtectionEnabled", Map.of("Ref", "TableDeletionProtection"));
        });
        Map<String, Object> parameter = SamTemplate.map(
                SamTemplate.map(template.raw().get("Parameters")).get("TableDeletionProtection"));
        assertThat(parameter).containsEntry("Default", "true").containsEntry("AllowedValues", List.of("true", "false"));
    }

    @Test
    void theSweepMayQueryTheExpiryIndexButNotScan() {
        List<String> indexQueries = new ArrayList<>();
        for (FunctionDef function : template.functions()) {
            boolean scheduled =
                    function.events().stream().anyMatch(e -> e.type().startsWith("Schedule"));
            for (Map<String, Object> statement : statements(function)) {
                assertThat(actions(statement))
                        .as("%s: no function scans", function.logicalId())
                        .doesNotContain("dynamodb:Scan");
                if (scheduled && actions(statement).contains("dynamodb:Query")) {
                    asList(statement.get("Resource"))
                            .forEach(r -> indexQueries.add(
                                    String.valueOf(SamTemplate.map(r).get("Fn::Sub"))));
                }
            }
        }
        assertThat(indexQueries).contains("${ReservationsTable.Arn}/index/byExpiry");
    }

    @Test
    void hostRoutesUseAJwtAuthorizerTrustingThePoolAndClientOfTheTemplate() {
        var apis = template.resourcesOfType("AWS::Serverless::HttpApi");
        assertThat(apis).isNotEmpty();
        for (String api : apis.keySet()) {
            Map<String, Object> authorizers = SamTemplate.map(
                    SamTemplate.map(template.properties(api).get("Auth")).get("Authorizers"));
            authorizers.forEach((name, a) -> {
                Map<String, Object> authorizer = SamTemplate.map(a);
                assertThat(authorizer.get("IdentitySource")).isEqualTo("$request.header.Authorization");
                Map<String, Object> jwt = SamTemplate.map(authorizer.get("JwtConfiguration"));
                String issuer =
                        String.valueOf(SamTemplate.map(jwt.get("issuer")).get("Fn::Sub"));
                Matcher m = Pattern.compile("https://cognito-idp\\.\\$\\{AWS::Region}\\.amazonaws\\.com/\\$\\{(\\w+)}")
                        .matcher(issuer);
                assertThat(m.matches()).as("%s issuer %s", name, issuer).isTrue();
                String pool = m.group(1);
                assertThat(template.resourcesOfType("AWS::Cognito::UserPool")).containsKey(pool);
                List<Object> audience = SamTemplate.list(jwt.get("audience"));
                assertThat(audience).as("%s audience", name).hasSize(1);
                String client = String.valueOf(SamTemplate.map(audience.get(0)).get("Ref"));
                assertThat(template.resourcesOfType("AWS::Cognito::UserPoolClient"))
                        .containsKey(client);
                assertThat(template.properties(client).get("UserPoolId")).isEqualTo(Map.of("Ref", pool));
                assertThat(template.resourcesOfType("AWS::Cognito::UserPoolGroup")
                                .values())
                        .anyMatch(g -> SamTemplate.map(g.get("Properties"))
                                        .get("GroupName")
                                        .equals(AuthClaims.HOSTS_GROUP)
                                && SamTemplate.map(g.get("Properties"))
                                        .get("UserPoolId")
                                        .equals(Map.of("Ref", pool)));
            });
        }
        for (FunctionDef function : template.functions()) {
            long authorized = function.events().stream()
                    .filter(e -> e.properties().containsKey("Auth"))
                    .count();
            long routes = function.events().stream()
                    .filter(e -> e.type().equals("HttpApi"))
                    .count();
            assertThat(authorized)
                    .as("%s: every route or none of a function is behind the authorizer", function.logicalId())
                    .isIn(0L, routes);
        }
    }

    @Test
    void secretsInTheEnvironmentAreReferencesNeverLiterals() {
        Set<String> secrets =
                template.resourcesOfType("AWS::SecretsManager::Secret").keySet();
        Map<String, Object> parameters = SamTemplate.map(template.raw().get("Parameters"));
        List<String> secretVariables = new ArrayList<>();
        for (FunctionDef function : template.functions()) {
            function.environment().forEach((name, value) -> {
                if (name.contains("SECRET") || name.contains("PASSWORD")) {
                    secretVariables.add(function.logicalId() + "." + name);
                    Map<String, Object> ref = value instanceof Map<?, ?> ? SamTemplate.map(value) : Map.of();
                    if (name.endsWith("_ARN")) {
                        // Where the secret is, read at run time: the ARN (Ref) of one of the template's secrets.
                        assertThat(ref).as("%s.%s", function.logicalId(), name).containsOnlyKeys("Ref");
                        assertThat(secrets)
                                .as("%s.%s", function.logicalId(), name)
                                .contains(String.valueOf(ref.get("Ref")));
                    } else if (name.endsWith("_SECONDS")) {
                        // How long it is cached: a Number parameter, not a secret.
                        assertThat(ref).as("%s.%s", function.logicalId(), name).containsOnlyKeys("Ref");
                        assertThat(SamTemplate.map(parameters.get(String.valueOf(ref.get("Ref"))))
                                        .get("Type"))
                                .isEqualTo("Number");
                    } else {
                        fail(
                                "%s.%s: a secret's value in the environment; name its ARN (…_SECRET_ARN) "
                                        + "and read it at run time",
                                function.logicalId(), name);
                    }
                }
            });
        }
        assertThat(secretVariables)
                .contains("PaymentWebhookFunction.PAYMENT_WEBHOOK_SECRET_ARN")
                .doesNotContain("PaymentWebhookFunction.PAYMENT_WEBHOOK_SECRET");
    }

    /**
     * No environment variable resolves a secret: a dynamic reference ({@code {{resolve:secretsmanager:…}}}) is copied
     * into the function's configuration at deploy time, where GetFunctionConfiguration and the console show it.
     */
    @Test
    void noEnvironmentVariableResolvesASecret() {
        List<String> texts = new ArrayList<>();
        for (FunctionDef function : template.functions()) {
            collectStrings(
                    SamTemplate.map(template.properties(function.logicalId()).get("Environment")), texts);
        }
        collectStrings(
                SamTemplate.map(SamTemplate.map(template.raw().get("Globals")).get("Function"))
                        .get("Environment"),
                texts);
        assertThat(texts)
                .isNotEmpty()
                .noneMatch(t -> t.contains("{{resolve:secretsmanager") || t.contains("{{resolve:ssm-secure"));
    }

    /**
     * The chat-ticket key (also the key of every per-address fingerprint) is read at run time by exactly the functions
     * that name it, each allowed GetSecretValue on that one secret.
     */
    @Test
    void theChatTicketKeyIsReadAtRunTimeByTheFunctionsThatNameItOnly() {
        Map<String, String> expected = Map.of(
                "ChatFunction",
                "CHAT_TICKET_SECRET_ARN",
                "ChatSendFunction",
                "CHAT_TICKET_SECRET_ARN",
                "WaitlistFunction",
                "FINGERPRINT_SECRET_ARN",
                "ReminderFunction",
                "FINGERPRINT_SECRET_ARN",
                "CartFunction",
                "FINGERPRINT_SECRET_ARN",
                "OrderFunction",
                "FINGERPRINT_SECRET_ARN");
        for (FunctionDef function : template.functions()) {
            boolean reads = statements(function).stream()
                    .anyMatch(st -> asList(st.get("Resource")).contains(Map.of("Ref", "ChatTicketSecret")));
            String variable = expected.get(function.logicalId());
            if (variable != null) {
                assertThat(function.environment())
                        .as(function.logicalId())
                        .containsEntry(variable, Map.of("Ref", "ChatTicketSecret"));
                assertThat(statements(function).stream()
                                .filter(st -> asList(st.get("Resource")).contains(Map.of("Ref", "ChatTicketSecret"))))
                        .as(function.logicalId())
                        .singleElement()
                        .satisfies(st -> assertThat(actions(st)).containsExactly("secretsmanager:GetSecretValue"));
            } else {
                assertThat(reads)
                        .as("%s may read the chat-ticket key but does not name it", function.logicalId())
                        .isFalse();
            }
        }
    }

    @Test
    void theWebhookSecretsValueIsReadAtRunTimeNeverResolvedIntoTheTemplate() {
        FunctionDef webhook = template.function("PaymentWebhookFunction").orElseThrow();
        assertThat(webhook.environment())
                .containsEntry("PAYMENT_WEBHOOK_SECRET_ARN", Map.of("Ref", "PaymentWebhookSecret"));
        // No dynamic reference to its value anywhere: CloudFormation would copy it into a function's configuration.
        List<String> texts = new ArrayList<>();
        collectStrings(template.raw(), texts);
        assertThat(texts).noneMatch(t -> t.contains("{{resolve:secretsmanager:${PaymentWebhookSecret}"));
        // Least privilege: GetSecretValue on that one secret, and no one else may read it.
        List<Map<String, Object>> reads = statements(webhook).stream()
                .filter(st -> actions(st).stream().anyMatch(a -> a.startsWith("secretsmanager:")))
                .toList();
        assertThat(reads).singleElement().satisfies(st -> {
            assertThat(actions(st)).containsExactly("secretsmanager:GetSecretValue");
            assertThat(asList(st.get("Resource"))).containsExactly(Map.of("Ref", "PaymentWebhookSecret"));
        });
        for (FunctionDef function : template.functions()) {
            if (!function.logicalId().equals("PaymentWebhookFunction")) {
                assertThat(statements(function))
                        .as(function.logicalId())
                        .noneMatch(st -> asList(st.get("Resource")).contains(Map.of("Ref", "PaymentWebhookSecret")));
            }
        }
        assertThat(SamTemplate.map(template.raw().get("Parameters")))
                .doesNotContainKey("PaymentWebhookSecretVersionId")
                .containsKey("PaymentWebhookSecretTtlSeconds");
    }

    /**
     * Issue 24, proof of work: RequireProofOfWork (default 'true') reaches the two functions that take a solution, the
     * ALTCHA key is read at run time by exactly the functions that sign or verify (GetSecretValue on that one secret),
     * GET /challenges touches no table, and the cart function may put only CHALLENGE# items in the Sessions table.
     */
    @Test
    void proofOfWorkIsOnByDefaultAndItsKeyIsReadAtRunTimeByItsThreeFunctionsOnly() {
        Map<String, Object> parameters = SamTemplate.map(template.raw().get("Parameters"));
        assertThat(SamTemplate.map(parameters.get("RequireProofOfWork")))
                .containsEntry("Default", "true")
                .containsEntry("AllowedValues", List.of("true", "false"));
        assertThat(SamTemplate.map(parameters.get("ProofOfWorkMaxNumber")))
                .containsEntry("Type", "Number")
                .containsKey("Default");
        Set<String> verifiers = Set.of("CartFunction", "ChatFunction");
        Set<String> readers = Set.of("CartFunction", "ChatFunction", "ChallengeFunction");
        for (FunctionDef function : template.functions()) {
            String id = function.logicalId();
            List<Map<String, Object>> reads = statements(function).stream()
                    .filter(st -> asList(st.get("Resource")).contains(Map.of("Ref", "AltchaSecret")))
                    .toList();
            if (readers.contains(id)) {
                assertThat(function.environment())
                        .as(id)
                        .containsEntry("ALTCHA_SECRET_ARN", Map.of("Ref", "AltchaSecret"));
                assertThat(reads).as(id).singleElement().satisfies(st -> {
                    assertThat(actions(st)).containsExactly("secretsmanager:GetSecretValue");
                    assertThat(asList(st.get("Resource"))).containsExactly(Map.of("Ref", "AltchaSecret"));
                });
            } else {
                assertThat(reads).as(id).isEmpty();
            }
            if (verifiers.contains(id)) {
                assertThat(function.environment())
                        .as(id)
                        .containsEntry("REQUIRE_PROOF_OF_WORK", Map.of("Ref", "RequireProofOfWork"));
            } else {
                assertThat(function.environment()).as(id).doesNotContainKey("REQUIRE_PROOF_OF_WORK");
            }
        }
        FunctionDef challenges = template.function("ChallengeFunction").orElseThrow();
        assertThat(challenges.routeKeys()).containsExactly("GET /challenges");
        assertThat(challenges.environment())
                .containsEntry("PROOF_OF_WORK_MAX_NUMBER", Map.of("Ref", "ProofOfWorkMaxNumber"));
        assertThat(statements(challenges))
                .noneMatch(st -> actions(st).stream().anyMatch(a -> a.startsWith("dynamodb:")));
        List<Map<String, Object>> spend = statements(
                        template.function("CartFunction").orElseThrow())
                .stream()
                .filter(st -> actions(st).contains("dynamodb:PutItem")
                        && asList(st.get("Resource")).contains(Map.of("Fn::GetAtt", List.of("SessionsTable", "Arn"))))
                .toList();
        assertThat(spend)
                .singleElement()
                .satisfies(st -> assertThat(st.get("Condition"))
                        .isEqualTo(Map.of(
                                "ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", List.of("CHALLENGE#*")))));
        List<String> texts = new ArrayList<>();
        collectStrings(template.raw(), texts);
        assertThat(texts).noneMatch(t -> t.contains("{{resolve:secretsmanager:${AltchaSecret}"));
        Map<String, Object> cors =
                SamTemplate.map(template.properties("HttpApi").get("CorsConfiguration"));
        assertThat(SamTemplate.list(cors.get("AllowHeaders"))).contains("x-altcha");
    }

    @Test
    void reminderEmailsSendAsTheSenderOnlyFromTheSenderAndReadTheirKeyAtRunTime() {
        Map<String, Object> parameters = SamTemplate.map(template.raw().get("Parameters"));
        assertThat(SamTemplate.map(parameters.get("SesMaxSendRate")))
                .containsEntry("Type", "Number")
                .containsEntry("Default", 14);
        assertThat(SamTemplate.map(parameters.get("SiteUrl"))).containsEntry("Default", "");
        assertThat(parameters).containsKey("SenderEmail").doesNotContainKeys("SesSendRatePerSecond", "PublicBaseUrl");
        for (FunctionDef function : template.functions()) {
            List<Map<String, Object>> ses = statements(function).stream()
                    .filter(st -> actions(st).stream().anyMatch(a -> a.startsWith("ses:")))
                    .toList();
            if (function.logicalId().equals("ReminderSendFunction")) {
                assertThat(ses).singleElement().satisfies(st -> {
                    assertThat(actions(st)).containsExactlyInAnyOrder("ses:SendEmail", "ses:SendBulkEmail");
                    assertThat(asList(st.get("Resource"))).containsExactly(Map.of("Fn::Sub", SENDER_IDENTITY_ARN));
                });
            } else {
                assertThat(ses).as(function.logicalId()).isEmpty();
            }
        }
        for (String id : List.of("ReminderFunction", "ReminderSendFunction")) {
            assertThat(template.function(id).orElseThrow().environment())
                    .as(id)
                    .containsEntry("REMINDER_SECRET_ARN", Map.of("Ref", "ReminderLinkSecret"));
        }
        List<String> texts = new ArrayList<>();
        collectStrings(template.raw(), texts);
        assertThat(texts).noneMatch(t -> t.contains("{{resolve:secretsmanager:${ReminderLinkSecret}"));
        Map<String, Object> queue = SamTemplate.map(
                SamTemplate.map(template.resources().get("ReminderQueue")).get("Properties"));
        assertThat(SamTemplate.map(queue.get("RedrivePolicy")))
                .containsEntry("maxReceiveCount", 5)
                .containsEntry("deadLetterTargetArn", Map.of("Fn::GetAtt", List.of("ReminderDeadLetterQueue", "Arn")));
        assertThat(template.resources())
                .containsKeys("ReminderDeadLetterQueue", "ReminderDeadLettersAlarm", "SenderIdentity");
    }

    @Test
    void outputsGiveTheApiUrlPoolClientTablesAndBus() {
        Map<String, Object> outputs = SamTemplate.map(template.raw().get("Outputs"));
        assertThat(outputs)
                .containsKeys(
                        "ApiUrl",
                        "UserPoolId",
                        "UserPoolClientId",
                        "CatalogTableName",
                        "ReservationsTableName",
                        "SessionsTableName",
                        "OrderEventBusName",
                        "PaymentWebhookSecretArn");
        Set<String> tables = template.resourcesOfType("AWS::DynamoDB::Table").keySet();
        for (String table : tables) {
            assertThat(outputs.values())
                    .as("an output for table %s", table)
                    .anyMatch(
                            o -> Map.of("Ref", table).equals(SamTemplate.map(o).get("Value")));
        }
    }

    private static void checkTableOrIndexArn(String logicalId, Object resource) {
        Map<String, Object> map = SamTemplate.map(resource);
        if (map.containsKey("Fn::GetAtt")) {
            List<Object> att = SamTemplate.list(map.get("Fn::GetAtt"));
            if ("ChannelNamespaceArn".equals(att.get(1))) {
                // appsync:EventPublish on one channel namespace of this template's Event API, never the whole API.
                assertThat(template.resourcesOfType("AWS::AppSync::ChannelNamespace"))
                        .as("%s: a channel namespace of this template", logicalId)
                        .containsKey(String.valueOf(att.get(0)));
                return;
            }
            assertThat(att.get(1)).isEqualTo("Arn");
            assertThat(template.resources()).containsKey(String.valueOf(att.get(0)));
        } else if (map.containsKey("Fn::Sub")
                && IVS_ARN.matcher(String.valueOf(map.get("Fn::Sub"))).matches()) {
            return;
        } else if (map.containsKey("Fn::Sub") && SENDER_IDENTITY_ARN.equals(String.valueOf(map.get("Fn::Sub")))) {
            return;
        } else if (map.size() == 1
                && map.containsKey("Ref")
                && template.resourcesOfType("AWS::SecretsManager::Secret")
                        .containsKey(String.valueOf(map.get("Ref")))) {
            // One secret of this template (Ref of AWS::SecretsManager::Secret is its ARN), never secretsmanager:*.
            return;
        } else if (map.containsKey("Fn::Sub")) {
            String text = String.valueOf(map.get("Fn::Sub"));
            Matcher m = INDEX_ARN.matcher(text);
            assertThat(m.matches())
                    .as("%s: resource %s is ${Table.Arn}/index/<name>", logicalId, text)
                    .isTrue();
            List<Object> indexes =
                    SamTemplate.list(template.properties(m.group(1)).get("GlobalSecondaryIndexes"));
            assertThat(indexes)
                    .as("%s: index %s on %s", logicalId, m.group(2), m.group(1))
                    .anyMatch(i -> m.group(2).equals(SamTemplate.map(i).get("IndexName")));
        } else {
            assertThat(resource)
                    .as(
                            "%s: policy resource must be a table (GetAtt X.Arn), index ARN or a secret of the template",
                            logicalId)
                    .isNull();
        }
    }

    private static List<Map<String, Object>> statements(FunctionDef function) {
        List<Map<String, Object>> statements = new ArrayList<>();
        for (Object policy :
                SamTemplate.list(template.properties(function.logicalId()).get("Policies"))) {
            for (Object statement : asList(SamTemplate.map(policy).get("Statement"))) {
                statements.add(SamTemplate.map(statement));
            }
        }
        return statements;
    }

    private static List<String> actions(Map<String, Object> statement) {
        return asList(statement.get("Action")).stream().map(String::valueOf).toList();
    }

    private static List<Object> asList(Object value) {
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> ? SamTemplate.list(value) : List.of(value);
    }

    /** Every literal a value can become (both branches of an Fn::If, not its condition name). */
    private static void collectStrings(Object value, List<String> out) {
        if (value instanceof Map<?, ?> map && map.containsKey("Fn::If")) {
            SamTemplate.list(map.get("Fn::If")).stream().skip(1).forEach(v -> collectStrings(v, out));
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> collectStrings(v, out));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collectStrings(v, out));
        } else if (value != null) {
            out.add(String.valueOf(value));
        }
    }

    @Test
    void everyParameterWithoutADefaultHasASampleValueForTheChecks() {
        SamTemplate.map(template.raw().get("Parameters")).forEach((name, p) -> {
            if (!SamTemplate.map(p).containsKey("Default")) {
                assertThat(TemplateSupport.REQUIRED_PARAMETER_SAMPLES)
                        .as("sample value of required parameter %s", name)
                        .containsKey(name);
            }
        });
    }

    @Test
    void sqsEventSourcesReportItemFailuresAndTheirQueuesOutliveTheFunctionAndEndInADeadLetterQueue() {
        int sources = 0;
        for (String id : template.resourcesOfType("AWS::Serverless::Function").keySet()) {
            for (SamTemplate.FunctionEvent event :
                    template.function(id).orElseThrow().events()) {
                if (!event.type().equals("SQS")) {
                    continue;
                }
                sources++;
                Map<String, Object> props = event.properties();
                assertThat(SamTemplate.list(props.get("FunctionResponseTypes")))
                        .as("%s: partial batch responses", id)
                        .contains("ReportBatchItemFailures");
                assertThat(SamTemplate.map(props.get("ScalingConfig")).get("MaximumConcurrency"))
                        .as("%s: bounded senders", id)
                        .isNotNull();
                List<Object> att =
                        SamTemplate.list(SamTemplate.map(props.get("Queue")).get("Fn::GetAtt"));
                assertThat(att).as("%s: Queue is !GetAtt <queue>.Arn", id).hasSize(2);
                Map<String, Object> queue = template.properties(String.valueOf(att.get(0)));
                Object timeout = template.properties(id)
                        .getOrDefault(
                                "Timeout",
                                SamTemplate.map(SamTemplate.map(template.raw().get("Globals"))
                                                .get("Function"))
                                        .get("Timeout"));
                assertThat(((Number) queue.get("VisibilityTimeout")).intValue())
                        .as("%s: visibility >= 6 x timeout", att.get(0))
                        .isGreaterThanOrEqualTo(6 * ((Number) timeout).intValue());
                Map<String, Object> redrive = SamTemplate.map(queue.get("RedrivePolicy"));
                assertThat(redrive.get("maxReceiveCount"))
                        .as("%s: retries before the dead-letter queue", att.get(0))
                        .isNotNull();
                List<Object> dlq = SamTemplate.list(
                        SamTemplate.map(redrive.get("deadLetterTargetArn")).get("Fn::GetAtt"));
                assertThat(template.resourcesOfType("AWS::SQS::Queue")).containsKey(String.valueOf(dlq.get(0)));
            }
        }
        assertThat(sources).as("the reminder sender").isPositive();
    }
}
