package com.liveshop.testkit;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A table's stream on DynamoDB Local, read with the real DynamoDbStreamsClient and handed over as the DynamodbEvent
 * Lambda would deliver: what a stream function (the outbox, the TTL reclaim, chat batches…) sees in AWS.
 */
public final class TableStream implements AutoCloseable {

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final Map<String, String> iterators = new HashMap<>();

    public TableStream(String endpoint, String streamArn) {
        this.streams = DynamoDbStreamsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
        this.streamArn = streamArn;
    }

    /** Every record written since the last call (from the start of the stream the first time), in order per shard. */
    public synchronized DynamodbEvent next() {
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        for (Shard shard : streams.describeStream(d -> d.streamArn(streamArn))
                .streamDescription()
                .shards()) {
            String iterator = iterators.computeIfAbsent(
                    shard.shardId(),
                    id -> streams.getShardIterator(
                                    g -> g.streamArn(streamArn).shardId(id).shardIteratorType("TRIM_HORIZON"))
                            .shardIterator());
            while (iterator != null) {
                final String current = iterator;
                var page = streams.getRecords(g -> g.shardIterator(current));
                page.records().forEach(r -> records.add(toLambda(r)));
                iterator = page.nextShardIterator();
                if (page.records().isEmpty()) {
                    break;
                }
            }
            iterators.put(shard.shardId(), iterator);
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);
        return event;
    }

    private DynamodbEvent.DynamodbStreamRecord toLambda(Record r) {
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventID(r.eventID());
        record.setEventName(r.eventNameAsString());
        record.setEventSource("aws:dynamodb");
        record.setEventSourceARN(streamArn);
        if (r.userIdentity() != null) {
            record.setUserIdentity(new Identity()
                    .withType(r.userIdentity().type())
                    .withPrincipalId(r.userIdentity().principalId()));
        }
        StreamRecord change = new StreamRecord()
                .withSequenceNumber(r.dynamodb().sequenceNumber())
                .withKeys(image(r.dynamodb().keys()));
        if (r.dynamodb().hasNewImage()) {
            change.setNewImage(image(r.dynamodb().newImage()));
        }
        if (r.dynamodb().hasOldImage()) {
            change.setOldImage(image(r.dynamodb().oldImage()));
        }
        record.setDynamodb(change);
        return record;
    }

    private static Map<String, AttributeValue> image(
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        Map<String, AttributeValue> image = new HashMap<>();
        item.forEach((name, value) -> image.put(name, attribute(value)));
        return image;
    }

    private static AttributeValue attribute(software.amazon.awssdk.services.dynamodb.model.AttributeValue v) {
        return switch (v.type()) {
            case S -> new AttributeValue().withS(v.s());
            case N -> new AttributeValue().withN(v.n());
            case SS -> new AttributeValue().withSS(v.ss());
            case NS -> new AttributeValue().withNS(v.ns());
            case BOOL -> new AttributeValue().withBOOL(v.bool());
            case NUL -> new AttributeValue().withNULL(true);
            case M -> new AttributeValue().withM(image(v.m()));
            case L ->
                new AttributeValue()
                        .withL(v.l().stream().map(TableStream::attribute).toList());
            default -> throw new IllegalArgumentException("unexpected attribute type in a stream record: " + v.type());
        };
    }

    @Override
    public void close() {
        streams.close();
    }
}
