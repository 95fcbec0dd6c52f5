package dev.verdict.sample.shelf;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import java.util.List;

/** A shelf of one product: stock it, take from it. The whole domain of this sample. */
public final class Shelf {
    private Shelf() {}

    /** What can be asked of a shelf. */
    public sealed interface Command {
        /** Put {@code count} items on the shelf. */
        record Stock(int count) implements Command {}

        /** Take {@code count} items off the shelf. */
        record Take(int count) implements Command {}
    }

    /** What happened to a shelf. */
    public sealed interface Event {
        /** Items were put on the shelf. */
        record Stocked(int count) implements Event {}

        /** Items were taken off the shelf. */
        record Taken(int count) implements Event {}
    }

    /** How many items are on the shelf. */
    public record State(int onHand) {}

    /** A take of more items than the shelf holds. */
    public static final class NotEnough extends DomainRejection {
        private static final long serialVersionUID = 1L;

        public NotEnough(int requested, int onHand) {
            super("shelf.not-enough", "requested " + requested + " but " + onHand + " on hand");
        }
    }

    /** A stock of more items than there is room for. */
    public static final class NoRoom extends DomainRejection {
        private static final long serialVersionUID = 1L;

        public NoRoom(int count, int onHand) {
            super("shelf.no-room", count + " do not fit beside " + onHand + " (capacity " + CAPACITY + ")");
        }
    }

    /** A count that is not positive. */
    public static final class InvalidCount extends DomainRejection {
        private static final long serialVersionUID = 1L;

        public InvalidCount(int count) {
            super("shelf.invalid-count", "count must be positive, was " + count);
        }
    }

    /** The most a shelf holds. */
    public static final int CAPACITY = 1_000;

    public static final Decider<Command, State, Event> DECIDER = Decider.of(new State(0), Shelf::decide, Shelf::evolve);

    static List<Event> decide(Command command, State state) {
        if (command instanceof Command.Stock stock) {
            requirePositive(stock.count());
            if (stock.count() > CAPACITY - state.onHand()) {
                throw new NoRoom(stock.count(), state.onHand());
            }
            return List.of(new Event.Stocked(stock.count()));
        }
        Command.Take take = (Command.Take) command;
        requirePositive(take.count());
        if (take.count() > state.onHand()) {
            throw new NotEnough(take.count(), state.onHand());
        }
        return List.of(new Event.Taken(take.count()));
    }

    static State evolve(State state, Event event) {
        if (event instanceof Event.Stocked stocked) {
            return new State(state.onHand() + stocked.count());
        }
        return new State(state.onHand() - ((Event.Taken) event).count());
    }

    private static void requirePositive(int count) {
        if (count <= 0) {
            throw new InvalidCount(count);
        }
    }
}
