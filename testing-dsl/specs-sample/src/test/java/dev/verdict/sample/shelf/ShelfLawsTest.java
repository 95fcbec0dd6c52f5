package dev.verdict.sample.shelf;

import dev.verdict.testing.DeciderLawProperties;
import dev.verdict.testing.DeciderLaws;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;

/** Every decider law as a jqwik property, with a hand-written snapshot encoding (no framework codec here). */
class ShelfLawsTest extends DeciderLawProperties<Shelf.Command, Shelf.State, Shelf.Event> {
    static final DeciderLaws<Shelf.Command, Shelf.State, Shelf.Event> LAWS = DeciderLaws.of(
                    Shelf.DECIDER,
                    Arbitraries.oneOf(
                            Arbitraries.integers().between(-1, 400).map(Shelf.Command.Stock::new),
                            Arbitraries.integers().between(-1, 400).map(Shelf.Command.Take::new)))
            .invariant("never negative", shelf -> shelf.onHand() >= 0)
            .invariant("never above capacity", shelf -> shelf.onHand() <= Shelf.CAPACITY)
            .snapshotCodec(
                    shelf -> Integer.toString(shelf.onHand()).getBytes(StandardCharsets.UTF_8),
                    bytes -> new Shelf.State(Integer.parseInt(new String(bytes, StandardCharsets.UTF_8))));

    @Override
    protected DeciderLaws<Shelf.Command, Shelf.State, Shelf.Event> laws() {
        return LAWS;
    }
}
