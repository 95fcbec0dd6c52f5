package dev.verdict.projection;

/**
 * How far a projection is behind its stream, measured with one server round trip by {@link ProjectionRunner#lag()}.
 *
 * <pre>{@code
 * ProjectionLag lag = runner.lag();
 * metrics.gauge("projection.lag.events", lag.pendingEvents());
 * }</pre>
 *
 * @param streamLastSequence the last sequence of the whole stream
 * @param position the last sequence the projection processed
 * @param pendingEvents matching events still to process (only the projection's filter counts)
 */
public record ProjectionLag(long streamLastSequence, long position, long pendingEvents) {

    /** The distance in stream sequences, counting events outside the filter too. */
    public long sequenceGap() {
        return Math.max(0, streamLastSequence - position);
    }
}
