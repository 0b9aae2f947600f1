package com.liveshop.testkit;

import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.config.AppConfig;
import dev.samlocal.dynamodb.DynamoDbLocal;
import dev.samlocal.dynamodb.LocalTables;
import dev.samlocal.template.SamTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local in this JVM with the tables of the repository's template.yaml (keys, indexes, TTL and streams as
 * {@code sam deploy} creates them), a client on it, and the tables' streams as Lambda would deliver them.
 *
 * <p>Its lifetime follows how a test registers it:
 *
 * <ul>
 *   <li>on a static field ({@code @RegisterExtension static final DynamoDbLocalExtension DYNAMO =
 *       DynamoDbLocalExtension.withTemplateTables();}): one database for the test class, started before
 *       {@code @BeforeAll} and closed after {@code @AfterAll};
 *   <li>the same on an instance field: a fresh database for every test;
 *   <li>{@link #start()} in a try-with-resources: a database of its own inside a test.
 * </ul>
 *
 * A fixture hands it what it builds on the database ({@link #closeWith}), so a test class needs no tear-down. A test or
 * lifecycle method may take the {@link DynamoDbClient} as a parameter.
 */
public final class DynamoDbLocalExtension
        implements BeforeAllCallback,
                AfterAllCallback,
                BeforeEachCallback,
                AfterEachCallback,
                ParameterResolver,
                AutoCloseable {

    private DynamoDbLocal local;
    private DynamoDbClient client;
    private Map<String, String> tables;
    private Map<String, String> functionSettings;
    /** What was built on this database (streams, a fixture's test services), closed before it, newest first. */
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** The JUnit context (class or test) that started it and so closes it; null when started by {@link #start()}. */
    private String owner;

    private DynamoDbLocalExtension() {}

    public static DynamoDbLocalExtension withTemplateTables() {
        return new DynamoDbLocalExtension();
    }

    /** Starts DynamoDB Local on a free loopback port and creates the template's tables. */
    public synchronized DynamoDbLocalExtension start() {
        if (local != null) {
            throw new IllegalStateException("DynamoDB Local is already running on " + local.endpoint());
        }
        local = DynamoDbLocal.start(0);
        client = AwsClients.dynamoDb(new AppConfig(local.clientSettings()));
        SamTemplate template = SamTemplate.loadFromRepo();
        tables = LocalTables.createAll(client, template);
        functionSettings = new LinkedHashMap<>(local.clientSettings());
        functionSettings.putAll(tableVariables(template, tables));
        return this;
    }

    /** The functions' environment variables that name a table ({@code CATALOG_TABLE: !Ref CatalogTable}), resolved. */
    private static Map<String, String> tableVariables(SamTemplate template, Map<String, String> tables) {
        Map<String, String> variables = new LinkedHashMap<>();
        template.functions()
                .forEach(function -> function.environment().forEach((name, value) -> {
                    if (SamTemplate.map(value).get("Ref") instanceof String id && tables.containsKey(id)) {
                        variables.put(name, tables.get(id));
                    }
                }));
        return variables;
    }

    public DynamoDbClient client() {
        return running().client;
    }

    public String endpoint() {
        return running().local.endpoint();
    }

    /**
     * What a function's configuration needs to reach these tables: region, static credentials, this endpoint, and the
     * template's table variables ({@code CATALOG_TABLE}, {@code RESERVATIONS_TABLE}, …) as deployed.
     */
    public Map<String, String> functionSettings() {
        return Map.copyOf(running().functionSettings);
    }

    /** The table the template declares as {@code logicalId} (named by it, as the local stack names them). */
    public String table(String logicalId) {
        String name = running().tables.get(logicalId);
        if (name == null) {
            throw new IllegalArgumentException(
                    "template.yaml has no table " + logicalId + "; it has " + tables.keySet());
        }
        return name;
    }

    /** A reader of the table's stream from its start; closed with this database. */
    public synchronized TableStream stream(String logicalId) {
        String arn = client().describeTable(d -> d.tableName(table(logicalId)))
                .table()
                .latestStreamArn();
        if (arn == null) {
            throw new IllegalArgumentException(logicalId + " has no StreamSpecification in template.yaml");
        }
        return closeWith(new TableStream(endpoint(), arn));
    }

    /** Closes {@code resource} when this database closes (after the class or the test): what a fixture builds on it. */
    public synchronized <T extends AutoCloseable> T closeWith(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Closes what was built on it (newest first), the client and DynamoDB Local; a failure is thrown at the end. */
    @Override
    public synchronized void close() {
        IllegalStateException failure = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                failure = failure == null ? new IllegalStateException("Cannot close " + resources.get(i), e) : failure;
            }
        }
        resources.clear();
        if (client != null) {
            client.close();
        }
        if (local != null) {
            local.close();
        }
        local = null;
        client = null;
        tables = null;
        functionSettings = null;
        owner = null;
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startFor(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeFor(context);
    }

    /** Registered on an instance field, only the per-test callbacks run: each test gets its own database. */
    @Override
    public void beforeEach(ExtensionContext context) {
        startFor(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeFor(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == DynamoDbClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return client();
    }

    private synchronized void startFor(ExtensionContext context) {
        if (local == null) {
            start();
            owner = context.getUniqueId();
        }
    }

    private synchronized void closeFor(ExtensionContext context) {
        if (context.getUniqueId().equals(owner)) {
            close();
        }
    }

    private synchronized DynamoDbLocalExtension running() {
        if (local == null) {
            throw new IllegalStateException("DynamoDB Local is not running: register this extension on a field with"
                    + " @RegisterExtension (static: one per class; instance: one per test), or call start()");
        }
        return this;
    }
}
