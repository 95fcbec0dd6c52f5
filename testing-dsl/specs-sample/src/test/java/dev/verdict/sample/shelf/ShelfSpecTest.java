package dev.verdict.sample.shelf;

import dev.verdict.sample.shelf.Shelf.Command.Stock;
import dev.verdict.sample.shelf.Shelf.Command.Take;
import dev.verdict.sample.shelf.Shelf.Event.Stocked;
import dev.verdict.sample.shelf.Shelf.Event.Taken;
import dev.verdict.testing.DeciderSpec;
import org.junit.jupiter.api.Test;

/** Given/when/then specs of the shelf – no server, no store, only the decider. */
class ShelfSpecTest {
    private final DeciderSpec<Shelf.Command, Shelf.State, Shelf.Event> spec = DeciderSpec.of(Shelf.DECIDER);

    @Test
    void takingWhatIsThere() {
        spec.given(new Stocked(5)).when(new Take(3)).then(new Taken(3)).thenStateEquals(new Shelf.State(2));
    }

    @Test
    void takingMoreThanIsThereIsRefused() {
        spec.given(new Stocked(2), new Taken(1)).when(new Take(2)).thenRejected(Shelf.NotEnough.class);
    }

    @Test
    void stockingBeyondTheCapacityIsRefused() {
        spec.given(new Stocked(Shelf.CAPACITY - 1)).when(new Stock(2)).thenRejected("shelf.no-room");
    }
}
