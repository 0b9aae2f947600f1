package dev.samlocal;

import dev.samlocal.template.TemplateParameters;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Command-line options of the local stack. Port 0 means "any free port" (tests).
 *
 * @param host address the HTTP server listens on (loopback unless told otherwise)
 * @param template template.yaml to use; empty = the repository's, else the copy inside the jar
 * @param parameters template parameter overrides (name → value, like {@code sam local --parameter-overrides}); checked
 *     against the template when the stack starts ({@link TemplateParameters})
 * @param stackName what {@code AWS::StackName} gives, and the prefix of names the template leaves to CloudFormation
 */
public record Options(
        String host,
        int port,
        int dynamoDbPort,
        boolean seed,
        boolean schedules,
        Optional<Path> template,
        Map<String, String> parameters,
        String stackName) {

    public static final String DEFAULT_STACK_NAME = "sam-local";

    /** The CLI's help text; {@code command} is how the project's users start it. */
    public static String usage(String command) {
        return "Usage: " + command + " [options]\n" + USAGE;
    }

    /** The flags' help text. */
    public static final String USAGE = """
              --port <n>            HTTP API port (default 3000)
              --dynamodb-port <n>   DynamoDB Local port for the AWS CLI / NoSQL Workbench (default 8000)
              --host <address>      address to listen on (default 127.0.0.1)
              --template <file>     template.yaml to serve (default: the repository's, else the bundled copy)
              --parameter <Name>=<Value>
                                    override a template parameter's default for this run, e.g.
                                    --parameter HoldSeconds=60 (repeatable, like sam local --parameter-overrides);
                                    refused unless the template declares it and its Type, MinValue/MaxValue,
                                    AllowedValues, AllowedPattern and MinLength/MaxLength allow the value
              --no-seed             start with an empty catalog
              --no-schedules        do not run the template's schedules on their own (run them via
                                    POST /_local/schedules/{FunctionLogicalId}/run)
              --help                this text""";

    public Options {
        // Insertion order kept (the last --parameter of a name wins), and no one changes it afterwards.
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** Options without parameter overrides. */
    public Options(String host, int port, int dynamoDbPort, boolean seed, boolean schedules, Optional<Path> template) {
        this(host, port, dynamoDbPort, seed, schedules, template, Map.of(), DEFAULT_STACK_NAME);
    }

    public static Options defaults() {
        return new Options("127.0.0.1", 3000, 8000, true, true, Optional.empty());
    }

    /** Options for tests: free ports, everything else as the CLI defaults. */
    public static Options ephemeral() {
        return defaults().withPorts(0, 0);
    }

    public Options withPorts(int httpPort, int dynamoPort) {
        return new Options(host, httpPort, dynamoPort, seed, schedules, template, parameters, stackName);
    }

    public Options withSeed(boolean value) {
        return new Options(host, port, dynamoDbPort, value, schedules, template, parameters, stackName);
    }

    public Options withSchedules(boolean value) {
        return new Options(host, port, dynamoDbPort, seed, value, template, parameters, stackName);
    }

    public Options withTemplate(Path file) {
        return new Options(host, port, dynamoDbPort, seed, schedules, Optional.of(file), parameters, stackName);
    }

    public Options withStackName(String name) {
        return new Options(host, port, dynamoDbPort, seed, schedules, template, parameters, name);
    }

    /**
     * {@code --parameter name=value}: overrides the template parameter's default for this run (a later value for the
     * same name replaces an earlier one). Checked against the template by {@link SamLocal#start}.
     */
    public Options withParameter(String name, String value) {
        if (name == null || name.isEmpty() || value == null) {
            throw new UsageException("--parameter needs Name=Value");
        }
        Map<String, String> more = new LinkedHashMap<>(parameters);
        more.remove(name);
        more.put(name, value);
        return new Options(host, port, dynamoDbPort, seed, schedules, template, more, stackName);
    }

    /** Thrown for bad arguments; the message is meant for the user. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    /** Parses the CLI arguments; {@code --help} is reported as a UsageException with an empty message. */
    public static Options parse(String... args) {
        Options o = defaults();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> o = o.withPorts(port(arg, value(args, ++i, arg)), o.dynamoDbPort);
                case "--dynamodb-port" -> o = o.withPorts(o.port, port(arg, value(args, ++i, arg)));
                case "--host" ->
                    o = new Options(
                            value(args, ++i, arg),
                            o.port,
                            o.dynamoDbPort,
                            o.seed,
                            o.schedules,
                            o.template,
                            o.parameters,
                            o.stackName);
                case "--template" -> o = o.withTemplate(Path.of(value(args, ++i, arg)));
                case "--parameter" -> o = parameter(o, value(args, ++i, arg));
                case "--no-seed" -> o = o.withSeed(false);
                case "--no-schedules" -> o = o.withSchedules(false);
                case "--help", "-h" -> throw new UsageException("");
                default -> throw new UsageException("Unknown option: " + arg);
            }
        }
        if (o.port != 0 && o.port == o.dynamoDbPort) {
            throw new UsageException("--port and --dynamodb-port must differ (both are " + o.port + ")");
        }
        return o;
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args[index];
    }

    /** {@code Name=Value}, split at the first '=' (a value may contain '=', and may be empty). */
    private static Options parameter(Options o, String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new UsageException(
                    "--parameter needs Name=Value (e.g. --parameter HoldSeconds=60), got '" + text + "'");
        }
        return o.withParameter(text.substring(0, eq), text.substring(eq + 1));
    }

    private static int port(String option, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " must be a port number (0-65535), got '" + text + "'");
    }
}
