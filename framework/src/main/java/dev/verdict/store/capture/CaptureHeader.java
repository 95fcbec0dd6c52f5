package dev.verdict.store.capture;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The first line of a capture file: what was captured, from where and by which Verdict.
 *
 * @param format the capture format's version ({@value HistoryCapture#FORMAT})
 * @param stream the captured stream's name (the store name)
 * @param streamIdentity the stream's identity as Verdict defines it: its creation time (RFC 3339, UTC) as the server
 *     reports it
 * @param capturedAt when the capture was taken
 * @param verdictVersion the version of Verdict that took the capture (and, usually, wrote the history)
 * @param streamConfigs the server's configuration (its JSON, as {@code STREAM.INFO} returns it) of every stream the
 *     capture holds messages or entries of, by stream name: the event stream and the buckets' {@code KV_<bucket>}
 *     streams, so that a replay creates them as the writer did
 */
public record CaptureHeader(
        int format,
        String stream,
        String streamIdentity,
        Instant capturedAt,
        String verdictVersion,
        Map<String, String> streamConfigs) {

    public CaptureHeader {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(streamIdentity, "streamIdentity");
        Objects.requireNonNull(capturedAt, "capturedAt");
        Objects.requireNonNull(verdictVersion, "verdictVersion");
        streamConfigs = Map.copyOf(streamConfigs);
    }
}
