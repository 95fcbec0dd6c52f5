package dev.verdict.examples.pharmacy.app;

import dev.verdict.examples.pharmacy.PrescriptionCommand;
import dev.verdict.examples.pharmacy.PrescriptionCommand.ExpirePrescription;
import dev.verdict.examples.pharmacy.PrescriptionDecider;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCancelled;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionCompleted;
import dev.verdict.examples.pharmacy.PrescriptionEvent.PrescriptionOrdered;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionUnavailable;
import dev.verdict.projection.process.CommandSender;
import dev.verdict.projection.timers.TimerReactions;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventStoreUnavailable;
import dev.verdict.store.TimerRef;
import dev.verdict.store.Timers;
import java.util.List;
import java.util.OptionalLong;

/**
 * A prescription's expiry, on durable timers: {@link #scheduling} keeps one timer per prescription with an {@code
 * expiresAt} (scheduled when it is ordered, cancelled when it completes or is cancelled), and {@link #reactions} turns
 * the timer falling due into {@link ExpirePrescription} with the timer's due instant as the command's time. The
 * decider records {@code PrescriptionExpired} once (a second delivery changes nothing) and, from {@code expiresAt}
 * on, refuses dispensing and refills whether or not the timer has fired yet.
 *
 * <p>Both run on durable consumers with fail-over (the starter runs them), so an expiry is scheduled and recorded
 * across instance kills and restarts: re-applying an order after a crash schedules the same timer again (a
 * replacement with the same due instant), and re-delivering a firing sends the same command id.
 */
final class PrescriptionExpiry {
    /** The timers' owner and the reactions' name ({@code timers-prescription-expiry}). */
    static final String OWNER = "prescription-expiry";

    static final String TIMER = "expiry";

    private PrescriptionExpiry() {}

    /** The expiry timer of a prescription. */
    static TimerRef timer(String prescriptionId) {
        return TimerRef.of(OWNER, prescriptionId, TIMER);
    }

    /** The scheduling projection's name on an unsharded store; shard k's is {@code prescription-expiry-timers-<k>}. */
    static final String SCHEDULING = "prescription-expiry-timers";

    /**
     * Schedules and cancels the expiry timers from the prescription events, as the projection {@code name} (one per
     * shard of a sharded store; the timers are the store's, one stream for all shards).
     */
    static Projection<PrescriptionEvent> scheduling(Timers timers, String name) {
        return new Projection<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public OptionalLong checkpoint() {
                return OptionalLong.empty(); // the consumer's acks; re-applying an event is harmless
            }

            @Override
            public void apply(DeliveredEvent<PrescriptionEvent> delivered) {
                PrescriptionEvent event = delivered.event();
                try {
                    if (event instanceof PrescriptionOrdered o && o.expiry().isPresent()) {
                        timers.schedule(timer(o.prescriptionId()), o.expiry().get());
                    } else if (event instanceof PrescriptionCompleted || event instanceof PrescriptionCancelled) {
                        timers.cancel(timer(event.prescriptionId()));
                    }
                } catch (EventStoreUnavailable e) {
                    throw new ProjectionUnavailable("timers unreachable", e);
                }
            }

            @Override
            public void reset() {
                // the timers are the state; a rebuild schedules them again
            }
        };
    }

    /** Turns a fallen-due expiry timer into {@link ExpirePrescription} for its prescription. */
    static TimerReactions<PrescriptionCommand> reactions(CommandSender<PrescriptionCommand> prescriptions) {
        return TimerReactions.of(
                OWNER,
                fired -> List.of(TimerReactions.command(
                        EntityRef.of(PrescriptionDecider.TYPE.key(fired.ref().instance())),
                        new ExpirePrescription(fired.dueAt()))),
                prescriptions);
    }
}
