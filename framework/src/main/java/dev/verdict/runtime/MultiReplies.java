package dev.verdict.runtime;

import dev.verdict.store.AppendAcrossResult;
import dev.verdict.store.Category;
import dev.verdict.store.CommandContext;
import dev.verdict.store.CommandRecord;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers of a decision over several entities to a command decided before – remembered by the command index, by
 * an entity's memory of its last commands, or recognised by the store – and the one index record of an appended
 * decision. Each reads the original events back (blocking: run on the decision's blocking executor).
 */
final class MultiReplies<S, E> {
    private static final Logger LOG = LoggerFactory.getLogger(MultiReplies.class);

    private final Category name;
    private final ReadEntities reads;
    private final DecisionSteps steps;
    private final Function<List<ReadEntity>, S> state;

    MultiReplies(Category name, ReadEntities reads, DecisionSteps steps, Function<List<ReadEntity>, S> state) {
        this.name = name;
        this.reads = reads;
        this.steps = steps;
        this.state = state;
    }

    /**
     * One record for the whole decision: the entity of its first event and the span of stream sequences its batch
     * occupies (a batch is stored on contiguous sequences), so every entity's events of the command are found in it.
     */
    void recordAppended(List<ReadEntity> parts, List<AppendedEvent<E>> stored, CommandContext context) {
        if (steps.dependencies().commandIndex().isEmpty() || stored.isEmpty()) {
            return;
        }
        long first = Long.MAX_VALUE;
        long last = 0;
        for (AppendedEvent<E> e : stored) {
            first = Math.min(first, e.sequence());
            last = Math.max(last, e.sequence());
        }
        EntityRef firstRef = stored.get(0).entity();
        ReadEntity written =
                parts.stream().filter(p -> p.ref.equals(firstRef)).findFirst().orElseThrow();
        steps.record(new CommandRecord.Appended(
                context.commandId(), written.ref, written.known.streamIdentity(), first, last));
    }

    /**
     * A command the index remembers: answered with its original outcome, never decided again (today's state could give
     * another answer, and deciding again could store its events twice once the server's duplicate window is over).
     */
    Outcome<S, E> original(List<ReadEntity> parts, CommandRecord earlier, CommandContext context) {
        Optional<ReadEntity> same =
                parts.stream().filter(p -> p.ref.equals(earlier.entity())).findFirst();
        if (same.isEmpty()) {
            throw new CommandIdReused(context.commandId(), parts.get(0).ref, earlier.entity());
        }
        reads.confirm(parts);
        LOG.debug("{}: command {} was decided before: {}", name, context.commandId(), earlier);
        if (earlier instanceof CommandRecord.Appended appended) {
            List<AppendedEvent<E>> original = new ArrayList<>();
            for (ReadEntity part : parts) {
                reads.commandEvents(
                        part,
                        ReadRange.after(appended.firstSequence() - 1).upToSequence(appended.lastSequence()),
                        context,
                        original);
            }
            return duplicateOutcome(parts, context, original);
        }
        if (earlier instanceof CommandRecord.Rejected rejected) {
            return new Outcome.Rejected<>(
                    DecisionSteps.rejectionOf(rejected), MultiDecisionPipeline.versions(parts), state.apply(parts));
        }
        return new Outcome.Unchanged<>(MultiDecisionPipeline.versions(parts), state.apply(parts));
    }

    /** A re-sent command the runtime's memory knows: its original events, read back from each entity. */
    Outcome<S, E> resent(List<ReadEntity> parts, CommandContext context) {
        List<AppendedEvent<E>> original = new ArrayList<>();
        for (ReadEntity part : parts) {
            Optional<KnownState.CommandSpan> span = part.known.recent(context.commandId());
            if (span.isPresent()) {
                reads.commandEvents(
                        part,
                        ReadRange.after(span.get().firstSequence() - 1)
                                .upToSequence(span.get().lastSequence()),
                        context,
                        original);
            }
        }
        return duplicateOutcome(parts, context, original);
    }

    /** The store recognised the command id: read its original events back at the sequences it reported. */
    Outcome<S, E> readBack(List<ReadEntity> parts, CommandContext context, AppendAcrossResult result) {
        List<AppendedEvent<E>> original = new ArrayList<>();
        for (ReadEntity part : parts) {
            long first = Long.MAX_VALUE;
            long last = 0;
            for (int i = 0; i < result.events().size(); i++) {
                if (result.events().get(i).entity().equals(part.ref)) {
                    first = Math.min(first, result.sequences().get(i));
                    last = Math.max(last, result.sequences().get(i));
                }
            }
            if (last > 0) {
                reads.commandEvents(part, ReadRange.after(first - 1).upToSequence(last), context, original);
            }
        }
        return duplicateOutcome(parts, context, original);
    }

    private Outcome<S, E> duplicateOutcome(
            List<ReadEntity> parts, CommandContext context, List<AppendedEvent<E>> original) {
        if (original.isEmpty()) {
            throw new IllegalStateException("command '" + context.commandId() + "' over "
                    + MultiDecisionPipeline.refs(parts) + " was stored before, but none of its events could be read"
                    + " back");
        }
        original.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        LOG.debug("{}: command {} was already appended", name, context.commandId());
        // (re)written: repairs the index when the process that appended died before it recorded the command
        recordAppended(parts, original, context);
        return new Outcome.Accepted<>(original, MultiDecisionPipeline.versions(parts), state.apply(parts), true);
    }
}
