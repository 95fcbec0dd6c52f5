package dev.verdict.routing;

import dev.verdict.decider.Decider;
import dev.verdict.decider.DomainRejection;
import dev.verdict.runtime.Registration;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import java.util.List;

/** The routing tests' domain: a tally that counts up to a limit. */
record Tally(int count) {
    sealed interface Command permits Count {}

    /** Counts one; rejected when the tally has reached {@code limit}. */
    record Count(int limit) implements Command {}

    sealed interface Event permits Counted {}

    record Counted(int number) implements Event {}

    static final class Full extends DomainRejection {
        private static final long serialVersionUID = 1L;

        Full(int limit) {
            super("tally.full", "the tally reached its limit " + limit);
        }
    }

    static final Registration<Command, Tally, Event> REGISTRATION = Registration.of(
                    "tally",
                    Decider.<Command, Tally, Event>of(new Tally(0), Tally::decide, Tally::evolve),
                    JsonEventCodec.of(Event.class))
            .withStateCodec(JsonStateCodec.of(Tally.class));

    static final CommandCodec<Command> COMMANDS = CommandCodec.json(Count.class);

    static List<Event> decide(Command command, Tally state) {
        Count count = (Count) command;
        if (state.count >= count.limit()) {
            throw new Full(count.limit());
        }
        return List.of(new Counted(state.count + 1));
    }

    static Tally evolve(Tally state, Event event) {
        return new Tally(((Counted) event).number());
    }
}
