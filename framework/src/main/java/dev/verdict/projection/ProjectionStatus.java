package dev.verdict.projection;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of a running projection, cheap to read (no server round trip).
 *
 * <pre>{@code
 * ProjectionStatus s = runner.status();
 * log.info("{}: at {} ({} behind), caught up: {}", s.name(), s.position(), s.pendingEvents(), s.caughtUp());
 * }</pre>
 *
 * @param name the projection's name
 * @param state life-cycle state
 * @param position stream sequence of the last event applied, skipped as already applied, or dead-lettered (the lowest
 *     over the partitions)
 * @param pendingEvents matching events after {@code position} still to process, as the server reported with the last
 *     message (the lag in events); {@code -1} before the first report
 * @param caughtUp whether the projection had processed every matching event when it last checked
 * @param applied events applied since the runner started
 * @param skipped redelivered events skipped because the checkpoint already covered them
 * @param deadLettered events given up on since the runner started
 * @param failure why the runner failed, when {@code state} is {@link RunnerState#FAILED}
 * @param active whether this instance is the one processing the projection (or at least one of its partitions) now;
 *     with several instances, the others wait as standbys
 * @param partitions each partition as this instance sees it (one entry, {@link Partition#WHOLE}, when unpartitioned)
 */
public record ProjectionStatus(
        String name,
        RunnerState state,
        long position,
        long pendingEvents,
        boolean caughtUp,
        long applied,
        long skipped,
        long deadLettered,
        Optional<String> failure,
        boolean active,
        List<PartitionStatus> partitions) {
    public ProjectionStatus {
        partitions = List.copyOf(partitions);
    }
}
