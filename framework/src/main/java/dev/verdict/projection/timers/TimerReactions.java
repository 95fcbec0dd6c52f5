package dev.verdict.projection.timers;

import dev.verdict.decider.DomainRejection;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionUnavailable;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.runtime.ConflictRetriesExhausted;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.EventSubject;
import dev.verdict.store.StoreName;
import dev.verdict.store.TimerFired;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the fired timers of one owner into commands: the projection a durable {@link
 * dev.verdict.projection.ProjectionRunner} runs over the owner's fired-timer subjects ({@link #filter}), so a timer
 * that falls due reaches its owner through the same machinery as events – one active runner among the service's
 * instances, fail-over, retries, dead letters – and nothing polls.
 *
 * <p>Guarantees: the {@code i}-th command of a firing carries the command id {@link TimerFired#commandId(int)},
 * caused by the fired event's id. A redelivery (a runner killed before it acknowledged, a take-over, a server restart)
 * sends the same commands with the same ids, so an idempotent {@link CommandSender} – the runtime's, which dedupes by
 * command id – stores their effect once. A store outage ({@link EventStoreUnavailable}, {@link
 * ConflictRetriesExhausted}) is retried until the target answers, never dead-lettered; a {@link DomainRejection} is
 * the target's answer and counts as sent. It keeps no checkpoint: the durable consumer's acknowledgements are the
 * position.
 *
 * <pre>{@code
 * TimerReactions<PrescriptionCommand> expiry = TimerReactions.of(
 *         "prescription-expiry",
 *         fired -> List.of(TimerReactions.command(
 *                 EntityRef.of("prescription", fired.ref().instance()), new ExpirePrescription(fired.dueAt()))),
 *         CommandSender.via(prescriptions));
 * NatsProjections.runner(connection, TimerReactions.filter(store, "prescription-expiry"),
 *                 TimerFiredCodec.INSTANCE, expiry)
 *         .failover()
 *         .build()
 *         .start();
 * }</pre>
 *
 * @param <C> the commands it sends
 */
public final class TimerReactions<C> implements Projection<TimerFired> {
    private static final Logger LOG = LoggerFactory.getLogger(TimerReactions.class);

    private final String owner;
    private final Reaction<C> reaction;
    private final CommandSender<C> sender;

    /** What an owner does when one of its timers falls due: the commands to send, possibly none. Must be pure. */
    @FunctionalInterface
    public interface Reaction<C> {
        List<TimerCommand<C>> react(TimerFired fired);
    }

    /**
     * A command for an entity.
     *
     * @param target the entity
     * @param command the command
     * @param <C> the commands
     */
    public record TimerCommand<C>(EntityRef target, C command) {
        public TimerCommand {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(command, "command");
        }
    }

    private TimerReactions(String owner, Reaction<C> reaction, CommandSender<C> sender) {
        this.owner = EventSubject.timerFiredCategory(owner).value().substring("fired.".length()); // validates
        this.reaction = Objects.requireNonNull(reaction, "reaction");
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    /**
     * The reactions of an owner; its name (and the runner's consumer) is {@code timers-<owner>}.
     *
     * @param owner the timers' owner ({@link dev.verdict.store.TimerRef#owner()})
     */
    public static <C> TimerReactions<C> of(String owner, Reaction<C> reaction, CommandSender<C> sender) {
        return new TimerReactions<>(owner, reaction, sender);
    }

    /** A command for an entity, for {@link Reaction}s. */
    public static <C> TimerCommand<C> command(EntityRef target, C command) {
        return new TimerCommand<>(target, command);
    }

    /** The subjects an owner's timers fire onto, in the timer store of {@code store}: the runner's filter. */
    public static SubjectFilter filter(StoreName store, String owner) {
        return SubjectFilter.category(EventSubject.timerStore(store), EventSubject.timerFiredCategory(owner));
    }

    @Override
    public String name() {
        return "timers-" + owner;
    }

    @Override
    public OptionalLong checkpoint() {
        return OptionalLong.empty();
    }

    @Override
    public void apply(DeliveredEvent<TimerFired> delivered) {
        TimerFired fired = delivered.event();
        if (!fired.ref().owner().equals(owner)) {
            throw new IllegalArgumentException("timer " + fired.ref() + " is not owned by '" + owner + "'");
        }
        List<TimerCommand<C>> commands = reaction.react(fired);
        for (int i = 0; i < commands.size(); i++) {
            TimerCommand<C> c = commands.get(i);
            CommandContext context = new CommandContext(
                    fired.commandId(i),
                    delivered.recorded().correlationId(),
                    Optional.of(delivered.recorded().eventId()),
                    java.util.Map.of());
            try {
                sender.send(c.target(), c.command(), context);
            } catch (DomainRejection rejection) {
                LOG.info("timer {}: {} rejected {}: {}", fired.ref(), c.target(), c.command(), rejection.getMessage());
            } catch (EventStoreUnavailable | ConflictRetriesExhausted e) {
                throw new ProjectionUnavailable("timer " + fired.ref() + ": cannot send to " + c.target(), e);
            }
        }
    }

    @Override
    public void reset() {
        // no data: the commands it sent are the targets' events
    }
}
