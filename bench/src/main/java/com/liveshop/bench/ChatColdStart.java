package com.liveshop.bench;

import com.liveshop.testkit.TestSecrets;
import dev.samlocal.dynamodb.DynamoDbLocal;
import dev.samlocal.dynamodb.LocalTables;
import dev.samlocal.template.SamTemplate;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code bench.jar chat-cold-start [--chat-jar functions/chat/target/chat.jar] [--base-jar other-chat.jar] [--runs
 * 10]}: the cold start of ChatFunction with ICU4J's confusables (a 14 MB jar) against a bare handler. Each sample is a
 * fresh JVM ({@code java -XX:TieredStopAtLevel=1 -cp <chat jar>:<probe>}, Lambda's Java flags) against this bench's
 * DynamoDB Local (the template's tables) and a loopback Secrets Manager holding the ticket key (testkit's TestSecrets),
 * which builds the handler from its environment and answers one first request ({@link ChatColdStartProbe}):
 *
 * <ul>
 *   <li>{@code bare}: the first request is {@code GET /sessions/{id}/messages}: no key, no names, no ICU.
 *   <li>{@code ticket}: the first request is a chat ticket: the key from Secrets Manager, the name's look-alike check
 *       (ICU's data loaded then), the limits and the ticket.
 *   <li>{@code --base-jar}: the same first ticket with another build of the chat jar (e.g. the one before ICU4J).
 * </ul>
 *
 * Prints the medians and the ratio ticket / bare (the target: at most 1.5×). Asserts nothing.
 */
final class ChatColdStart {

    private ChatColdStart() {}

    static void run(Map<String, String> options) throws Exception {
        Path chatJar = Path.of(options.getOrDefault("chat-jar", "functions/chat/target/chat.jar"));
        String baseJar = options.get("base-jar");
        int runs = Integer.parseInt(options.getOrDefault("runs", "10"));
        if (!Files.isRegularFile(chatJar)) {
            throw new IllegalArgumentException(
                    "No chat jar at " + chatJar + " (build functions/chat, or pass --chat-jar)");
        }
        Path probe = extractProbe();
        Path template = Files.createTempFile("template", ".yaml");
        try (InputStream in = ChatColdStart.class.getResourceAsStream("/bench/template.yaml")) {
            Files.copy(in, template, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        String secretArn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:ChatTicketSecret-AbCdEf";
        String secretValue = UUID.randomUUID().toString().replace("-", "") + "0123456789abcdef";
        try (DynamoDbLocal local = DynamoDbLocal.start(0);
                TestSecrets secrets = new TestSecrets()) {
            DynamoDbClient dynamo = local.client();
            LocalTables.createAll(dynamo, SamTemplate.load(template));
            String session = UUID.randomUUID().toString();
            dynamo.putItem(p -> p.tableName("SessionsTable")
                    .item(Map.of(
                            "pk",
                            AttributeValue.fromS("SESSION#" + session),
                            "sk",
                            AttributeValue.fromS("META"),
                            "sessionId",
                            AttributeValue.fromS(session),
                            "status",
                            AttributeValue.fromS("LIVE"),
                            "title",
                            AttributeValue.fromS("Bench"))));
            Map<String, String> env = new HashMap<>();
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", "local");
            env.put("AWS_SECRET_ACCESS_KEY", "local");
            env.put("AWS_EC2_METADATA_DISABLED", "true");
            env.put("AWS_EMF_ENVIRONMENT", "Local");
            env.put("POWERTOOLS_METRICS_DISABLED", "true");
            env.put("AWS_ENDPOINT_URL_DYNAMODB", local.endpoint());
            env.put("SESSIONS_TABLE", "SessionsTable");
            env.put("BRAND_NAME", "Cyber Deals");
            env.put("CHAT_TICKETS_PER_IP_PER_MINUTE", "10000");
            env.put("CHAT_TICKETS_PER_CLIENT_PER_SHOW", "10000");
            env.put("HOST_JWT_ISSUER", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench");
            env.put("HOST_JWT_AUDIENCE", "bench");
            env.putAll(secrets.settings("CHAT_TICKET_SECRET_ARN", secretArn, secretValue));
            // A build from before the key moved to Secrets Manager reads the value itself: it is given for --base-jar
            // only.
            Map<String, String> baseEnv = new HashMap<>(env);
            baseEnv.put("CHAT_TICKET_SECRET", secretValue);

            Map<String, List<double[]>> samples = new LinkedHashMap<>();
            // One of each to warm the disk cache, not counted; then interleaved so drift hits every mode alike.
            sample(chatJar, probe, "bare", session, env);
            sample(chatJar, probe, "ticket", session, env);
            for (int i = 0; i < runs; i++) {
                samples.computeIfAbsent("bare (new jar, GET messages)", k -> new ArrayList<>())
                        .add(sample(chatJar, probe, "bare", session, env));
                samples.computeIfAbsent("ticket (new jar, ICU4J)", k -> new ArrayList<>())
                        .add(sample(chatJar, probe, "ticket", session, env));
                if (baseJar != null) {
                    samples.computeIfAbsent("ticket (base jar)", k -> new ArrayList<>())
                            .add(sample(Path.of(baseJar), probe, "ticket", session, baseEnv));
                }
            }
            System.out.printf(
                    "chat-cold-start: %d fresh JVMs per mode (-XX:TieredStopAtLevel=1), chat jar %s (%.1f MB)%s%n",
                    runs,
                    chatJar,
                    Files.size(chatJar) / 1e6,
                    baseJar == null
                            ? ""
                            : String.format(", base jar %s (%.1f MB)", baseJar, Files.size(Path.of(baseJar)) / 1e6));
            System.out.println("  mode                               process→answer  JVM→main  "
                    + "construct  first request  (median ms)");
            Map<String, Double> totals = new LinkedHashMap<>();
            samples.forEach((mode, list) -> {
                double total = median(list, 0);
                totals.put(mode, total);
                System.out.printf(
                        "  %-34s %14.0f %9.0f %10.0f %14.0f%n",
                        mode, total, median(list, 1), median(list, 2), median(list, 3));
            });
            List<Double> t = new ArrayList<>(totals.values());
            System.out.printf("  ticket / bare: %.2f× (target ≤ 1.5×)%n", t.get(1) / t.get(0));
            if (t.size() > 2) {
                System.out.printf("  ticket new / ticket base: %.2f×%n", t.get(1) / t.get(2));
            }
        }
    }

    /** {process start → answer, JVM start → main, construction, first request} in ms. */
    private static double[] sample(Path jar, Path probe, String mode, String session, Map<String, String> env)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                jar.toAbsolutePath() + java.io.File.pathSeparator + probe,
                ChatColdStartProbe.class.getName(),
                mode,
                session);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        Process p = pb.start();
        String line;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            line = out.lines().filter(l -> l.startsWith("probe ")).findFirst().orElse(null);
        }
        double total = (System.nanoTime() - t0) / 1e6;
        p.waitFor();
        if (line == null) {
            throw new IllegalStateException(
                    "The probe (" + mode + ", " + jar + ") printed no result; exit " + p.exitValue());
        }
        String[] f = line.split(" ");
        int status = Integer.parseInt(f[4]);
        if (status >= 300) {
            throw new IllegalStateException("The probe's first request (" + mode + ", " + jar + ") answered " + status);
        }
        return new double[] {total, Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])};
    }

    private static double median(List<double[]> samples, int index) {
        double[] v = samples.stream().mapToDouble(s -> s[index]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * The probe's classes, out of this jar into a directory of their own: the child's class path is the chat jar and
     * them.
     */
    private static Path extractProbe() throws Exception {
        Path dir = Files.createTempDirectory("chat-probe");
        for (String name :
                List.of("ChatColdStartProbe", "ChatColdStartProbe$ProbeContext", "ChatColdStartProbe$ProbeContext$1")) {
            String resource = "com/liveshop/bench/" + name + ".class";
            Path target = dir.resolve(resource);
            Files.createDirectories(target.getParent());
            try (InputStream in = ChatColdStart.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("No " + resource + " in the bench jar");
                }
                Files.copy(in, target);
            }
        }
        return dir;
    }
}
