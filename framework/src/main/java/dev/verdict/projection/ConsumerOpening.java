package dev.verdict.projection;

import dev.verdict.store.EventFeed;
import dev.verdict.store.FeedFailure;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a partition worker starts reading: opening its consumer after the projection's checkpoint (patiently, while the
 * server or the projection's storage cannot answer) and starting a session – reading the checkpoint again whenever
 * this instance becomes, or may have become, the active one, and noticing a stream replaced since the consumer was
 * opened. Used by the worker's thread only.
 */
final class ConsumerOpening {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);

    /** The deliveries held belong to a stream that was deleted and created again since the consumer was opened. */
    static final class StreamReplaced extends RuntimeException {
        StreamReplaced(String message) {
            super(message, null, false, false);
        }
    }

    /** The identity of the stream the consumer was opened on. */
    private String openedIdentity;

    private final RunnerSettings<?> s;
    private final Partition partition;
    private final EventFeed feed;
    private final PartitionProgress progress;
    private final DeliverySession session;
    private final ConsumerWatch watch;
    private final DeadLetterBook deadLetters;
    private final StopSignal stop;

    ConsumerOpening(
            RunnerSettings<?> settings,
            Partition partition,
            EventFeed feed,
            PartitionProgress progress,
            DeliverySession session,
            ConsumerWatch watch,
            DeadLetterBook deadLetters,
            StopSignal stop) {
        this.s = settings;
        this.partition = partition;
        this.feed = feed;
        this.progress = progress;
        this.session = session;
        this.watch = watch;
        this.deadLetters = deadLetters;
        this.stop = stop;
    }

    /**
     * Opens the consumer, retrying while the server or the projection's storage cannot answer (a restart, a cluster
     * electing new leaders): a projection outlives outages by itself. Only a missing stream ends the worker. Returns
     * false when stopped.
     */
    boolean openPatiently() throws InterruptedException {
        Pauses pauses = new Pauses();
        while (!stop.requested()) {
            try {
                openedIdentity = StreamIdentityCheck.check(s, progress);
                OptionalLong checkpoint = s.projection().checkpoint(partition);
                if (checkpoint.isPresent()) {
                    progress.resumeAt(checkpoint.getAsLong());
                }
                feed.open(progress.position);
                if (checkpoint.isEmpty()
                        && feed.acknowledged()
                        && (progress.position == 0 || feed.replacedSinceLastOpen())) {
                    // the consumer's acknowledgements are the only position we have – also when the consumer was
                    // replaced (a rebuild on another instance): the position remembered here belongs to the old one
                    progress.position = feed.state().ackFloor();
                }
                session.reset();
                watch.opened();
                progress.waiting = Optional.empty();
                return true;
            } catch (FeedFailure | ProjectionUnavailable | IllegalStateException e) {
                // a missing stream too: it may be being created again – the identity check then starts the
                // projection over on the new stream
                String what = e instanceof FeedFailure f && f.kind() == FeedFailure.Kind.STREAM_MISSING
                        ? "cannot open its consumer: stream '" + s.filter().stream() + "' does not exist"
                        : "cannot open its consumer";
                if (s.feeds().closedForGood()) {
                    throw new ProjectionFailure("projection '" + s.name() + "': its NATS connection was closed", e);
                }
                feed.close();
                if (!pauses.after(what, e)) {
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * Starts a session: this runner became (or may have become) the active one, so the checkpoint is read again – it may
     * have moved under another instance or a rebuild. Returns false when stopped while the storage was unreachable.
     */
    boolean beginSession() throws InterruptedException {
        progress.sessions++;
        Pauses pauses = new Pauses();
        while (true) {
            try {
                OptionalLong checkpoint = s.projection().checkpoint(partition);
                if (StreamIdentityCheck.replacedSince(s, openedIdentity)) {
                    throw new StreamReplaced("the stream was deleted and created again since this consumer was opened"
                            + " (another instance reset the projection)");
                }
                if (checkpoint.isPresent()) {
                    progress.resumeAt(checkpoint.getAsLong());
                }
                break;
            } catch (RuntimeException e) {
                if (!(e instanceof ProjectionUnavailable) && !(e instanceof ProjectionFailure)) {
                    throw e;
                }
                if (!pauses.after("cannot read its checkpoint", e)) {
                    return false;
                }
            }
        }
        session.open = true;
        progress.waiting = Optional.empty();
        deadLetters.load();
        return true;
    }

    /** Doubling pauses between the retries of one step, 100 ms up to 5 s, each logged; cut short by {@code stop()}. */
    private final class Pauses {
        private long millis = 100;

        /** Logs why the step is retried, then waits; false when the worker was stopped meanwhile. */
        boolean after(String what, Exception failure) throws InterruptedException {
            LOG.warn("projection '{}'{}: {} ({}); retrying in {} ms", s.name(), suffix(), what, failure, millis);
            progress.waiting = Optional.of(what + ": " + failure);
            if (stop.await(millis)) {
                return false;
            }
            millis = Math.min(millis * 2, 5_000);
            return true;
        }
    }

    private String suffix() {
        return PartitionWorker.suffix(partition);
    }
}
