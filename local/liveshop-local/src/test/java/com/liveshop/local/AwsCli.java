package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real AWS CLI (v1 on these machines) as a client we did not write: {@code aws <args> --output json} with someone
 * else's static credentials, no instance metadata, no pager. A test is aborted (skipped) where the CLI is not
 * installed.
 */
final class AwsCli {

    record Result(int exit, String output) {}

    private AwsCli() {}

    /** Runs it in us-east-1 and asserts exit code 0; its stdout (JSON). */
    static String ok(String... args) throws Exception {
        Result result = run("us-east-1", args);
        assertThat(result.exit()).as(result.output()).isZero();
        return result.output();
    }

    /** Runs it in us-east-1 and asserts a non-zero exit code; what it printed. */
    static String failing(String... args) throws Exception {
        Result result = run("us-east-1", args);
        assertThat(result.exit()).as(result.output()).isNotZero();
        return result.output();
    }

    static Result run(String region, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.addAll(List.of("--output", "json"));
        ProcessBuilder cli = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = cli.environment();
        env.put("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        env.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_REGION", region);
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_PAGER", "");
        Process process;
        try {
            process = cli.start();
        } catch (java.io.IOException e) {
            Assumptions.abort("The AWS CLI is not installed: " + e.getMessage());
            throw e;
        }
        boolean done = process.waitFor(60, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as("aws " + String.join(" ", args) + " finished").isTrue();
        return new Result(process.exitValue(), output);
    }
}
