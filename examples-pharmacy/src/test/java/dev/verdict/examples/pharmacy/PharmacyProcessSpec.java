package dev.verdict.examples.pharmacy;

import dev.verdict.examples.pharmacy.InventoryCommand.RequestReorder;
import dev.verdict.examples.pharmacy.InventoryEvent.ReorderRequested;
import dev.verdict.examples.pharmacy.InventoryEvent.StockDeducted;
import dev.verdict.examples.pharmacy.InventoryEvent.StockReceived;
import dev.verdict.testing.ProcessSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When the stock asks for a reorder: given inventory events, when one more, then these inventory commands. A dispense
 * deducts its own stock atomically (see {@code Dispensing}); the process only reacts to where the stock ends up.
 */
class PharmacyProcessSpec {
    static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    static final Instant T1 = T0.plusSeconds(60);
    static final String DRUG = "amoxicillin-500mg";
    static final StockReceived RECEIVED = new StockReceived(DRUG, 12, T0);

    private static ProcessSpec<InventoryEvent, PharmacyProcess.Stateless, InventoryCommand> spec() {
        return ProcessSpec.of(new PharmacyProcess(10, 100));
    }

    @Test
    void receivingStockAsksForNothing() {
        spec().givenNothing().when(RECEIVED).thenNoCommands();
    }

    @Test
    void aDispenseThatStaysAtOrAboveTheThresholdAsksForNothing() {
        spec().given(RECEIVED).when(new StockDeducted(DRUG, "rx-1", 2, 10, T1)).thenNoCommands();
    }

    @Test
    void aDispenseThatTakesTheStockBelowTheThresholdRequestsAReorder() {
        spec().given(RECEIVED)
                .when(new StockDeducted(DRUG, "rx-1", 3, 9, T1))
                .then(new RequestReorder(DRUG, 10, 100, T1));
    }

    @Test
    void furtherDispensesBelowTheThresholdDoNotAskAgain() {
        spec().given(RECEIVED, new StockDeducted(DRUG, "rx-1", 3, 9, T1))
                .when(new StockDeducted(DRUG, "rx-2", 4, 5, T1))
                .thenNoCommands();
    }

    @Test
    void aRequestedReorderAsksForNothingMore() {
        spec().given(RECEIVED, new StockDeducted(DRUG, "rx-1", 3, 9, T1))
                .when(new ReorderRequested(DRUG, 100, 9, T1))
                .thenNoCommands();
    }

    @Test
    void aDispenseFromAStockAlreadyBelowTheThresholdAfterADeliveryOfTooLittleDoesNotAsk() {
        spec().given(new StockReceived(DRUG, 5, T0))
                .when(new StockDeducted(DRUG, "rx-1", 1, 4, T1))
                .thenNoCommands();
    }
}
