package dev.verdict.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.CommandContext;
import dev.verdict.store.ConcurrencyConflict;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EntityRef;
import dev.verdict.store.ReadRange;
import dev.verdict.store.RecordedEvent;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.testing.nats.NatsServerExtension;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a conflict's missed events must be ({@link ConcurrencyConflict#missedEvents()}): the tail up to the actual
 * version. That the stores hand that tail over with a conflict, and find a re-send's original events in it, is
 * {@link dev.verdict.store.EventStoreContract}'s.
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
