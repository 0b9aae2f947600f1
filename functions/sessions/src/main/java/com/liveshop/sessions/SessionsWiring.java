package com.liveshop.sessions;

import com.liveshop.sessions.ivs.IvsLiveVideo;
import com.liveshop.sessions.ivs.LiveVideo;
import com.liveshop.sessions.repository.SessionRepository;
import com.liveshop.sessions.service.HighlightService;
import com.liveshop.sessions.service.IntervalPacer;
import com.liveshop.sessions.service.ReminderDispatchService;
import com.liveshop.sessions.service.ReminderEmailContent;
import com.liveshop.sessions.service.ReminderEmails;
import com.liveshop.sessions.service.ReminderLinks;
import com.liveshop.sessions.service.ReminderQueue;
import com.liveshop.sessions.service.ReminderSendService;
import com.liveshop.sessions.service.ReminderService;
import com.liveshop.sessions.service.SessionService;
import com.liveshop.sessions.service.StreamLifecycleService;
import com.liveshop.sessions.service.ViewerCountService;
import com.liveshop.sessions.ses.SesReminderEmails;
import com.liveshop.sessions.sqs.SqsReminderQueue;
import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.events.EventBridgePublisher;
import com.liveshop.shared.events.EventPublisher;
import com.liveshop.shared.metrics.ShowMetrics;
import com.liveshop.shared.ratelimit.RateWindows;
import com.liveshop.shared.ratelimit.SourceFingerprint;
import com.liveshop.shared.realtime.AppSyncEventsPublisher;
import com.liveshop.shared.realtime.ChannelPublisher;
import com.liveshop.shared.secrets.RuntimeSecret;
import com.liveshop.shared.waitlist.WaitlistCounts;
import java.time.Clock;
import java.util.OptionalLong;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ivs.IvsClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the sessions services from configuration, once per handler instance (execution environment). The IVS client is
 * made only by the functions that call IVS; tests pass their own {@link LiveVideo}.
 */
public final class SessionsWiring {

    /**
     * GetStream calls per second of the viewer-count function: IVS allows 5 GetStream requests/s per account (each
     * control-plane operation has its own 5 TPS), and 4 leaves room for the SDK's retries; 50 live shows take ≤ 12.5 s.
     */
    public static final int GET_STREAM_PER_SECOND = 4;

    private final AppConfig app;
    private final SessionRepository sessions;
    private final RateWindows rateWindows;
    private final ProductRepository products;
    private final ShowMetrics metrics;
    private final Supplier<String> reminderSecret;
    private ReminderLinks reminderLinks;

    public SessionsWiring(AppConfig app) {
        this(app, ShowMetrics.fromConfig(app));
    }

    /** With the business metrics the services record (tests pass a recording one). */
    public SessionsWiring(AppConfig app, ShowMetrics metrics) {
        this(app, metrics, null);
    }

    /**
     * @param reminderSecret the reminder links' key; null = read from Secrets Manager (REMINDER_SECRET_ARN) at run
     *     time, once per execution environment (tests pass their own)
     */
    public SessionsWiring(AppConfig app, ShowMetrics metrics, Supplier<String> reminderSecret) {
        this.metrics = metrics;
        this.reminderSecret = reminderSecret;
        this.app = app;
        SessionsConfig config = SessionsConfig.from(app);
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(app);
        this.sessions = new SessionRepository(dynamoDb, config.sessionsTable());
        this.rateWindows = new RateWindows(dynamoDb, config.sessionsTable());
        this.products = new ProductRepository(dynamoDb, AwsClients.enhanced(dynamoDb), config.catalogTable());
    }

    /** The IVS SDK client, endpoint from AWS_ENDPOINT_URL_IVS (SDK convention), behind {@link LiveVideo}. */
    public LiveVideo ivs() {
        IvsClient client = AwsClients.configure(IvsClient.builder(), app, "IVS")
                .httpClient(AwsClients.httpClient())
                .build();
        return new IvsLiveVideo(client, SessionsConfig.recordingConfigurationArn(app));
    }

    /** No IVS calls (public reads, reminders): a LiveVideo that refuses, so a stray call is a loud bug. */
    public static LiveVideo noVideo() {
        return new LiveVideo() {
            @Override
            public Channel createChannel(String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String streamKey(String channelArn) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean stopStream(String channelArn) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void putMetadata(String channelArn, String metadata) {
                throw new UnsupportedOperationException();
            }

            @Override
            public OptionalLong viewerCount(String channelArn) {
                throw new UnsupportedOperationException();
            }
        };
    }

    public SessionRepository sessions() {
        return sessions;
    }

    public ProductRepository products() {
        return products;
    }

    /** The admin function's service: SessionEnded goes to {@code events} when the host ends a session. */
    public SessionService sessionService(LiveVideo video, Clock clock, EventPublisher events) {
        return new SessionService(
                sessions,
                products,
                video,
                clock,
                events,
                app.optional("RESERVATIONS_TABLE")
                        .map(t -> new WaitlistCounts(AwsClients.dynamoDb(app), t))
                        .orElse(null));
    }

    public SessionService sessionService(LiveVideo video, Clock clock) {
        return new SessionService(sessions, products, video, clock);
    }

    /**
     * Default sign-ups per source address, show and minute (REMINDERS_PER_IP_PER_MINUTE; template
     * RemindersPerIpPerMinute).
     */
    public static final int DEFAULT_REMINDERS_PER_IP_PER_MINUTE = 10;

    /**
     * Reminder sign-ups and their links; FINGERPRINT_SECRET_ARN (read at run time) keys the per-address limit (never
     * the address itself), REMINDER_SECRET_ARN (read at run time) the reminder ids and link signatures; confirmations
     * go to REMINDER_QUEUE_URL.
     */
    public ReminderService reminderService(Clock clock) {
        return reminderService(clock, reminderQueue());
    }

    public ReminderService reminderService(Clock clock, ReminderQueue queue) {
        return new ReminderService(
                sessionService(noVideo(), clock),
                sessions,
                clock,
                rateWindows,
                SourceFingerprint.fromConfig(app),
                app.intOrDefault("REMINDERS_PER_IP_PER_MINUTE", DEFAULT_REMINDERS_PER_IP_PER_MINUTE),
                reminderLinks(),
                queue);
    }

    public ReminderDispatchService reminderDispatchService(ReminderQueue queue) {
        return new ReminderDispatchService(sessions, queue);
    }

    /**
     * The paced sender: SES_MAX_SEND_RATE (the account's rate, template SesMaxSendRate) shared by the
     * SENDER_CONCURRENCY senders Lambda may run at once (the SQS event source's MaximumConcurrency).
     */
    public ReminderSendService reminderSendService(ReminderEmails emails, Clock clock) {
        double rate = Double.parseDouble(app.required("SES_MAX_SEND_RATE")) / app.intOrDefault("SENDER_CONCURRENCY", 1);
        return new ReminderSendService(
                sessions, emails, reminderLinks(), reminderContent(), IntervalPacer.perSecond(rate), clock);
    }

    public ReminderQueue reminderQueue() {
        SqsClient sqs = AwsClients.configure(SqsClient.builder(), app, "SQS")
                .httpClient(AwsClients.httpClient())
                .build();
        return new SqsReminderQueue(sqs, app.required("REMINDER_QUEUE_URL"));
    }

    /** SES v2 (AWS_ENDPOINT_URL_SESV2 locally) from SENDER_EMAIL. */
    public ReminderEmails reminderEmails() {
        SesV2Client ses = AwsClients.configure(SesV2Client.builder(), app, "SESV2")
                .httpClient(AwsClients.httpClient())
                .build();
        return new SesReminderEmails(ses, app.required("SENDER_EMAIL"));
    }

    /** One per wiring (execution environment): the key is read from Secrets Manager on first use and kept. */
    private synchronized ReminderLinks reminderLinks() {
        if (reminderLinks == null) {
            Supplier<String> secret = reminderSecret;
            if (secret == null) {
                secret = RuntimeSecret.fromConfig(app, "REMINDER_SECRET_ARN", "reminder secret");
            }
            reminderLinks = new ReminderLinks(secret);
        }
        return reminderLinks;
    }

    private ReminderEmailContent reminderContent() {
        return new ReminderEmailContent(app.required("SITE_URL"));
    }

    public HighlightService highlightService(
            LiveVideo video, Clock clock, HighlightService.Pause pause, EventPublisher events) {
        return new HighlightService(
                sessionService(video, clock), sessions, products, video, clock, pause, events, metrics);
    }

    public StreamLifecycleService lifecycleService(EventPublisher events) {
        return new StreamLifecycleService(sessions, events, app.required(SessionsConfig.REPLAY_BASE_URL));
    }

    /** The viewer-count function's service; the handler paces GetStream at {@value #GET_STREAM_PER_SECOND} calls/s. */
    public ViewerCountService viewerCountService(
            LiveVideo video,
            ChannelPublisher publisher,
            Clock clock,
            ViewerCountService.Sleeper sleeper,
            ViewerCountService.Pacer pacer) {
        return new ViewerCountService(
                sessions, video, publisher, clock, sleeper, pacer, ViewerCountService.Cadence.DEFAULT);
    }

    /** AppSync Events HTTP publish to EVENTS_HTTP_ENDPOINT, signed with the function's role. */
    public ChannelPublisher channelPublisher() {
        return AppSyncEventsPublisher.fromConfig(app, metrics);
    }

    /** PutEvents to EVENT_BUS_NAME (required by the lifecycle and highlight functions). */
    public EventPublisher eventBridgePublisher() {
        return new EventBridgePublisher(
                AwsClients.eventBridge(app), app.required(SessionsConfig.EVENT_BUS_NAME), metrics);
    }
}
