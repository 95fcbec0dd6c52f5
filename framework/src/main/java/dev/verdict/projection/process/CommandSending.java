package dev.verdict.projection.process;

import dev.verdict.decider.DomainRejection;
import dev.verdict.projection.ProjectionUnavailable;
import dev.verdict.runtime.ConflictRetriesExhausted;
import dev.verdict.store.CommandContext;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends a reaction's commands with ids derived from the triggering event; classifies what the sender throws. */
final class CommandSending<C> {
    private static final Logger LOG = LoggerFactory.getLogger(CommandSending.class);

    private final String name;
    private final CommandRouter<C> router;
    private final CommandSender<C> sender;

    CommandSending(String name, CommandRouter<C> router, CommandSender<C> sender) {
        this.name = name;
        this.router = router;
        this.sender = sender;
    }

    /** The context of the command at {@code index} of the reaction to the event: ids derived from the event id. */
    CommandContext contextFor(RecordedEvent trigger, int index) {
        return contextFor(trigger, Optional.empty(), index);
    }

    /**
     * The context of the command at {@code index} of the reaction to one stored message: {@code <process>-<eventId>-<i>},
     * or {@code <process>-<eventId>-<instance>-<i>} when the message concerns several instances (so their reactions
     * never share an id), in a SHA-256 form when too long or not plain ASCII.
     */
    CommandContext contextFor(RecordedEvent trigger, Optional<String> instance, int index) {
        String id =
                name + "-" + trigger.eventId() + instance.map(key -> "-" + key).orElse("") + "-" + index;
        if (id.length() > CommandContext.MAX_ID_LENGTH || !id.matches("[\\x21-\\x7E]+")) {
            id = name.substring(0, Math.min(name.length(), 64)) + "-" + sha256(id);
        }
        return new CommandContext(id, trigger.correlationId(), Optional.of(trigger.eventId()), Map.of());
    }

    /**
     * Sends the commands from index {@code from} on, in order, the command at index {@code i} with {@code
     * contextOf.apply(i)}; {@code trigger} names the input in logs; {@code beforeEach} runs before each one (it may throw
     * to stop), {@code sent} receives the number of commands sent (answered) so far after each one.
     */
    void send(
            List<C> commands,
            IntFunction<CommandContext> contextOf,
            int from,
            String trigger,
            Runnable beforeEach,
            IntConsumer sent) {
        for (int i = from; i < commands.size(); i++) {
            C command = commands.get(i);
            EntityRef target = router.target(command);
            CommandContext context = contextOf.apply(i);
            beforeEach.run();
            try {
                sender.send(target, command, context);
            } catch (DomainRejection rejection) {
                LOG.warn(
                        "process '{}': {} refused command {} ({}) in reaction to {}: {} ({})",
                        name,
                        target,
                        context.commandId(),
                        command,
                        trigger,
                        rejection.code(),
                        rejection.getMessage());
            } catch (ProjectionUnavailable e) {
                throw e;
            } catch (RuntimeException e) {
                if (isOutage(e)) {
                    throw new ProjectionUnavailable(
                            "process '" + name + "': command " + context.commandId() + " to " + target
                                    + " could not be stored now (" + e + "); the event will be retried with the same"
                                    + " command ids",
                            e);
                }
                throw e;
            }
            sent.accept(i + 1);
        }
    }

    /** An outage of the target store, or conflicts that outlasted the runtime's retries: not the event's fault. */
    private static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EventStoreUnavailable
                    || t instanceof ConflictRetriesExhausted
                    || t instanceof ProjectionUnavailable) {
                return true;
            }
        }
        return false;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
