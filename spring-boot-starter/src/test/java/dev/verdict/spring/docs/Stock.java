package dev.verdict.spring.docs;

import dev.verdict.decider.Decider;
import java.util.List;

/** The pharmacy's stock of doses: the process manager of docs/spring-boot.md takes what is dispensed from it. */
public record Stock(int taken) {

    public sealed interface StockCommand {
        record Take(int doses) implements StockCommand {}
    }

    public sealed interface StockEvent {
        record Taken(int doses) implements StockEvent {}
    }

    public static final Decider<StockCommand, Stock, StockEvent> DECIDER = Decider.builder(
                    new Stock(0), StockCommand.class, StockEvent.class)
            .decide(StockCommand.Take.class, (take, stock) -> List.of(new StockEvent.Taken(take.doses())))
            .evolve(StockEvent.Taken.class, (stock, taken) -> new Stock(stock.taken() + taken.doses()))
            .build();
}
