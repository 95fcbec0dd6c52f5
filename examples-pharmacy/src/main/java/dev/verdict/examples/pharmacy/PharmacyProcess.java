package dev.verdict.examples.pharmacy;

import dev.verdict.decider.ProcessManager;
import dev.verdict.decider.TimerDue;
import dev.verdict.decider.TimerRequest;
import dev.verdict.examples.pharmacy.InventoryCommand.RequestReorder;
import dev.verdict.examples.pharmacy.InventoryEvent.ReorderRequested;
import dev.verdict.examples.pharmacy.InventoryEvent.StockDeducted;
import dev.verdict.examples.pharmacy.InventoryEvent.StockReceived;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Reorders stock: when a dispense takes a drug's stock from at or above the threshold to below it, the process asks
 * for a reorder ({@link RequestReorder}) – something that may well happen a moment later, so it runs asynchronously on
 * the inventory's events. Dispensing itself does not go through this process: a dispense deducts its stock in the
 * same atomic append as the prescription's fill ({@link Dispensing}).
 *
 * <p>It follows a reorder up: when no stock is received within {@link #followUpAfter()} of a {@code ReorderRequested},
 * a durable timer of the drug's instance ({@value #FOLLOW_UP}) fires and the process requests again – once: the
 * request that the follow-up caused schedules no further timer. Stock received cancels the timer and ends the
 * instance.
 *
 * <p>The command's timestamp is the triggering event's (or the timer's due instant), so the reaction to an input is
 * always the same command: together with command ids derived from the triggering event or firing (the host's job), a
 * redelivered input never asks twice. One instance per drug ({@link #instancesOf}): the host reads and writes only the
 * drug's entry for an event, and the process may run partitioned like the inventory's views (a drug's events are one
 * entity's). An instance exists only while a reorder awaits its stock ({@link #ended}).
 *
 * <pre>{@code
 * PharmacyProcess reorders = new PharmacyProcess(10, 100, Duration.ofHours(24)); // below 10: reorder 100, follow up
 * reorders.react(ReorderState.IDLE, new StockDeducted("aspirin", "rx-1", 3, 8, now));
 * // [RequestReorder[drug=aspirin, threshold=10, quantity=100, ...]]
 * reorders.timers(ReorderState.IDLE, new ReorderRequested("aspirin", 100, 8, now));
 * // [After[name=follow-up, delay=PT24H]]
 * }</pre>
 */
public final class PharmacyProcess
        implements ProcessManager<InventoryEvent, PharmacyProcess.ReorderState, InventoryCommand> {

    /** Units on hand below which a reorder is requested, unless configured. */
    public static final int DEFAULT_THRESHOLD = 10;

    /** Units a reorder asks for, unless configured. */
    public static final int DEFAULT_QUANTITY = 100;

    /** How long a reorder waits for stock before it is requested again, unless configured. */
    public static final Duration DEFAULT_FOLLOW_UP_AFTER = Duration.ofHours(24);

    /** The name of a drug's follow-up timer. */
    public static final String FOLLOW_UP = "follow-up";

    /**
     * The state of the previous release, which kept none: its stored entries ({@code "INSTANCE"}) are read as {@link
     * ReorderState#IDLE} by {@code PharmacyProcessStateCodec}.
     *
     * @deprecated the process keeps a {@link ReorderState} per drug now
     */
    @Deprecated
    public enum Stateless {
        INSTANCE
    }

    /**
     * A drug's reorder in progress.
     *
     * @param awaiting a reorder was requested and no stock was received since
     * @param followedUp the reorder was requested again by the follow-up timer
     */
    public record ReorderState(boolean awaiting, boolean followedUp) {
        /** No reorder awaits stock: the instance has ended (or not begun). */
        public static final ReorderState IDLE = new ReorderState(false, false);
    }

    private final int threshold;
    private final int quantity;
    private final Duration followUpAfter;

    /** Reorders {@value #DEFAULT_QUANTITY} units below {@value #DEFAULT_THRESHOLD} on hand, follows up after a day. */
    public PharmacyProcess() {
        this(DEFAULT_THRESHOLD, DEFAULT_QUANTITY, DEFAULT_FOLLOW_UP_AFTER);
    }

    /** Reorders {@code quantity} units when the stock falls below {@code threshold}, follows up after a day. */
    public PharmacyProcess(int threshold, int quantity) {
        this(threshold, quantity, DEFAULT_FOLLOW_UP_AFTER);
    }

    /**
     * Reorders {@code quantity} units when the stock falls below {@code threshold}, and requests again once when no
     * stock is received within {@code followUpAfter} of the request.
     *
     * @throws IllegalArgumentException when the threshold or quantity is below 1 or the follow-up is not positive
     */
    public PharmacyProcess(int threshold, int quantity, Duration followUpAfter) {
        if (threshold < 1 || quantity < 1) {
            throw new IllegalArgumentException(
                    "threshold and quantity must be at least 1, were " + threshold + " and " + quantity);
        }
        if (Objects.requireNonNull(followUpAfter, "followUpAfter").isNegative() || followUpAfter.isZero()) {
            throw new IllegalArgumentException("followUpAfter must be positive, was " + followUpAfter);
        }
        this.threshold = threshold;
        this.quantity = quantity;
        this.followUpAfter = followUpAfter;
    }

    /** How long a reorder waits for stock before the process requests it again. */
    public Duration followUpAfter() {
        return followUpAfter;
    }

    @Override
    public ReorderState initialState() {
        return ReorderState.IDLE;
    }

    @Override
    public ReorderState evolve(ReorderState state, InventoryEvent event) {
        if (event instanceof ReorderRequested) {
            return new ReorderState(true, state.followedUp());
        }
        if (event instanceof StockReceived) {
            return ReorderState.IDLE;
        }
        return state;
    }

    /** One instance per drug: the stock entity the event belongs to. */
    @Override
    public List<String> instancesOf(InventoryEvent event) {
        return List.of(event.drug());
    }

    /** An instance lives while a reorder awaits stock. */
    @Override
    public boolean ended(ReorderState state) {
        return !state.awaiting();
    }

    @Override
    public List<InventoryCommand> react(ReorderState state, InventoryEvent event) {
        if (event instanceof StockDeducted d
                && d.remaining() < threshold
                && (long) d.remaining() + d.quantity() >= threshold) {
            return List.of(new RequestReorder(d.drug(), threshold, quantity, d.occurredAt()));
        }
        return List.of();
    }

    /** A first reorder request starts the follow-up timer; stock received cancels it. */
    @Override
    public List<TimerRequest> timers(ReorderState state, InventoryEvent event) {
        if (event instanceof ReorderRequested && !state.followedUp()) {
            return List.of(TimerRequest.after(FOLLOW_UP, followUpAfter));
        }
        if (event instanceof StockReceived && state.awaiting()) {
            return List.of(TimerRequest.cancel(FOLLOW_UP));
        }
        return List.of();
    }

    /** No stock within the follow-up time: request again, once. */
    @Override
    public List<InventoryCommand> onTimer(ReorderState state, TimerDue due) {
        if (due.name().equals(FOLLOW_UP) && state.awaiting() && !state.followedUp()) {
            return List.of(new RequestReorder(due.instance(), threshold, quantity, due.dueAt()));
        }
        return List.of();
    }

    @Override
    public ReorderState evolveOnTimer(ReorderState state, TimerDue due) {
        return due.name().equals(FOLLOW_UP) ? new ReorderState(state.awaiting(), true) : state;
    }
}
