package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.AppendResult;
import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.EventDecoding;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.testing.nats.NatsServerExtension;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After a conflict the store looks for a re-send's original events in the tail the writer missed, bounded by the
 * version the server reported, and hands that tail over with the conflict ({@link ConcurrencyConflict#missedEvents()}),
 * so the runtime catches up without a second read.
 */
class ConflictTailTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    private static final AtomicInteger STORES = new AtomicInteger();

    sealed interface RxEvent permits Dispensed {}

    record Dispensed(int quantity) implements RxEvent {}

    private static final JsonEventCodec<RxEvent> CODEC = JsonEventCodec.of(RxEvent.class);

    private final EntityRef rx = EntityRef.of("prescription", "rx-42");
    private final EntityRef other = EntityRef.of("prescription", "rx-43");
    private NatsEventStore store;

    @BeforeEach
    void newStore() {
        store = NatsEventStore.create(NATS.connection(), NatsEventStoreConfig.of("tail" + STORES.incrementAndGet()));
    }

    private static EncodedEvent dispensed(int quantity) {
        return CODEC.encode(new Dispensed(quantity));
    }

    /** Two events on rx with another entity's message between them (so rx's sequences have a gap): 1 and 3. */
    private void twoEventsWritten() {
        store.append(rx, 0, List.of(dispensed(1)), CommandContext.create());
        store.append(other, 0, List.of(dispensed(9)), CommandContext.create());
        store.append(rx, 1, List.of(dispensed(2)), CommandContext.create());
    }

    @Test
    void aConflictCarriesEveryEventTheWriterMissed() {
        twoEventsWritten();

        assertThatThrownBy(() -> store.append(rx, 0, List.of(dispensed(5)), CommandContext.create()))
                .isInstanceOfSatisfying(ConcurrencyConflict.class, conflict -> {
                    assertThat(conflict.actualVersion()).hasValue(3);
                    assertThat(conflict.missedEvents())
                            .extracting(RecordedEvent::sequence)
                            .containsExactly(1L, 3L);
                    assertThat(conflict.missedEvents())
                            .extracting(e -> EventDecoding.decode(store.name(), e, CODEC))
                            .containsExactly(new Dispensed(1), new Dispensed(2));
                });
    }

    @Test
    void anAsynchronousConflictCarriesThemToo() {
        twoEventsWritten();

        assertThatThrownBy(() -> store.appendAsync(
                                rx, 1, List.of(dispensed(5)), CommandContext.create(), ForkJoinPool.commonPool())
                        .join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        ConcurrencyConflict.class,
                        conflict -> assertThat(conflict.missedEvents())
                                .extracting(RecordedEvent::sequence)
                                .containsExactly(3L));
    }

    @Test
    void aReSendWhoseOriginalOthersWroteAfterIsStillFoundInTheBoundedTail() {
        CommandContext resent = CommandContext.withCommandId("dispense-7");
        AppendResult original = store.append(rx, 0, List.of(dispensed(1)), resent);
        store.append(rx, original.version(), List.of(dispensed(2)), CommandContext.create());
        store.append(other, 0, List.of(dispensed(9)), CommandContext.create());

        AppendResult again = store.append(rx, 0, List.of(dispensed(1)), resent);

        assertThat(again.duplicate()).isTrue();
        assertThat(again.sequences()).isEqualTo(original.sequences());
    }

    @Test
    void missedEventsMustBeTheTailUpToTheActualVersion() {
        twoEventsWritten();
        List<RecordedEvent> tail = store.readAll(rx, ReadRange.all());
        OptionalLong three = OptionalLong.of(3);

        assertThat(new ConcurrencyConflict(rx, 0, three, tail).missedEvents()).isEqualTo(tail);
        assertThat(new ConcurrencyConflict(rx, 0, three).missedEvents()).isEmpty();
        // short of the actual version, out of order, or starting at or before the expected version: refused
        assertThatThrownBy(() -> new ConcurrencyConflict(rx, 0, three, tail.subList(0, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConcurrencyConflict(rx, 0, three, List.of(tail.get(1), tail.get(0))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConcurrencyConflict(rx, 1, three, tail))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConcurrencyConflict(other, 0, three, tail))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
