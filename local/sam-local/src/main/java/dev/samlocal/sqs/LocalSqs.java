package dev.samlocal.sqs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.samlocal.core.Json;
import dev.samlocal.core.LocalAws;
import dev.samlocal.core.LocalService;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Amazon SQS for the local stack: <a href="https://github.com/softwaremill/elasticmq">ElasticMQ</a>, an existing
 * SQS-compatible server (the AWS JSON protocol of SDK v2 and the query protocol of AWS CLI v1), run in this JVM on a
 * free loopback port. The template's queues are created at start with the real {@link SqsClient} (dead-letter queues
 * first, then the others with their {@code RedrivePolicy}); the functions reach it through
 * {@code AWS_ENDPOINT_URL_SQS}. What is ours is only the event source mappings ({@link SqsPoller}), which poll it with
 * the same real client as Lambda's pollers do.
 */
public final class LocalSqs implements LocalService {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSqs.class);
    public static final String ACCOUNT_ID = "000000000000";
    public static final String REGION = LocalAws.REGION;

    /**
     * A queue as the template declares it: VisibilityTimeout, MessageRetentionPeriod, DelaySeconds (the default delay
     * of a message that gives none), ReceiveMessageWaitTimeSeconds (the default long poll) and its RedrivePolicy
     * ({@code deadLetterTargetArn} null = none).
     */
    public record QueueDefinition(
            String name,
            int visibilityTimeoutSeconds,
            int retentionSeconds,
            int delaySeconds,
            int receiveWaitSeconds,
            String deadLetterTargetArn,
            int maxReceiveCount) {}

    /**
     * A queue as {@link #queues()} lists it, with SQS's approximate counts: {@code visible} waiting, {@code inFlight}
     * received and not yet deleted, {@code delayed} not yet visible; {@code depth} their sum.
     */
    public record QueueInfo(String name, String url, String arn, int visible, int inFlight, int delayed) {
        public int depth() {
            return visible + inFlight + delayed;
        }
    }

    private final SQSRestServer server;
    private final String endpoint;
    private final SqsClient client;
    private final Map<String, QueueDefinition> byArn = new LinkedHashMap<>();
    private final List<SqsPoller> pollers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private LocalSqs(SQSRestServer server, String endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        // Long polls last up to 20 s; the call timeout leaves them room.
        this.client = LocalAws.client(SqsClient.builder(), endpoint)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(30))
                        .build())
                .build();
    }

    /**
     * Starts ElasticMQ on a free port of 127.0.0.1 (whatever interface the rest of the stack listens on: it answers any
     * credentials, like DynamoDB Local), queue URLs {@code http://127.0.0.1:<port>/000000000000/<name>}, ARNs
     * {@code arn:aws:sqs:us-east-1:000000000000:<name>}.
     */
    public static LocalSqs start() {
        int port = freePort();
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withPort(port)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
                .withAWSRegion(REGION)
                .withAWSAccountId(ACCOUNT_ID)
                .start();
        server.waitUntilStarted();
        return new LocalSqs(server, "http://127.0.0.1:" + port);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port for the local SQS", e);
        }
    }

    public static String queueUrl(String endpoint, String name) {
        return endpoint + "/" + ACCOUNT_ID + "/" + name;
    }

    public static String queueArn(String name) {
        return "arn:aws:sqs:" + REGION + ":" + ACCOUNT_ID + ":" + name;
    }

    /** ElasticMQ's URL: what {@code AWS_ENDPOINT_URL_SQS} and {@code aws sqs --endpoint-url} take. */
    public String endpoint() {
        return endpoint;
    }

    /** The queue URL of a queue name on this server. */
    public String queueUrl(String name) {
        return queueUrl(endpoint, name);
    }

    /**
     * Creates the template's queues: those without a RedrivePolicy first, so every dead-letter target exists when a
     * queue naming it is created.
     */
    public void createQueues(List<QueueDefinition> definitions) {
        List<QueueDefinition> ordered = new ArrayList<>(definitions.stream()
                .filter(d -> d.deadLetterTargetArn() == null)
                .toList());
        ordered.addAll(definitions.stream()
                .filter(d -> d.deadLetterTargetArn() != null)
                .toList());
        for (QueueDefinition d : ordered) {
            Map<QueueAttributeName, String> attributes = new HashMap<>();
            attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(d.visibilityTimeoutSeconds()));
            attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, String.valueOf(d.retentionSeconds()));
            attributes.put(QueueAttributeName.DELAY_SECONDS, String.valueOf(d.delaySeconds()));
            attributes.put(
                    QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, String.valueOf(d.receiveWaitSeconds()));
            if (d.deadLetterTargetArn() != null) {
                ObjectNode policy = Json.MAPPER
                        .createObjectNode()
                        .put("deadLetterTargetArn", d.deadLetterTargetArn())
                        .put("maxReceiveCount", d.maxReceiveCount());
                attributes.put(QueueAttributeName.REDRIVE_POLICY, policy.toString());
            }
            client.createQueue(r -> r.queueName(d.name()).attributes(attributes));
            byArn.put(queueArn(d.name()), d);
        }
    }

    @Override
    public Map<String, String> functionSettings() {
        return Map.of("AWS_ENDPOINT_URL_SQS", endpoint);
    }

    /** ElasticMQ has its own port; nothing on the stack's. */
    @Override
    public void register(RoutesConfig routes) {}

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(
                endpoint,
                "SQS (ElasticMQ; AWS_ENDPOINT_URL_SQS; aws sqs … --endpoint-url " + endpoint
                        + "): the template's queues "
                        + byArn.values().stream().map(QueueDefinition::name).toList());
        return d;
    }

    /** SQS requests by operation since the start, from every SDK client in this JVM (see {@link SqsRequestCounter}). */
    public Map<String, Long> requestsByOperation() {
        return SqsRequestCounter.snapshot();
    }

    /** The client the event source mappings use. */
    SqsClient client() {
        return client;
    }

    /** Every template queue with its counts, read from ElasticMQ (GetQueueAttributes). */
    public List<QueueInfo> queues() {
        return byArn.keySet().stream().map(this::queue).toList();
    }

    /** One queue by ARN, with its counts. */
    public QueueInfo queue(String queueArn) {
        QueueDefinition d = definition(queueArn);
        String url = queueUrl(d.name());
        Map<QueueAttributeName, String> a = client.getQueueAttributes(r -> r.queueUrl(url)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                .attributes();
        return new QueueInfo(
                d.name(),
                url,
                queueArn,
                count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
                count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    }

    private static int count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
        return Integer.parseInt(attributes.getOrDefault(name, "0"));
    }

    /** Messages in the queue, visible or not. */
    public int depth(String queueArn) {
        return queue(queueArn).depth();
    }

    QueueDefinition definition(String queueArn) {
        QueueDefinition d = byArn.get(queueArn);
        if (d == null) {
            throw new IllegalArgumentException("No queue " + queueArn + " in the template");
        }
        return d;
    }

    /**
     * Starts the event source mappings (one poller each). As Lambda does, a mapping is refused when its queue's
     * visibility timeout is shorter than the function's timeout (messages would come back while still being handled).
     */
    public void start(List<SqsEventSource> sources) {
        for (SqsEventSource source : sources) {
            QueueDefinition queue = definition(source.queueArn());
            if (queue.visibilityTimeoutSeconds() < source.function().timeoutSeconds()) {
                throw new IllegalArgumentException(source.id() + ": Queue visibility timeout: "
                        + queue.visibilityTimeoutSeconds() + " seconds is less than Function timeout: "
                        + source.function().timeoutSeconds() + " seconds");
            }
            if (!source.function().available()) {
                continue;
            }
            pollers.add(new SqsPoller(source, queueUrl(queue.name()), this));
        }
    }

    /** The running mappings. */
    public List<SqsPoller> mappings() {
        return List.copyOf(pollers);
    }

    public List<SqsEventSource> sources() {
        return pollers.stream().map(SqsPoller::source).toList();
    }

    /**
     * Waits until every mapped queue is empty (nothing waiting, delayed or in flight) and no poller is invoking its
     * function; throws if that takes longer than {@code timeout}.
     */
    public void awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!idle()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("SQS event sources still busy after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    private boolean idle() {
        for (SqsPoller poller : pollers) {
            if (poller.busy() || depth(poller.source().queueArn()) > 0) {
                return false;
            }
        }
        return true;
    }

    boolean closed() {
        return closed;
    }

    /**
     * Stops the event source mappings: no more receives, no more invocations (a batch in hand is left to come back).
     */
    public void stopMappings() {
        closed = true;
        pollers.forEach(SqsPoller::close);
    }

    @Override
    public void close() {
        stopMappings();
        try {
            server.stopAndWait();
        } catch (RuntimeException e) {
            LOG.warn("ElasticMQ did not stop cleanly: {}", e.toString());
        }
        client.close();
    }
}
