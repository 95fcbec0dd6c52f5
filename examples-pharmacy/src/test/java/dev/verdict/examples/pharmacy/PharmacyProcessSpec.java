package dev.verdict.examples.pharmacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.decider.TimerRequest;
import dev.verdict.examples.pharmacy.InventoryCommand.RequestReorder;
import dev.verdict.examples.pharmacy.InventoryEvent.ReorderRequested;
import dev.verdict.examples.pharmacy.InventoryEvent.StockDeducted;
import dev.verdict.examples.pharmacy.InventoryEvent.StockReceived;
import dev.verdict.examples.pharmacy.PharmacyProcess.ReorderState;
import dev.verdict.testing.ProcessSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When the stock asks for a reorder, and follows it up: given inventory events, when one more or when time passes,
 * then these inventory commands and timers. A dispense
 * deducts its own stock atomically (see {@code Dispensing}); the process only reacts to where the stock ends up.
 */
class PharmacyProcessSpec {
    static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    static final Instant T1 = T0.plusSeconds(60);
    static final String DRUG = "amoxicillin-500mg";
    static final StockReceived RECEIVED = new StockReceived(DRUG, 12, T0);

    static final Duration FOLLOW_UP = Duration.ofHours(24);
    static final ReorderRequested REQUESTED = new ReorderRequested(DRUG, 100, 9, T1);

    private static ProcessSpec<InventoryEvent, ReorderState, InventoryCommand> spec() {
        return ProcessSpec.of(new PharmacyProcess(10, 100, FOLLOW_UP)).at(T1);
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
    void aRequestedReorderAsksForNothingMoreNowAndSchedulesItsFollowUp() {
        spec().given(RECEIVED, new StockDeducted(DRUG, "rx-1", 3, 9, T1))
                .when(REQUESTED)
                .thenNoCommands()
                .thenTimers(TimerRequest.after(PharmacyProcess.FOLLOW_UP, FOLLOW_UP))
                .thenScheduled(DRUG, PharmacyProcess.FOLLOW_UP, T1.plus(FOLLOW_UP));
    }

    @Test
    void noStockWithinTheFollowUpTimeRequestsAgainAtItsDueInstant() {
        spec().given(REQUESTED)
                .whenTimePassesTo(T1.plus(FOLLOW_UP).plusSeconds(5))
                .then(new RequestReorder(DRUG, 10, 100, T1.plus(FOLLOW_UP)))
                .thenState(DRUG, s -> assertThat(s).isEqualTo(new ReorderState(true, true)));
    }

    @Test
    void nothingHappensBeforeTheFollowUpIsDue() {
        spec().given(REQUESTED)
                .whenTimePassesTo(T1.plus(FOLLOW_UP).minusSeconds(1))
                .thenNoCommands()
                .thenScheduled(DRUG, PharmacyProcess.FOLLOW_UP, T1.plus(FOLLOW_UP));
    }

    @Test
    void theFollowUpRequestsOnceOnly() {
        Instant due = T1.plus(FOLLOW_UP);
        spec().given(REQUESTED)
                .whenTimePassesTo(due)
                .then(new RequestReorder(DRUG, 10, 100, due))
                .and()
                .when(new ReorderRequested(DRUG, 100, 9, due)) // the follow-up's own request
                .thenNoCommands()
                .thenTimers()
                .thenNotScheduled(DRUG, PharmacyProcess.FOLLOW_UP)
                .and()
                .whenTimePassesTo(due.plus(FOLLOW_UP).plus(FOLLOW_UP))
                .thenNoCommands();
    }

    @Test
    void stockReceivedInTimeCancelsTheFollowUpAndEndsTheDrugsInstance() {
        spec().given(REQUESTED)
                .when(new StockReceived(DRUG, 100, T1.plusSeconds(60)))
                .thenNoCommands()
                .thenTimers(TimerRequest.cancel(PharmacyProcess.FOLLOW_UP))
                .thenNotScheduled(DRUG, PharmacyProcess.FOLLOW_UP)
                .thenEnded(DRUG)
                .and()
                .whenTimePassesTo(T1.plus(FOLLOW_UP).plus(FOLLOW_UP))
                .thenNoCommands();
    }

    @Test
    void anEntryOfThePreviousReleaseIsReadAsAnEndedInstance() {
        @SuppressWarnings("deprecation")
        var previous = dev.verdict.store.codec.JsonStateCodec.of(PharmacyProcess.Stateless.class);
        @SuppressWarnings("deprecation")
        byte[] stored = previous.encode(PharmacyProcess.Stateless.INSTANCE);
        assertThat(new String(stored, StandardCharsets.UTF_8)).isEqualTo("\"INSTANCE\"");
        assertThat(PharmacyProcessStateCodec.INSTANCE.fingerprint()).isEqualTo(previous.fingerprint());
        assertThat(PharmacyProcessStateCodec.INSTANCE.decode(stored)).isEqualTo(ReorderState.IDLE);
        ReorderState awaiting = new ReorderState(true, false);
        assertThat(PharmacyProcessStateCodec.INSTANCE.decode(PharmacyProcessStateCodec.INSTANCE.encode(awaiting)))
                .isEqualTo(awaiting);
    }

    @Test
    void aDispenseFromAStockAlreadyBelowTheThresholdAfterADeliveryOfTooLittleDoesNotAsk() {
        spec().given(new StockReceived(DRUG, 5, T0))
                .when(new StockDeducted(DRUG, "rx-1", 1, 4, T1))
                .thenNoCommands();
    }
}
