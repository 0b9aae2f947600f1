package com.liveshop.local;

import dev.samlocal.LocalUsage;
import dev.samlocal.Options;
import dev.samlocal.SamLocal;
import dev.samlocal.appsync.LocalAppSyncEvents;
import dev.samlocal.cognito.JwtAuthorizer;
import dev.samlocal.dynamodb.streams.LocalStreams;
import dev.samlocal.eventbridge.LocalEventBridge;
import dev.samlocal.ivs.LocalIvs;
import dev.samlocal.lambda.LocalFunction;
import dev.samlocal.secretsmanager.LocalSecretsManager;
import dev.samlocal.sesv2.LocalSesV2;
import dev.samlocal.sqs.LocalSqs;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live shopping local stack: sam-local ({@link SamLocal}) running template.yaml with the product's dev layer
 * ({@link LiveshopDevLayer}: demo catalog and show, host tokens, the test payment provider, the pages, the CDN's
 * headers). {@code main} is the README's run command; {@link #start(Options)} is the same stack in-process for tests.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    static final String USAGE = Options.usage("java -jar local/liveshop-local/target/local-stack.jar");

    private final SamLocal stack;
    private final LiveshopDevLayer layer;

    private LocalStack(SamLocal stack, LiveshopDevLayer layer) {
        this.stack = stack;
        this.layer = layer;
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * The CLI: parses, starts, prints the Ready line and serves until the JVM stops. Returns the exit code on failure.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        LocalStack stack;
        try {
            options = Options.parse(args);
            stack = start(options);
        } catch (Options.UsageException e) {
            // Bad arguments, also those only the template can judge (--parameter): refused before anything starts.
            if (e.getMessage().isEmpty()) {
                out.println(USAGE);
                return 0;
            }
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (SamLocal.PortInUseException e) {
            err.println(e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("The local stack could not start: " + e.getMessage());
            LOG.error("Start-up failed", e);
            return 1;
        }
        out.println("Template: " + stack.templateDescription());
        if (!options.parameters().isEmpty()) {
            Map<String, String> inForce = stack.parameters();
            out.println("Parameters: "
                    + String.join(
                            ", ",
                            options.parameters().keySet().stream()
                                    .map(name -> name + "=" + inForce.get(name))
                                    .toList()));
        }
        out.println(stack.readyLine());
        if (stack.demoShowId() != null) {
            out.println("Demo show: " + stack.url() + "/watch/" + stack.demoShowId() + " (viewer), " + stack.url()
                    + "/host (host console)");
            out.println("Demo shop: " + stack.url() + "/demo-shop/ (the show embedded on a brand's site)");
        }
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stack.close();
                            stopped.countDown();
                        },
                        "local-stack-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Starts everything ({@link SamLocal#start}); the template's parameters and the ports are checked before anything
     * starts. Close the returned stack to stop it.
     */
    public static LocalStack start(Options options) {
        LiveshopDevLayer layer = new LiveshopDevLayer();
        return new LocalStack(SamLocal.start(options.withStackName(LiveshopDevLayer.STACK_NAME), layer), layer);
    }

    /** The one line that says the stack serves. */
    public String readyLine() {
        return "Ready: live shopping local stack at " + url() + " (DynamoDB Local: " + dynamoDbEndpoint() + ")";
    }

    /** The sam-local stack underneath. */
    public SamLocal samLocal() {
        return stack;
    }

    public String url() {
        return stack.url();
    }

    public String dynamoDbEndpoint() {
        return stack.dynamoDbEndpoint();
    }

    public Map<String, String> parameters() {
        return stack.parameters();
    }

    public LocalSesV2 ses() {
        return stack.ses();
    }

    public LocalSqs sqs() {
        return stack.sqs();
    }

    public LocalSecretsManager secretsManager() {
        return stack.secretsManager();
    }

    /** What {@code !Ref PaymentWebhookSecret} gives locally (the webhook function's PAYMENT_WEBHOOK_SECRET_ARN). */
    public String paymentWebhookSecretArn() {
        return stack.secretArn(LiveshopDevLayer.WEBHOOK_SECRET_ID);
    }

    /** The webhook secret's AWSCURRENT value now (after a local rotation, the new one). */
    public String paymentWebhookSecret() {
        return LiveshopDevLayer.paymentWebhookSecret(stack);
    }

    /** The origin secret's AWSCURRENT value, what the local CDN sends; empty if the template has no such secret. */
    Optional<String> originSecret() {
        return stack.secretValue(LiveshopDevLayer.ORIGIN_SECRET_ID);
    }

    public LocalUsage usage() {
        return stack.usage();
    }

    public JwtAuthorizer jwt() {
        return stack.jwt();
    }

    public LocalEventBridge eventBridge() {
        return stack.eventBridge();
    }

    public LocalIvs ivs() {
        return stack.ivs();
    }

    public LocalAppSyncEvents events() {
        return stack.events();
    }

    public LocalStreams streams() {
        return stack.streams();
    }

    public List<LocalFunction> functions() {
        return stack.functions();
    }

    /** The demo show's session id (null without the seed). */
    public String demoShowId() {
        return layer.demoShowId();
    }

    public int seededProducts() {
        return layer.seededProducts();
    }

    public String templateDescription() {
        return stack.templateDescription();
    }

    @Override
    public void close() {
        stack.close();
    }
}
