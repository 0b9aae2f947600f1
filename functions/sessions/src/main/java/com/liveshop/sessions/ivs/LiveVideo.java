package com.liveshop.sessions.ivs;

import java.util.OptionalLong;

/**
 * The IVS calls the sessions functions make, behind our own interface so that services and handlers are tested with a
 * fake; {@link IvsLiveVideo} is the real one (the IVS SDK client).
 */
public interface LiveVideo {

    /** A new channel. {@code streamKey} is a secret: return it to the host, never store or log it. */
    record Channel(String arn, String playbackUrl, String ingestEndpoint, String streamKey) {
        @Override
        public String toString() {
            return "Channel[arn=" + arn + ", playbackUrl=" + playbackUrl + ", ingestEndpoint=" + ingestEndpoint + "]";
        }
    }

    /** IVS refused the call for its rate limit (PutMetadata: 5 requests/s per channel; GetStream: 5/s per account). */
    class ThrottledException extends RuntimeException {
        public ThrottledException(String message) {
            super(message);
        }
    }

    /** The channel has no live stream (IVS ChannelNotBroadcastingException). */
    class NotBroadcastingException extends RuntimeException {
        public NotBroadcastingException(String message) {
            super(message);
        }
    }

    /** The channel (or its stream key) does not exist. */
    class ChannelNotFoundException extends RuntimeException {
        public ChannelNotFoundException(String message) {
            super(message);
        }
    }

    /** Creates one low-latency channel named {@code name}, recording when configured. */
    Channel createChannel(String name);

    /** The channel's stream key value (ListStreamKeys + GetStreamKey). */
    String streamKey(String channelArn);

    /** Stops the live stream; false when the channel was not broadcasting. */
    boolean stopStream(String channelArn);

    /** Inserts timed metadata into the live stream. */
    void putMetadata(String channelArn, String metadata);

    /**
     * IVS's own viewer count of the channel's live stream (GetStream; IVS's figure trails by about 15 s), or empty when
     * the channel is not broadcasting. Throws {@link ThrottledException} when IVS refused the call for its rate limit
     * (GetStream: 5 requests/s per account) and {@link ChannelNotFoundException} for an unknown channel.
     */
    OptionalLong viewerCount(String channelArn);
}
