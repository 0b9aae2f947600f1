package com.liveshop.sessions.ivs;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.services.ivs.IvsClient;
import software.amazon.awssdk.services.ivs.model.ChannelLatencyMode;
import software.amazon.awssdk.services.ivs.model.ChannelNotBroadcastingException;
import software.amazon.awssdk.services.ivs.model.ChannelType;
import software.amazon.awssdk.services.ivs.model.CreateChannelRequest;
import software.amazon.awssdk.services.ivs.model.CreateChannelResponse;
import software.amazon.awssdk.services.ivs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ivs.model.StreamKeySummary;
import software.amazon.awssdk.services.ivs.model.StreamUnavailableException;
import software.amazon.awssdk.services.ivs.model.ThrottlingException;

/** {@link LiveVideo} on Amazon IVS (or any endpoint speaking its API, such as the local stack's). */
public class IvsLiveVideo implements LiveVideo {

    /** Every IVS resource of a session carries it; the template's IVS permissions are conditioned on it. */
    static final Map<String, String> SESSION_TAG = Map.of("liveshop", "session");

    private final IvsClient ivs;
    private final Optional<String> recordingConfigurationArn;

    public IvsLiveVideo(IvsClient ivs, Optional<String> recordingConfigurationArn) {
        this.ivs = ivs;
        this.recordingConfigurationArn = recordingConfigurationArn;
    }

    @Override
    public Channel createChannel(String name) {
        CreateChannelRequest.Builder request = CreateChannelRequest.builder()
                .name(name)
                .latencyMode(ChannelLatencyMode.LOW)
                .type(ChannelType.STANDARD)
                .tags(SESSION_TAG);
        recordingConfigurationArn.ifPresent(request::recordingConfigurationArn);
        CreateChannelResponse response = ivs.createChannel(request.build());
        if (response.streamKey() != null) {
            // The request's tags are the channel's; the stream key CreateChannel makes is tagged here, so the
            // role may read stream keys of sessions' channels only (GetStreamKey is conditioned on this tag).
            ivs.tagResource(r -> r.resourceArn(response.streamKey().arn()).tags(SESSION_TAG));
        }
        return new Channel(
                response.channel().arn(),
                response.channel().playbackUrl(),
                response.channel().ingestEndpoint(),
                response.streamKey() == null ? null : response.streamKey().value());
    }

    @Override
    public String streamKey(String channelArn) {
        try {
            StreamKeySummary summary = ivs.listStreamKeys(r -> r.channelArn(channelArn)).streamKeys().stream()
                    .findFirst()
                    .orElseThrow(() -> new ChannelNotFoundException("The channel has no stream key"));
            return ivs.getStreamKey(r -> r.arn(summary.arn())).streamKey().value();
        } catch (ResourceNotFoundException e) {
            throw new ChannelNotFoundException("No IVS channel " + channelArn);
        }
    }

    @Override
    public boolean stopStream(String channelArn) {
        try {
            ivs.stopStream(r -> r.channelArn(channelArn));
            return true;
        } catch (ChannelNotBroadcastingException | StreamUnavailableException e) {
            return false;
        } catch (ResourceNotFoundException e) {
            throw new ChannelNotFoundException("No IVS channel " + channelArn);
        }
    }

    @Override
    public void putMetadata(String channelArn, String metadata) {
        try {
            ivs.putMetadata(r -> r.channelArn(channelArn).metadata(metadata));
        } catch (ThrottlingException e) {
            throw new ThrottledException("IVS throttled PutMetadata on the channel");
        } catch (ChannelNotBroadcastingException e) {
            throw new NotBroadcastingException("The channel is not broadcasting");
        } catch (ResourceNotFoundException e) {
            throw new ChannelNotFoundException("No IVS channel " + channelArn);
        }
    }

    @Override
    public OptionalLong viewerCount(String channelArn) {
        try {
            return OptionalLong.of(
                    ivs.getStream(r -> r.channelArn(channelArn)).stream().viewerCount());
        } catch (ChannelNotBroadcastingException e) {
            return OptionalLong.empty();
        } catch (ThrottlingException e) {
            throw new ThrottledException("IVS throttled GetStream");
        } catch (ResourceNotFoundException e) {
            throw new ChannelNotFoundException("No IVS channel " + channelArn);
        }
    }
}
