package dev.verdict.examples.pharmacy;

import dev.verdict.decider.ProcessManager;
import dev.verdict.examples.pharmacy.InventoryCommand.RequestReorder;
import dev.verdict.examples.pharmacy.InventoryEvent.StockDeducted;
import java.util.List;

/**
 * Reorders stock: when a dispense takes a drug's stock from at or above the threshold to below it, the process asks
 * for a reorder ({@link RequestReorder}) – something that may well happen a moment later, so it runs asynchronously on
 * the inventory's events. Dispensing itself does not go through this process: a dispense deducts its stock in the
 * same atomic append as the prescription's fill ({@link Dispensing}).
 *
 * <p>The command's timestamp is the triggering event's, so the reaction to an event is always the same command:
 * together with command ids derived from the triggering event (the host's job), a redelivered event never asks twice.
 * Stateless: every {@code StockDeducted} carries the stock that remains, which tells whether it crossed the threshold.
 * One instance per drug ({@link #instancesOf}): the host reads and writes only the drug's entry for an event, and the
 * process may run partitioned like the inventory's views (a drug's events are one entity's).
 *
 * <pre>{@code
 * PharmacyProcess reorders = new PharmacyProcess(10, 100);   // below 10 on hand: reorder 100
 * reorders.react(PharmacyProcess.Stateless.INSTANCE, new StockDeducted("aspirin", "rx-1", 3, 8, now));
 * // [RequestReorder[drug=aspirin, threshold=10, quantity=100, ...]]
 * }</pre>
 */
public final class PharmacyProcess
        implements ProcessManager<InventoryEvent, PharmacyProcess.Stateless, InventoryCommand> {

    /** Units on hand below which a reorder is requested, unless configured. */
    public static final int DEFAULT_THRESHOLD = 10;

    /** Units a reorder asks for, unless configured. */
    public static final int DEFAULT_QUANTITY = 100;

    /** The process keeps no state of its own. */
    public enum Stateless {
        INSTANCE
    }

    private final int threshold;
    private final int quantity;

    /** Reorders {@value #DEFAULT_QUANTITY} units below {@value #DEFAULT_THRESHOLD} on hand. */
    public PharmacyProcess() {
        this(DEFAULT_THRESHOLD, DEFAULT_QUANTITY);
    }

    /** Reorders {@code quantity} units when the stock falls below {@code threshold}. */
    public PharmacyProcess(int threshold, int quantity) {
        if (threshold < 1 || quantity < 1) {
            throw new IllegalArgumentException(
                    "threshold and quantity must be at least 1, were " + threshold + " and " + quantity);
        }
        this.threshold = threshold;
        this.quantity = quantity;
    }

    @Override
    public Stateless initialState() {
        return Stateless.INSTANCE;
    }

    @Override
    public Stateless evolve(Stateless state, InventoryEvent event) {
        return state;
    }

    /** One instance per drug: the stock entity the event belongs to. */
    @Override
    public List<String> instancesOf(InventoryEvent event) {
        return List.of(event.drug());
    }

    @Override
    public List<InventoryCommand> react(Stateless state, InventoryEvent event) {
        if (event instanceof StockDeducted d
                && d.remaining() < threshold
                && (long) d.remaining() + d.quantity() >= threshold) {
            return List.of(new RequestReorder(d.drug(), threshold, quantity, d.occurredAt()));
        }
        return List.of();
    }
}
