package com.liveshop.chat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.liveshop.chat.repository.StoredMessages;
import com.liveshop.chat.service.ChatBatches;
import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.lambda.Invocation;

/**
 * Sessions table stream (filtered to inserted chat messages in template.yaml): the batch's messages go to their shows
 * as {@code chatBatch} frames ({@link ChatBatches}). A frame AppSync did not accept fails the invocation, so the stream
 * retries the batch.
 */
public class ChatBatchHandler implements RequestHandler<DynamodbEvent, Void> {

    private final ChatBatches batches;

    public ChatBatchHandler() {
        this(AppConfig.fromEnvironment());
    }

    public ChatBatchHandler(AppConfig config) {
        this(new ChatWiring(config).chatBatches());
    }

    public ChatBatchHandler(ChatBatches batches) {
        this.batches = batches;
    }

    @Override
    public Void handleRequest(DynamodbEvent event, Context context) {
        return Invocation.run(context, () -> {
            batches.publish(StoredMessages.of(event));
            return null;
        });
    }
}
