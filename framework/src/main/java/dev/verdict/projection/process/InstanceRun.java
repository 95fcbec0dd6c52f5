package dev.verdict.projection.process;

import dev.verdict.decider.TimerRequest;
import dev.verdict.projection.process.ProcessEntries.Instance;
import dev.verdict.projection.process.ProcessEntries.Position;
import dev.verdict.store.CommandContext;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/**
 * The one path of an input of a process instance – an event or a fired timer – once the instance was read: send the
 * step's commands (confirming the entries before each when the read is old), apply its timer requests, write the
 * instance's next state by compare-and-set. It remembers how far a reaction got whose write failed, so a retry on
 * unchanged entries only writes. Not thread-safe: its callers hold the host's lock.
 *
 * @param <S> the state of one instance
 * @param <C> the commands the process issues
 */
final class InstanceRun<S, C> {
    /** Applications of one input on freshly read entries before the caller hands the retry to the runner. */
    static final int CAS_ATTEMPTS = 5;

    private final ProcessEntries<S> entries;
    private final CommandSending<C> sending;
    private final InstanceTimers timers;
    private final long confirmAfterNanos;

    /** A reaction this instance sent whose state write failed: retried without sending while nothing moved. */
    private Pending pending;

    /** What an input does to one instance's state: the commands, the next state, the timers asked for. */
    record Step<S, C>(List<C> commands, S next, List<TimerRequest> timers) {}

    /**
     * How far this instance got with the reaction to an input on entries at the given revisions: an event's sequence,
     * or minus a fired timer's sequence in the timer stream.
     */
    private record Pending(long sequence, String instance, long instanceRevision, long positionRevision, int sent) {
        Pending withSent(int count) {
            return new Pending(sequence, instance, instanceRevision, positionRevision, count);
        }
    }

    /** Entries moved while a reaction was being sent: decide the input again on what is stored. */
    static final class Moved extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Moved() {
            super("moved", null, false, false);
        }
    }

    InstanceRun(ProcessEntries<S> entries, CommandSending<C> sending, InstanceTimers timers, long confirmAfterNanos) {
        this.entries = entries;
        this.sending = sending;
        this.timers = timers;
        this.confirmAfterNanos = confirmAfterNanos;
    }

    /** Forgets a pending reaction (the process starts over). */
    void forget() {
        pending = null;
    }

    /**
     * Runs the input of an instance read at {@code readAt}: sends the step's commands (from the first one not sent yet
     * when this is a retry on unchanged entries, confirming the entries before each when the read is old), applies its
     * timer requests, then writes the instance's next state by compare-and-set. The timers are applied before the
     * write, so a crash in between loses none: the input is applied again and asks for the same timers (same names,
     * same due instants), which replaces them unchanged.
     *
     * @param pendingSequence identifies the input for a retry without sending again
     * @param written the sequence to store with the state
     * @return the revision written; empty when another writer came first
     * @throws Moved when the entries moved before a command was sent: read again and decide again
     */
    OptionalLong run(
            String key,
            String part,
            Position position,
            Instance<S> instance,
            long readAt,
            Step<S, C> step,
            long pendingSequence,
            IntFunction<CommandContext> contextOf,
            Instant inputTime,
            long written) {
        Pending owed = pending;
        Pending base = new Pending(pendingSequence, key, instance.revision(), position.revision(), 0);
        // commands this instance sent already while nothing moved since (a retry after a failed write or send)
        int from = owed != null && owed.withSent(0).equals(base) ? owed.sent() : 0;
        pending = base.withSent(from);
        long[] confirmedAt = {readAt};
        Runnable confirming = () -> confirmedAt[0] = confirm(key, part, position, instance, confirmedAt[0]);
        sending.send(
                step.commands(),
                contextOf,
                from,
                pendingSequence >= 0 ? "sequence " + pendingSequence : "timer at sequence " + -pendingSequence,
                confirming,
                sent -> pending = pending.withSent(sent));
        if (!step.timers().isEmpty()) {
            confirming.run();
            timers.apply(key, step.timers(), inputTime);
        }
        OptionalLong revision =
                entries.writeInstance(key, step.next(), written, position.checkpoint(), part, instance.revision());
        pending = null;
        return revision;
    }

    /**
     * Before a command is sent: when the entries were read more than {@code confirmAfter} ago, reads them again; if
     * the checkpoint or the instance moved, nothing more is sent ({@link Moved}).
     *
     * @return the instant (nanos) the entries were last known current
     */
    private long confirm(String key, String part, Position position, Instance<S> instance, long confirmedAt) {
        if (System.nanoTime() - confirmedAt <= confirmAfterNanos) {
            return confirmedAt;
        }
        long now = System.nanoTime();
        if (entries.position(part).revision() != position.revision()
                || entries.instance(key, position.checkpoint(), part).revision() != instance.revision()) {
            throw new Moved();
        }
        return now;
    }
}
